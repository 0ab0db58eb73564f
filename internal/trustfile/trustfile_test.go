//go:build linux

package trustfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// within runs f, failing the test if it does not return within 5 s
// (opening a FIFO would block).
func within(t *testing.T, f func() (*os.File, error)) (*os.File, error) {
	t.Helper()
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() { f, err := f(); done <- result{f, err} }()
	select {
	case r := <-done:
		if r.f != nil {
			t.Cleanup(func() { r.f.Close() })
		}
		return r.f, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("still opening after 5s")
		return nil, nil
	}
}

// rootDir skips the test if it does not run as root (strict checks
// refuse files that are not root's), and returns a new directory that
// strict checks trust.
func rootDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: files owned by root")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// refusal checks that err is a *Refused of path with reason, wrapping
// cause.
func refusal(t *testing.T, err error, path, reason string, cause error) {
	t.Helper()
	var r *Refused
	if !errors.As(err, &r) || r.Path != path || r.Reason != reason || !errors.Is(err, cause) || err.Error() != path+": "+reason {
		t.Errorf("err = %#v (%v); want a refusal of %s: %s, wrapping %v", err, err, path, reason, cause)
	}
}

// TestNotRegular: whether strict or not, files that are not regular files
// are refused without blocking, a directory is opened by Open, and OpenAt
// refuses a symbolic link whoever owns it.
func TestNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	reg := filepath.Join(dir, "reg")
	if err := os.WriteFile(reg, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("reg", link); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	_, err := within(t, func() (*os.File, error) { return Open(fifo, false) })
	refusal(t, err, fifo, "not a regular file", ErrNotRegular)
	_, err = within(t, func() (*os.File, error) { return Open("/dev/null", false) })
	refusal(t, err, "/dev/null", "not a regular file", ErrNotRegular)

	f, err := within(t, func() (*os.File, error) { return Open(link, false) })
	if err != nil {
		t.Fatalf("Open(link): %v", err)
	}
	if b, err := io.ReadAll(f); err != nil || string(b) != "data" {
		t.Errorf("read %q, %v", b, err)
	}
	f, err = within(t, func() (*os.File, error) { return Open(dir, false) })
	if err != nil {
		t.Fatalf("Open(dir): %v", err)
	}
	if _, err := f.Read(make([]byte, 1)); !errors.Is(err, syscall.EISDIR) {
		t.Errorf("reading a directory: %v", err)
	}
	if _, err := Open(missing, false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing): %v", err)
	}
	var pe *fs.PathError
	if _, err := OpenDir(reg, false); !errors.As(err, &pe) || !errors.Is(err, syscall.ENOTDIR) || pe.Path != reg {
		t.Errorf("OpenDir(file): %v", err)
	}

	d, err := OpenDir(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if f, err := within(t, func() (*os.File, error) { return OpenAt(d, "reg", "named", false) }); err != nil || f.Name() != "named" {
		t.Errorf("OpenAt(reg): %v", err)
	}
	_, err = within(t, func() (*os.File, error) { return OpenAt(d, "link", "named", false) })
	refusal(t, err, "named", "not a regular file", ErrNotRegular)
	_, err = within(t, func() (*os.File, error) { return OpenAt(d, "fifo", "named", false) })
	refusal(t, err, "named", "not a regular file", ErrNotRegular)
	if _, err := OpenAt(d, "missing", "named", false); !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "named" {
		t.Errorf("OpenAt(missing): %v", err)
	}
}

