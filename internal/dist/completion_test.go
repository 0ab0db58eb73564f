//go:build linux

package dist

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/cli"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

var completionFile = filepath.Join(root, "completion", "keyctl.bash")

// wordBreaks is bash's default COMP_WORDBREAKS (echo "$COMP_WORDBREAKS").
const wordBreaks = " \t\n\"'@><=;|&(:"

// compWords splits line as bash does for COMP_WORDS: at blanks, and with
// each run of word-break characters a word of its own (no quoting in the
// lines the tests use beyond backslashes, which keep the next character).
func compWords(line string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	inBreak := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			if inBreak {
				flush()
				inBreak = false
			}
			cur.WriteByte(c)
			i++
			cur.WriteByte(line[i])
		case c == ' ' || c == '\t':
			flush()
			inBreak = false
		case strings.IndexByte(wordBreaks, c) >= 0:
			if !inBreak {
				flush()
				inBreak = true
			}
			cur.WriteByte(c)
		default:
			if inBreak {
				flush()
				inBreak = false
			}
			cur.WriteByte(c)
		}
	}
	if inBreak || cur.Len() > 0 || len(line) == 0 || line[len(line)-1] == ' ' {
		flush()
		if len(line) == 0 || line[len(line)-1] == ' ' {
			words = append(words, "")
		}
	}
	return words
}

// complete runs the completion function in bash for the command line
// line, the cursor at its end, with COMP_LINE, COMP_POINT, COMP_WORDS and
// COMP_CWORD set as bash sets them, and returns COMPREPLY.
func complete(t *testing.T, line string) []string {
	t.Helper()
	bash := needTool(t, "bash", "bash")
	words := compWords(line)
	var script strings.Builder
	fmt.Fprintf(&script, "source %s || exit 9\n", shellQuote(completionFile))
	fmt.Fprintf(&script, "COMP_LINE=%s\nCOMP_POINT=%d\nCOMP_WORDS=(", shellQuote(line), len(line))
	for _, w := range words {
		script.WriteString(shellQuote(w) + " ")
	}
	fmt.Fprintf(&script, ")\nCOMP_CWORD=%d\n", len(words)-1)
	script.WriteString("COMPREPLY=()\n_keyctl keyctl \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" || exit 8\n")
	script.WriteString("printf '%s\\0' \"${COMPREPLY[@]}\"\n")
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script.String())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("completing %q: %v\n%s", line, err, stderr.String())
	}
	// compopt complains outside of a real completion: nothing else may.
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if l != "" && !strings.Contains(l, "compopt: not currently executing completion function") {
			t.Errorf("completing %q: stderr: %s", line, l)
		}
	}
	out := strings.TrimSuffix(stdout.String(), "\x00")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\x00")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestCompletionCommandsMatchTable: the command names the completion
