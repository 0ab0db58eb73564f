//go:build linux

package dist

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// makeCmd returns "make -s -C <root> <args>" with the commands built by
// built(t), in an environment without the install settings (the Makefile
// takes them from the environment too).
func makeCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	bin := built(t)
	cmd := exec.Command("make", append([]string{"-s", "-C", root, "BUILDDIR=" + bin}, args...)...)
	for _, e := range os.Environ() {
		switch name, _, _ := strings.Cut(e, "="); name {
		case "PREFIX", "DESTDIR", "SYSTEM", "BUILDDIR", "MAKEFLAGS", "MFLAGS":
		default:
			cmd.Env = append(cmd.Env, e)
		}
	}
	return cmd
}

// mk runs make with args and returns its output; it fails the test if
// make fails.
func mk(t *testing.T, args ...string) string {
	t.Helper()
	out, err := makeCmd(t, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// fingerprint describes the file at path, not following a final symbolic
// link: kind, mode, owner and content (hashed) or target.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent"
	}
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	s := fmt.Sprintf("%v %d:%d", fi.Mode(), st.Uid, st.Gid)
	switch {
	case fi.Mode().IsRegular():
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		s += " " + hex.EncodeToString(sum[:])
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			t.Fatal(err)
		}
		s += " -> " + target
	}
	return s
}

// tree fingerprints every path under dir, by path relative to dir.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			m[strings.TrimPrefix(p, dir)] = fingerprint(t, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// diffTrees reports the differences between two trees.
func diffTrees(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s: %s is %q, want %q", what, k, got[k], want[k])
		}
	}
}

// expectedFiles returns what an install with PREFIX /usr/local puts where,
// with the modes and the source files: every command of cmd/ (request-key
// and key.dns_resolver in sbin), every man page, the completion.
func expectedFiles(t *testing.T, bin string) map[string]string {
	t.Helper()
	want := map[string]string{}
	for _, c := range commands(t) {
		dir := "bin"
		if c == "request-key" || c == "key.dns_resolver" {
			dir = "sbin"
		}
		want["/usr/local/"+dir+"/"+c] = filepath.Join(bin, c)
	}
	for _, p := range manPages(t) {
		want["/usr/local/share/man/man"+filepath.Ext(p)[1:]+"/"+filepath.Base(p)] = p
	}
	want["/usr/local/share/bash-completion/completions/keyctl"] = completionFile
	return want
}