// TestNotStrict: not strict, who owns and may write the file does not
// matter.
func TestNotStrict(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "open.conf")
	if err := os.WriteFile(p, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p, false)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, err := OpenDir(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f, err = OpenAt(d, "open.conf", p, false)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestStrict: strict, the file or directory opened, every directory on
// its path and every symbolic link followed must be root's and not
// writable by group or others; directories on the path may be if sticky.
func TestStrict(t *testing.T) {
	rootDir(t) // skips if not root
	const nobody = 65534
	type node struct {
		mode os.FileMode // with os.ModeDir, os.ModeSticky; 0 for a link
		link string
		uid  int
	}
	tests := []struct {
		name   string
		nodes  map[string]node // under the test directory, created in order of depth
		open   string          // Open (file) or OpenDir (ending in "/")
		reason string          // "" if opened; "%" stands for the test directory
		cause  error
	}{
		{name: "trusted", nodes: map[string]node{"f": {mode: 0o644}}, open: "f"},
		{name: "group writable", nodes: map[string]node{"f": {mode: 0o664}}, open: "f",
			reason: "writable by group or others (mode 0664)", cause: ErrUntrusted},
		{name: "sticky file", nodes: map[string]node{"f": {mode: 0o646 | os.ModeSticky}}, open: "f",
			reason: "writable by group or others (mode 1646)", cause: ErrUntrusted},
		{name: "not root's", nodes: map[string]node{"f": {mode: 0o600, uid: nobody}}, open: "f",
			reason: "owned by uid 65534, not root", cause: ErrUntrusted},
		{name: "open directory", nodes: map[string]node{"d": {mode: os.ModeDir | 0o777}}, open: "d/",
			reason: "writable by group or others (mode 0777)", cause: ErrUntrusted},
		{name: "sticky directory opened", nodes: map[string]node{"d": {mode: os.ModeDir | os.ModeSticky | 0o777}}, open: "d/",
			reason: "writable by group or others (mode 1777)", cause: ErrUntrusted},
		{name: "directory opened as a file", nodes: map[string]node{"d": {mode: os.ModeDir | 0o775}}, open: "d",
			reason: "writable by group or others (mode 0775)", cause: ErrUntrusted},
		{name: "sticky parent", nodes: map[string]node{"d": {mode: os.ModeDir | os.ModeSticky | 0o777}, "d/f": {mode: 0o644}}, open: "d/f"},
		{name: "open parent", nodes: map[string]node{"d": {mode: os.ModeDir | 0o757}, "d/f": {mode: 0o644}}, open: "d/f",
			reason: "%/d is writable by group or others (mode 0757)", cause: ErrUntrusted},
		{name: "grandparent not root's", nodes: map[string]node{"x": {mode: os.ModeDir | 0o755, uid: nobody}, "x/d": {mode: os.ModeDir | 0o755}}, open: "x/d/",
			reason: "%/x is owned by uid 65534, not root", cause: ErrUntrusted},
		// The path is cleaned first: ".." in it is lexical, o never
		// looked in (top/f is what is opened, and checked).
		{name: "dot-dot past open directory", nodes: map[string]node{"o": {mode: os.ModeDir | 0o777}, "f": {mode: 0o644}}, open: "o/../f"},
		{name: "link to trusted", nodes: map[string]node{"s": {mode: os.ModeDir | 0o755}, "s/f": {mode: 0o644}, "l": {link: "s/../s/f"}}, open: "l"},
		{name: "absolute link", nodes: map[string]node{"f": {mode: 0o644}, "l": {link: "%/f"}}, open: "l"},
		{name: "link not root's", nodes: map[string]node{"f": {mode: 0o644}, "l": {link: "f", uid: nobody}}, open: "l",
			reason: "%/l is a symbolic link owned by uid 65534, not root", cause: ErrUntrusted},
		{name: "link through open directory", nodes: map[string]node{"o": {mode: os.ModeDir | 0o777}, "o/l": {link: "../f"}, "f": {mode: 0o644}, "l": {link: "o/l"}}, open: "l",
			reason: "%/o is writable by group or others (mode 0777)", cause: ErrUntrusted},
		{name: "link to untrusted file", nodes: map[string]node{"f": {mode: 0o666}, "l": {link: "f"}}, open: "l",
			reason: "writable by group or others (mode 0666)", cause: ErrUntrusted},
		{name: "fifo", nodes: map[string]node{"p": {mode: os.ModeNamedPipe | 0o600}}, open: "p",
			reason: "not a regular file", cause: ErrNotRegular},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			top := rootDir(t)
			// Create parents first; set modes and owners last, deepest
			// first, so that creating is not refused.
			var names []string
			for name := range tc.nodes {
				names = append(names, name)
			}
			depth := func(s string) int { return strings.Count(s, "/") }
			for d := 0; d <= 3; d++ {
				for _, name := range names {
					if depth(name) != d {
						continue
					}
					n, p := tc.nodes[name], filepath.Join(top, name)
					var err error
					switch {
					case n.link != "":
						err = os.Symlink(strings.ReplaceAll(n.link, "%", top), p)
					case n.mode&os.ModeDir != 0:
						err = os.Mkdir(p, 0o755)
					case n.mode&os.ModeNamedPipe != 0:
						err = unix.Mkfifo(p, 0o600)
					default:
						err = os.WriteFile(p, []byte("x"), 0o600)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			for d := 3; d >= 0; d-- {
				for _, name := range names {
					n, p := tc.nodes[name], filepath.Join(top, name)
					if depth(name) != d {
						continue
					}
					if n.link == "" {
						mode := uint32(n.mode.Perm())
						if n.mode&os.ModeSticky != 0 {
							mode |= unix.S_ISVTX
						}
						if err := unix.Chmod(p, mode); err != nil {
							t.Fatal(err)
						}
					}
					if err := os.Lchown(p, n.uid, 0); err != nil {
						t.Fatal(err)
					}
				}
			}
			path, open := top+"/"+tc.open, Open // not cleaned: "o/../f" stays
			if p, ok := strings.CutSuffix(path, "/"); ok {
				path, open = p, OpenDir
			}
			f, err := within(t, func() (*os.File, error) { return open(path, true) })
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				return
			}
			refusal(t, err, path, strings.ReplaceAll(tc.reason, "%", top), tc.cause)
			if f != nil {
				t.Error("a refused file is returned")
			}
		})
	}
}

// TestStrictOpenAt: strict, OpenAt checks the entry it opens, relative to
// the directory, not its path; a symbolic link is refused even if root's.
func TestStrictOpenAt(t *testing.T) {
	dir := rootDir(t)
	write := func(name string, mode os.FileMode, uid int) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, uid, 0); err != nil {
			t.Fatal(err)
		}
	}
	write("good", 0o644, 0)
	write("open", 0o646, 0)
	write("other", 0o644, 65534)
	if err := os.Symlink("good", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// The directory renamed after it was opened: entries are opened
	// relative to it all the same.
	moved := dir + ".moved"
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	defer os.Rename(moved, dir)
	if f, err := OpenAt(d, "good", "name", true); err != nil {
		t.Errorf("good: %v", err)
	} else {
		f.Close()
	}
	_, err = OpenAt(d, "open", "name", true)
	refusal(t, err, "name", "writable by group or others (mode 0646)", ErrUntrusted)
	_, err = OpenAt(d, "other", "name", true)
	refusal(t, err, "name", "owned by uid 65534, not root", ErrUntrusted)
	_, err = OpenAt(d, "link", "name", true)
	refusal(t, err, "name", "not a regular file", ErrNotRegular)
}

// TestLinkLoop: strict, a path that follows more than maxLinks symbolic
// links fails with ELOOP, as the kernel's open would.
func TestLinkLoop(t *testing.T) {
	dir := rootDir(t)
	a := filepath.Join(dir, "a")
	if err := os.Symlink("a", a); err != nil {
		t.Fatal(err)
	}
	var pe *fs.PathError
	if _, err := Open(a, true); !errors.Is(err, syscall.ELOOP) || !errors.As(err, &pe) || pe.Path != a {
		t.Errorf("Open(loop): %v", err)
	}
}