// offers are keyctl's command table, and for each command it knows the
// options of the usage text and as many arguments.
func TestCompletionCommandsMatchTable(t *testing.T) {
	got := complete(t, "keyctl ")
	want := cli.CommandNames()
	if !slices.Equal(got, want) {
		t.Errorf("commands offered:\n%q\nkeyctl's table:\n%q", got, want)
	}
	if got := complete(t, "keyctl pkey_"); !slices.Equal(got, []string{"pkey_query", "pkey_encrypt", "pkey_decrypt", "pkey_sign", "pkey_verify"}) {
		t.Errorf("keyctl pkey_<TAB>: %q", got)
	}

	// Options and argument counts, from the usage text's syntax lines.
	bash := needTool(t, "bash", "bash")
	describe := func(fn, cmd string) []string {
		out, err := exec.Command(bash, "--norc", "--noprofile", "-c", `source "$1" && `+fn+` "$2"`, "bash", completionFile, cmd).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", fn, cmd, err)
		}
		return strings.Fields(string(out))
	}
	option := regexp.MustCompile(`^\[?(--?[a-z]+)`)
	// Options the completion offers beyond the usage text's.
	extra := map[string][]string{"watch_session": {"-d"}}
	syntax := cli.CommandSyntax()
	for _, name := range cli.CommandNames() {
		opts := extra[name]
		maxArgs := 0
		for _, f := range syntax[name] {
			args := 0
			fields := strings.Fields(f)
			for i := 0; i < len(fields); i++ {
				w := fields[i]
				switch {
				case name == "session" && w == "-": // an argument, not an option
					args++
				case name == "--test" && w == "...": // its sub-command
					args++
				case w == "|": // [<cap> | --raw]: one argument
					i++
				case option.MatchString(w):
					if o := option.FindStringSubmatch(w)[1]; !slices.Contains(opts, o) {
						opts = append(opts, o)
					}
					if w == "[-n" { // -n <name>]
						i++
					}
				case strings.HasPrefix(w, "<arg2>") || w == "...]" || w == "...":
					// Repeated arguments: one more kind at most.
				default:
					args++
				}
			}
			maxArgs = max(maxArgs, args)
		}
		if got := describe("_keyctl_options", name); !sameSet(got, opts) {
			t.Errorf("%s: completion offers options %q, the usage text has %q", name, got, opts)
		}
		if got := describe("_keyctl_syntax", name); len(got) != maxArgs {
			t.Errorf("%s: completion knows %d arguments (%q), the usage text has %d", name, len(got), got, maxArgs)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// completionKeys adds keys with awkward descriptions to a test keyring
// and returns the built keyctl and the description prefix of the keys.
func completionKeys(t *testing.T) (keyctl, p string, ring keyutils.Serial) {
	keyctl = filepath.Join(built(t), "keyctl")
	ring = testutil.Keyring(t)
	p = fmt.Sprintf("kgo-compl-%d-", os.Getpid())
	for _, d := range []string{"my key", "semi;colon$x `id`", "db:pass", "quote'd \"both\""} {
		if _, err := keyutils.AddKey("user", p+d, []byte("v"), ring); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := keyutils.NewKeyring(p+"ring one", ring); err != nil {
		t.Fatal(err)
	}
	return keyctl, p, ring
}

// TestCompletion runs the completion function on command lines and checks
// COMPREPLY: commands, options, special IDs, key types, %type:desc names
// of the keys in /proc/keys (quoted for the shell, and cut after the last
// word-break character as readline replaces only that part), serials,
// fixed words.
func TestCompletion(t *testing.T) {
	keyctl, p, ring := completionKeys(t)
	k := keyctl + " "            // the command word: a path, so rdescribe runs ours
	q := func(s string) string { // what printf %q makes of s
		out, err := exec.Command("bash", "--norc", "--noprofile", "-c", `printf %q "$1"`, "bash", s).Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	mine, err := keyutils.AddKey("user", p+"serial", []byte("v"), ring)
	if err != nil {
		t.Fatal(err)
	}
	serial := strconv.Itoa(int(mine))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notify.log"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line string
		want []string // nil: nothing
		has  []string // checked instead of want, when set
	}{
		{line: k + "sho", want: []string{"show"}},
		{line: k + "w", want: []string{"watch", "watch_add", "watch_rm", "watch_session", "watch_sync", "why"}},
		{line: k + "new", want: []string{"new_session", "newring"}},
		{line: k + "--v", want: []string{"--version"}},
		{line: k + "show -", want: []string{"-x", "--json"}},
		{line: k + "show --", want: []string{"--json"}},
		{line: k + "describe --json %user:" + p + "my", want: []string{q(p + "my key")}},
		{line: k + "why %user:" + p + "my\\ key s", want: []string{"search", "setattr"}},
		{line: k + "why --json @s ", want: []string{"view", "read", "write", "search", "link", "setattr"}},
		// '@' breaks words too (COMP_WORDBREAKS): what follows it is replaced.
		{line: k + "show -x @u", want: []string{"u", "us"}},
		{line: k + "show @", want: []string{"t", "p", "s", "u", "us", "g", "a"}},
		{line: k + "purge -", want: []string{"-s", "-p", "-i"}},
		{line: k + "purge -p -i us", want: []string{"user"}},
		{line: k + "move -", want: []string{"-f"}},
		{line: k + "reap -", want: []string{"-v"}},
		{line: k + "describe ", want: []string{"@t", "@p", "@s", "@u", "@us", "@g", "@a", "%"}},
		{line: k + "add lo", want: []string{"logon"}},
		{line: k + "add -x as", want: []string{"asymmetric"}},
		{line: k + "print %us", want: []string{"%user:"}},
		{line: k + "print %user:" + p + "my", want: []string{q(p + "my key")}},
		{line: k + "print %user:" + p + "my\\ k", want: []string{q(p + "my key")}},
		{line: k + "print %user:" + p + "sem", want: []string{q(p + "semi;colon$x `id`")}},
		{line: k + "print %user:" + p + "qu", want: []string{q(p + "quote'd \"both\"")}},
		// After a second colon, readline replaces what follows it.
		{line: k + "print %user:" + p + "db:", want: []string{"pass"}},
		{line: k + "list %:" + p + "ring", want: []string{q(p + "ring one")}},
		{line: k + "list %keyring:" + p, want: []string{q(p + "ring one")}},
		{line: k + "link %user:" + p + "my\\ key %:" + p + "r", want: []string{q(p + "ring one")}},
		{line: k + "unlink %user:" + p + "db", want: []string{q(p + "db:pass")}},
		// A keyring argument offers keyrings only.
		{line: k + "clear %user:" + p, want: nil},
		{line: k + "search @s user " + p + "my", want: []string{q(p + "my key")}},
		{line: k + "purge user " + p + "db", want: []string{q(p + "db:pass")}},
		{line: k + "print " + serial, has: []string{serial}},
		{line: k + "supports move", want: []string{"move_key"}},
		{line: k + "supports --", want: []string{"--raw"}},
		{line: k + "reject 1 30 re", want: []string{"rejected", "revoked"}},
		{line: k + "dh_compute_kdf 1 2 3 32 sha2", want: []string{"sha224", "sha256"}},
		{line: k + "pkey_query 1 ", want: []string{"0"}},
		{line: k + "pkey_sign 1 0 /nonexistent/x enc=p", want: []string{"pkcs1"}},
		{line: k + "pkey_verify 1 0 a b hash=sha25", want: []string{"sha256"}},
		{line: k + "--test lim", want: []string{"limits", "limits2"}},
		{line: k + "session ", want: []string{"-"}},
		{line: k + "watch -f", want: []string{"-f"}},
		{line: k + "watch -f ", want: []string{"i", "p", "l", "n", "c", "r", "v", "s"}},
		{line: k + "watch -fi ", want: []string{"@t", "@p", "@s", "@u", "@us", "@g", "@a", "%"}},
		{line: k + "watch_session -n name " + dir + "/no", want: []string{dir + "/notify.log"}},
		{line: k + "watch_session -f ilnc -d " + dir + "/notify.log " + dir + "/n", want: []string{dir + "/notify.log"}},
		// No more arguments than the command takes.
		{line: k + "revoke @s ", want: nil},
		{line: k + "reap ", want: nil},
		{line: k + "nosuchcommand ", want: nil},
	} {
		got := complete(t, tc.line)
		if tc.has != nil {
			for _, h := range tc.has {
				if !slices.Contains(got, h) {
					t.Errorf("%q: got %q, want it to include %q", tc.line, got, h)
				}
			}
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.line, got, tc.want)
		}
	}
}

// TestCompletionReadline types command lines into an interactive bash on
// a pseudo-terminal, with the completion loaded, presses TAB, and runs the
// completed line through printf: the words the shell then passes are the
// keys' exact descriptions, whatever shell metacharacters they hold, and
// open quotes are closed.
func TestCompletionReadline(t *testing.T) {
	bash := needTool(t, "bash", "bash")
	keyctl, p, _ := completionKeys(t)
	for _, tc := range []struct{ typed, want string }{
		{"print %user:" + p + "my\t", "<print><%user:" + p + "my key>"},
		{"print %user:" + p + "se\t", "<print><%user:" + p + "semi;colon$x `id`>"},
		{"print %user:" + p + "qu\t", "<print><%user:" + p + "quote'd \"both\">"},
		{"print '%user:" + p + "my\t", "<print><%user:" + p + "my key>"},
		{"list %:" + p + "ri\t", "<list><%:" + p + "ring one>"},
		{"sho\t--\t", "<show><--json>"},
	} {
		got := readline(t, bash, keyctl, tc.typed)
		if got != tc.want {
			t.Errorf("typed keyctl %q: the shell ran with %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// readline types "keyctl " and typed into an interactive bash whose
// completion for keyctl is ours, then replaces "keyctl" with a printf
// that shows the words, runs the line and returns what printf printed.
func readline(t *testing.T, bash, keyctl, typed string) string {
	t.Helper()
	master, slave, err := testutil.OpenPty(false)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	dir := t.TempDir()
	rc := filepath.Join(dir, "rc")
	// "keyctl" runs our build (rdescribe), and completes with our file.
	if err := os.Symlink(keyctl, filepath.Join(dir, "keyctl")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rc, []byte("PS1='$ '\nPATH="+shellQuote(dir)+":$PATH\nsource "+shellQuote(completionFile)+"\nbind 'set bell-style none'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "--noprofile", "--rcfile", rc, "-i")
	cmd.Env = append(os.Environ(), "TERM=dumb", "HISTFILE=/dev/null")
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	// Read the terminal until bash is gone; wait shows what it printed.
	var mu sync.Mutex
	var out bytes.Buffer
	changed := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			select {
			case changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	deadline := time.After(30 * time.Second)
	wait := func(what string, match func(string) bool) {
		t.Helper()
		for {
			mu.Lock()
			s := out.String()
			mu.Unlock()
			if match(s) {
				return
			}
			select {
			case <-changed:
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("bash: no %s; the terminal showed:\n%q", what, s)
			}
		}
	}
	// The prompt: readline has the terminal, and reads keys one by one.
	wait("prompt", func(s string) bool { return strings.HasSuffix(s, "$ ") })
	// Type, TAB included; then Ctrl-A, delete "keyctl" (6 times Ctrl-D)
	// and type a printf in its place, Ctrl-E, and a marker: readline
	// handles the keys in order, the completion included, so nothing
	// depends on timing.
	marker := "END-" + strconv.Itoa(os.Getpid())
	keys := "keyctl " + typed + "\x01" + strings.Repeat("\x04", 6) + "printf '<%s>'\x05; echo; echo " + marker + "\r"
	if _, err := master.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^(<[^\r\n]*>)\r?\n` + marker + `\r?$`)
	var got string
	wait("result", func(s string) bool {
		if m := re.FindStringSubmatch(s); m != nil {
			got = m[1]
			return true
		}
		return false
	})
	return got
}