func sameContent(t *testing.T, a, b string) bool {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// isStatic reports whether the ELF file at path has no interpreter.
func isStatic(t *testing.T, path string) bool {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// TestInstallDestdir: "make install DESTDIR=..." puts every command (static,
// runnable), man page and the completion where a packager expects them,
// with their modes and nothing else but the manifest; man finds the pages
// there; "make uninstall" leaves DESTDIR empty.
func TestInstallDestdir(t *testing.T) {
	bin := built(t)
	dest := t.TempDir()
	mk(t, "install", "DESTDIR="+dest)

	want := expectedFiles(t, bin)
	got := tree(t, dest)
	for p, src := range want {
		mode := "-rw-r--r--"
		if strings.Contains(p, "bin/") {
			mode = "-rwxr-xr-x"
		}
		if !strings.HasPrefix(got[p], mode+" ") {
			t.Errorf("%s: %q, want mode %s", p, got[p], mode)
			continue
		}
		if !sameContent(t, dest+p, src) {
			t.Errorf("%s differs from %s", p, src)
		}
	}
	manifest := "/usr/local/share/keyutils-go/manifest"
	for p, fp := range got {
		switch {
		case p == manifest:
		case strings.HasPrefix(fp, "d"):
			if !strings.HasPrefix(fp, "drwxr-xr-x ") {
				t.Errorf("directory %s: %s, want mode drwxr-xr-x", p, fp)
			}
		case want[p] == "":
			t.Errorf("unexpected %s (%s)", p, fp)
		}
	}
	m, err := os.ReadFile(dest + manifest)
	if err != nil {
		t.Fatal(err)
	}
	for p := range want {
		if !bytes.Contains(m, []byte(" "+p+"\n")) {
			t.Errorf("the manifest does not list %s:\n%s", p, m)
		}
	}

	// The commands: static, and they run.
	for _, c := range commands(t) {
		p := dest + "/usr/local/bin/" + c
		if c == "request-key" || c == "key.dns_resolver" {
			p = dest + "/usr/local/sbin/" + c
		}
		if !isStatic(t, p) {
			t.Errorf("%s is dynamically linked", p)
		}
	}
	for _, c := range [][]string{{"bin/keyctl", "--version"}, {"sbin/request-key", "--version"}, {"sbin/key.dns_resolver", "-V"}} {
		p := dest + "/usr/local/" + c[0]
		if _, err := os.Stat(p); err != nil {
			continue // not a command of this tree (yet)
		}
		if out := run(t, nil, p, c[1]); !strings.Contains(out, "from keyutils-1.6.3 (Go port ") {
			t.Errorf("%s %s: %q", p, c[1], out)
		}
	}

	// man finds the installed pages by name.
	if _, err := exec.LookPath("man"); err == nil {
		manDir := dest + "/usr/local/share/man"
		for _, p := range manPages(t) {
			name, sec := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), filepath.Ext(p)[1:]
			where := strings.TrimSpace(run(t, []string{"MANPATH=" + manDir}, "man", "-M", manDir, "-w", sec, name))
			if where != manDir+"/man"+sec+"/"+filepath.Base(p) {
				t.Errorf("man -w %s %s = %q", sec, name, where)
			}
			if out := renderMan(t, where); !strings.Contains(out, "NAME") {
				t.Errorf("man -l %s:\n%s", where, out)
			}
		}
	}

	mk(t, "uninstall", "DESTDIR="+dest)
	if left := tree(t, dest); len(left) != 0 {
		t.Errorf("uninstall left %v", left)
	}
}

// systemRoot makes a DESTDIR laid out like a merged-/usr system with
// keyutils installed (/bin and /sbin links into /usr, the three commands
// there) but no request-key.conf.
func systemRoot(t *testing.T) string {
	t.Helper()
	dest := t.TempDir()
	for _, d := range []string{"usr/bin", "usr/sbin"} {
		if err := os.MkdirAll(filepath.Join(dest, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{"bin", "sbin"} {
		if err := os.Symlink("usr/"+l, filepath.Join(dest, l)); err != nil {
			t.Fatal(err)
		}
	}
	for p, mode := range map[string]os.FileMode{"usr/bin/keyctl": 0o755, "usr/sbin/request-key": 0o755, "usr/sbin/key.dns_resolver": 0o700} {
		if err := os.WriteFile(filepath.Join(dest, p), []byte("keyutils' "+p), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dest, p), mode)
	}
	return dest
}

// TestInstallSystemDestdir: with SYSTEM=1 the commands also replace the
// system's /bin/keyctl, /sbin/request-key and /sbin/key.dns_resolver
// (through the /bin and /sbin links), which are kept aside as
// *.keyutils-orig; a stock /etc/request-key.conf is installed where there
// was none, and request-key reads it as keyutils' stock file reads; a second
// install changes nothing; uninstall restores the tree exactly.
func TestInstallSystemDestdir(t *testing.T) {
	bin := built(t)
	dest := systemRoot(t)
	before := tree(t, dest)
	mk(t, "install", "SYSTEM=1", "DESTDIR="+dest)
	installed := tree(t, dest)

	for _, p := range []string{"/usr/bin/keyctl", "/usr/sbin/request-key", "/usr/sbin/key.dns_resolver"} {
		if !sameContent(t, dest+p, filepath.Join(bin, filepath.Base(p))) {
			t.Errorf("%s is not ours", p)
		}
		if got := installed[p+".keyutils-orig"]; got != before[p] {
			t.Errorf("%s.keyutils-orig: %q, want the original %q", p, got, before[p])
		}
	}
	for _, p := range []string{"/bin", "/sbin"} {
		if installed[p] != before[p] {
			t.Errorf("%s: %q, was %q", p, installed[p], before[p])
		}
	}
	debug := "/usr/local/share/keyutils-go/request-key-debug.sh"
	if !strings.HasPrefix(installed[debug], "-rwxr-xr-x ") || !strings.HasPrefix(installed["/etc/request-key.conf"], "-rw-r--r-- ") ||
		!strings.HasPrefix(installed["/etc/request-key.d"], "drwxr-xr-x ") {
		t.Errorf("debug script %q, request-key.conf %q, request-key.d %q", installed[debug], installed["/etc/request-key.conf"], installed["/etc/request-key.d"])
	}

	// The stock configuration, as our request-key reads it (debug mode,
	// -l: from the current directory).
	for _, tc := range []struct{ desc, callout, run string }{
		{"user;0;0;3f010000;debug:x", "hello", "Run " + debug},
		{"user;0;0;3f010000;debug:x", "negate", "Run /bin/keyctl"},
		{"user;0;0;3f010000;debug:loop:x", "hello", "|/bin/cat"},
		{"dns_resolver;0;0;3f010000;example.org", "", "Run /sbin/key.dns_resolver"},
	} {
		cmd := exec.Command(filepath.Join(bin, "request-key"), "-d", "-n", "-v", "-l", "-D", tc.desc, "create", "1", "0", "0", "0", "0", "0", tc.callout)
		cmd.Dir = dest + "/etc"
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), tc.run) {
			t.Errorf("request-key -d -D %q %q with the stock configuration: %v, want %q in:\n%s", tc.desc, tc.callout, err, tc.run, out)
		}
	}

	mk(t, "install", "SYSTEM=1", "DESTDIR="+dest)
	diffTrees(t, "after a second install", tree(t, dest), installed)
	mk(t, "uninstall", "DESTDIR="+dest)
	diffTrees(t, "after uninstall", tree(t, dest), before)
}

// TestInstallKeepsOthersFiles: uninstall removes only what is still as
// install left it, says what it leaves, and keeps the manifest until it is
// done; an install that stops half-way (a stale *.keyutils-orig) is undone
// by uninstall.
func TestInstallKeepsOthersFiles(t *testing.T) {
	dest := t.TempDir()
	mk(t, "install", "DESTDIR="+dest)
	page := dest + "/usr/local/share/man/man1/keyctl.1"
	orig, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := makeCmd(t, "uninstall", "DESTDIR="+dest).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "left "+page+": changed since it was installed") {
		t.Errorf("uninstall with a changed file: %v\n%s", err, out)
	}
	if _, err := os.Stat(dest + "/usr/local/share/keyutils-go/manifest"); err != nil {
		t.Errorf("the manifest is gone after a partial uninstall: %v", err)
	}
	if err := os.WriteFile(page, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	mk(t, "uninstall", "DESTDIR="+dest)
	if left := tree(t, dest); len(left) != 0 {
		t.Errorf("uninstall left %v", left)
	}

	// A *.keyutils-orig that is not ours stops the install.
	if err := os.MkdirAll(dest+"/usr/local/bin", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"keyctl", "keyctl.keyutils-orig"} {
		if err := os.WriteFile(dest+"/usr/local/bin/"+f, []byte(f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	before := tree(t, dest)
	out, err = makeCmd(t, "install", "DESTDIR="+dest).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "keyctl.keyutils-orig exists") {
		t.Errorf("install over a stale backup: %v\n%s", err, out)
	}
	mk(t, "uninstall", "DESTDIR="+dest)
	diffTrees(t, "after the failed install and uninstall", tree(t, dest), before)
}

// installJournal is where the real install test's supervisor records the
// paths it guards (testutil.Config.Journal), so that a run killed with its
// supervisor is restored by the next one.
const installJournal = "/var/tmp/.keyutils-go-test-install.journal"

// TestInstallReal runs "make install SYSTEM=1" on this machine, as an
// administrator would: the commands in /usr/local and as the system's
// /bin/keyctl, /sbin/request-key and /sbin/key.dns_resolver (Debian's kept
// aside, diverted with dpkg-divert where dpkg owns them); checks that they
// are ours, that man finds our pages, and that the kernel's upcall runs
// our request-key; then "make uninstall", after which every file is as
// before but dpkg's diversions-old. Every path involved is guarded by a
// supervisor (testutil.Supervisor.Guard), which puts it back byte for byte
// at the end, also if the test is killed; runs take turns with the other
// tests that change /sbin/request-key (flock on /etc/request-key.d).
func TestInstallReal(t *testing.T) {
	if os.Getenv("KEYUTILS_TEST_UPCALL") != "1" {
		t.Skip("set KEYUTILS_TEST_UPCALL=1 (as root) to run make install SYSTEM=1 on this machine (restored afterwards)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: installs into /usr/local, /bin and /sbin")
	}
	if fi, err := os.Stat("/etc/request-key.d"); err != nil || !fi.IsDir() {
		t.Skip("no /etc/request-key.d (keyutils is not installed): nothing to lock the run with")
	}
	const manifest = "/usr/local/share/keyutils-go/manifest"
	bin := built(t)

	// The paths an install can touch: what it creates in an empty DESTDIR,
	// the backups of the files, its temporary files, dpkg's diversions.
	stage := t.TempDir()
	mk(t, "install", "SYSTEM=1", "DESTDIR="+stage)
	var paths []string
	for p, fp := range tree(t, stage) {
		paths = append(paths, p)
		if !strings.HasPrefix(fp, "d") {
			paths = append(paths, p+".keyutils-orig", filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".keyutils-go-new"))
		}
	}
	paths = append(paths, "/var/lib/dpkg/diversions", "/var/lib/dpkg/diversions-old", "/var/lib/dpkg/diversions-new")
	slices.Sort(paths)

	s := testutil.Supervise(t, testutil.Config{
		LockDir:   "/etc/request-key.d",
		Journal:   installJournal,
		Leftovers: []string{"/etc/request-key.d/00-keyutils-go-test-*.conf"}, // cmd/request-key's tests' too
	})
	if _, err := os.Stat(manifest); err == nil {
		t.Skipf("keyutils-go is installed on this machine (%s): not testing over it", manifest)
	}
	s.Guard(paths...)
	state := func() map[string]string {
		m := map[string]string{}
		for _, p := range paths {
			m[p] = fingerprint(t, p)
		}
		return m
	}
	before := state()
	t.Cleanup(func() { // before the supervisor's, which releases the lock
		if err := s.Restore(); err != nil {
			t.Error(err)
		}
		diffTrees(t, "after the restore", state(), before)
	})

	mk(t, "install", "SYSTEM=1")
	installed := state()
	for _, c := range []struct{ path, arg, cmd string }{
		{"/bin/keyctl", "--version", "keyctl"},
		{"/sbin/request-key", "--version", "request-key"},
		{"/sbin/key.dns_resolver", "-V", "key.dns_resolver"},
		{"/usr/local/bin/keyctl", "--version", "keyctl"},
	} {
		if _, err := os.Stat(filepath.Join(bin, c.cmd)); err != nil {
			continue
		}
		if !sameContent(t, c.path, filepath.Join(bin, c.cmd)) {
			t.Errorf("%s is not ours", c.path)
		}
		if out := run(t, nil, c.path, c.arg); !strings.Contains(out, "(Go port ") {
			t.Errorf("%s %s = %q", c.path, c.arg, out)
		}
		if strings.HasPrefix(c.path, "/usr/local/") {
			continue
		}
		if before[c.path] == "absent" {
			continue
		}
		if got := installed[c.path+".keyutils-orig"]; got != before[c.path] {
			t.Errorf("%s.keyutils-orig = %q, want the original, %q", c.path, got, before[c.path])
		}
		if out, err := exec.Command("dpkg-query", "-S", c.path).Output(); err == nil && !bytes.HasPrefix(out, []byte("diversion")) {
			if got, err := exec.Command("dpkg-divert", "--truename", c.path).Output(); err != nil || strings.TrimSpace(string(got)) != c.path+".keyutils-orig" {
				t.Errorf("dpkg-divert --truename %s = %q, %v; want the diversion to %s.keyutils-orig", c.path, got, err, c.path)
			}
		}
	}
	if _, err := exec.LookPath("man"); err == nil {
		cmd := exec.Command("man", "-w", "1", "keyctl")
		for _, e := range os.Environ() { // the machine's search path
			if !strings.HasPrefix(e, "MANPATH=") {
				cmd.Env = append(cmd.Env, e)
			}
		}
		// (Debian's /usr/local/man is a link to share/man.)
		out, err := cmd.Output()
		where, werr := os.Stat(strings.TrimSpace(string(out)))
		ours, oerr := os.Stat("/usr/local/share/man/man1/keyctl.1")
		if err != nil || werr != nil || oerr != nil || !os.SameFile(where, ours) {
			t.Errorf("man -w 1 keyctl = %q, %v; want ours, /usr/local/share/man/man1/keyctl.1 (%v)", out, errors.Join(err, werr), oerr)
		}
	}
	// The kernel runs our /sbin/request-key, with the machine's
	// configuration: keyutils' (or our) stock debug line.
	if conf, err := os.ReadFile("/etc/request-key.conf"); err == nil && bytes.Contains(conf, []byte("debug:*")) {
		ring := testutil.Keyring(t)
		desc := fmt.Sprintf("debug:kgo-install-%d", os.Getpid())
		id, err := keyutils.RequestKeyWithCallout("user", desc, "hello", ring)
		if err != nil {
			t.Errorf("request_key through the installed request-key: %v", err)
		} else if p, err := keyutils.Read(id); err != nil || string(p) != "Debug hello" {
			t.Errorf("the key the installed request-key made holds %q (%v), want %q", p, err, "Debug hello")
		}
	} else {
		t.Log("no debug line in /etc/request-key.conf: the upcall is not tried")
	}
	// Our stock configuration's debug handler (staged above), run by the
	// kernel's upcall as keyutils' is: "Debug <callout>", or negative.
	prefix := fmt.Sprintf("kgo-install-%d:", os.Getpid())
	script := stage + "/usr/local/share/keyutils-go/request-key-debug.sh"
	s.Create(fmt.Sprintf("/etc/request-key.d/00-keyutils-go-test-%d.conf", os.Getpid()),
		[]byte("create user "+prefix+"* * "+script+" %k %d %c %S\n"), 0o644)
	ring := testutil.Keyring(t)
	if id, err := keyutils.RequestKeyWithCallout("user", prefix+"a", "hello; $(id) `id`", ring); err != nil {
		t.Errorf("request_key through our debug handler: %v", err)
	} else if p, err := keyutils.Read(id); err != nil || string(p) != "Debug hello; $(id) `id`" {
		t.Errorf("the key our debug handler made holds %q (%v)", p, err)
	}
	if _, err := keyutils.RequestKeyWithCallout("user", prefix+"b", "neg", ring); !errors.Is(err, keyutils.ErrNotFound) {
		t.Errorf("request_key with callout neg through our debug handler: %v, want %v", err, keyutils.ErrNotFound)
	}

	mk(t, "uninstall")
	after := state()
	for _, p := range paths {
		if after[p] != before[p] && p != "/var/lib/dpkg/diversions-old" { // dpkg keeps the previous state there
			t.Errorf("after uninstall, %s is %q, was %q", p, after[p], before[p])
		}
	}
}
