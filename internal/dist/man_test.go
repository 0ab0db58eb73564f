//go:build linux

package dist

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/cli"
)

// manPages returns the paths of the man pages under man/.
func manPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(root, "man", "*.[1-8]"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no man pages in man/: %v", err)
	}
	return pages
}

// TestManPagesLint: every page passes mandoc's checks, style included, and
// groff's warnings (whichever of the two is installed; CI installs both).
func TestManPagesLint(t *testing.T) {
	mandoc, _ := exec.LookPath("mandoc")
	groff, _ := exec.LookPath("groff")
	if mandoc == "" && groff == "" {
		t.Skip("neither mandoc nor groff is installed (Debian packages mandoc, groff-base)")
	}
	if mandoc == "" {
		t.Log("mandoc is not installed (Debian package mandoc): checking with groff only")
	}
	for _, p := range manPages(t) {
		if mandoc != "" {
			if out, err := exec.Command(mandoc, "-T", "lint", "-W", "style", p).CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("mandoc -T lint -W style %s: %v\n%s", filepath.Base(p), err, out)
			}
		}
		if groff != "" {
			if out, err := exec.Command(groff, "-ww", "-z", "-man", p).CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("groff -ww -z -man %s: %v\n%s", filepath.Base(p), err, out)
			}
		}
	}
}

// TestManPagesRender: man -l renders every page, without complaint, with
// its name in the header and the sections a reader looks for.
func TestManPagesRender(t *testing.T) {
	needTool(t, "man", "man-db")
	for _, p := range manPages(t) {
		out := renderMan(t, p)
		name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		title := strings.ToUpper(name) + "(" + strings.TrimPrefix(filepath.Ext(p), ".") + ")"
		if first, _, _ := strings.Cut(out, "\n"); !strings.HasPrefix(first, title) {
			t.Errorf("%s: first line %q, want it to start with %s", filepath.Base(p), first, title)
		}
		for _, s := range []string{"NAME", "DESCRIPTION", "SEE ALSO"} {
			if !regexp.MustCompile(`(?m)^` + s + `$`).MatchString(out) {
				t.Errorf("%s: no %s section in:\n%s", filepath.Base(p), s, out)
			}
		}
	}
}

// renderMan renders a page file with man -l as plain text.
func renderMan(t *testing.T, path string) string {
	t.Helper()
	return run(t, []string{"MANWIDTH=80", "MAN_KEEP_FORMATTING=", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8"}, "man", "-P", "cat", "-E", "UTF-8", "-l", path)
}

// TestManPagesCoverCommands: every command under cmd/ has a page in
// section 1 or 8, and every page's .TH line names its file.
func TestManPagesCoverCommands(t *testing.T) {
	have := map[string]bool{}
	th := regexp.MustCompile(`(?m)^\.TH ([^ ]+) ([1-8]) `)
	for _, p := range manPages(t) {
		base := filepath.Base(p)
		ext := filepath.Ext(base)
		name := strings.TrimSuffix(base, ext)
		have[base] = true
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m := th.FindSubmatch(src)
		if m == nil {
			t.Errorf("%s: no .TH line", base)
			continue
		}
		if got, want := string(m[1]), strings.ToUpper(strings.ReplaceAll(name, "-", `\-`)); got != want || "."+string(m[2]) != ext {
			t.Errorf("%s: .TH %s %s, want %s %s", base, m[1], m[2], want, ext[1:])
		}
	}
	for _, c := range commands(t) {
		if !have[c+".1"] && !have[c+".8"] {
			t.Errorf("command %s has no man page: write man/%s.1 (or .8 for a command run by the system)", c, c)
		}
	}
	for _, p := range []string{"request-key.conf.5", "keyutils-go.7"} {
		if !have[p] {
			t.Errorf("no man/%s", p)
		}
	}
	if have["key.dns_resolver.8"] && !have["key.dns_resolver.conf.5"] {
		t.Error("no man/key.dns_resolver.conf.5")
	}
}

// roffText turns man page source into the text it shows, roughly: font
// escapes removed, \- as -, and the common special characters.
func roffText(src string) string {
	r := strings.NewReplacer(`\fB`, "", `\fI`, "", `\fR`, "", `\fP`, "", `\-`, "-", `\&`, "", `\e`, `\`, `\(em`, "—", `\(bu`, "•", `\^`, "", `\%`, "")
	return r.Replace(src)
}

// TestKeyctlPageDocumentsEveryCommand: keyctl.1 has an entry for every
// syntax line of keyctl's usage text (internal/cli's command table), in the
// same words (without the <> around placeholders), so that the page covers
// every command and keeps up with the table.
func TestKeyctlPageDocumentsEveryCommand(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root, "man", "keyctl.1"))
	if err != nil {
		t.Fatal(err)
	}
	text := roffText(string(src))
	lines := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		lines[strings.Join(strings.Fields(l), " ")] = true
	}
	syntax := cli.CommandSyntax()
	for _, name := range cli.CommandNames() {
		for _, f := range syntax[name] {
			want := strings.Join(strings.Fields("keyctl "+name+" "+strings.NewReplacer("<", "", ">", "").Replace(f)), " ")
			if f == "..." { // --test: its sub-commands are documented instead
				want = "keyctl " + name + " limits | limits2"
			}
			if !lines[want] {
				t.Errorf("keyctl.1 has no entry %q (the usage line \"keyctl %s %s\")", want, name, f)
			}
		}
	}
}
