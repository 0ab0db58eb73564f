//go:build linux

package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree describes everything under dir: path, type, mode and content or
// link target, one line each.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + fi.Mode().String())
		switch {
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b.WriteString(" " + string(data))
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			b.WriteString(" -> " + target)
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// guardFixture is a directory with a file, an executable, a directory
// and a link, the paths an "installer" changes, and a journal.
type guardFixture struct {
	dir, journal string
	paths        []string
}

func newGuardFixture(t *testing.T) guardFixture {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "conf"), "original conf", 0o644)
	writeFile(t, filepath.Join(dir, "bin"), "original bin", 0o4755)
	if err := os.Mkdir(filepath.Join(dir, "share"), 0o751); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "share"), 0o751); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("bin", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	f := guardFixture{dir: dir, journal: filepath.Join(dir, ".journal")}
	for _, n := range []string{"conf", "bin", "bin.orig", "share", "link", "new", "new/sub", "new/sub/file", "empty"} {
		f.paths = append(f.paths, filepath.Join(dir, n))
	}
	writeFile(t, filepath.Join(dir, "empty"), "", 0o600) // an empty file stays one
	return f
}

// change does what an installer might: rewrites, renames aside, creates
// files and directories, removes a directory, changes modes and links.
func (f guardFixture) change(t *testing.T) {
	t.Helper()
	p := func(n string) string { return filepath.Join(f.dir, n) }
	if err := os.Rename(p("bin"), p("bin.orig")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p("bin"), "ours", 0o755)
	if err := os.WriteFile(p("conf"), []byte("changed in place"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(p("new/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p("new/sub/file"), "x", 0o644)
	if err := os.Remove(p("share")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p("link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("elsewhere", p("link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p("empty"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGuardRestore: what a program changed in guarded paths is put back
// by Restore, byte for byte, with modes; what it created is removed.
func TestGuardRestore(t *testing.T) {
	f := newGuardFixture(t)
	before := tree(t, f.dir)
	s := Supervise(t, Config{LockDir: f.dir, Journal: f.journal})
	s.Guard(f.paths...)
	if _, err := os.Stat(f.journal); err != nil {
		t.Fatalf("no journal after Guard: %v", err)
	}
	f.change(t)
	if tree(t, f.dir) == before {
		t.Fatal("nothing changed")
	}
	for range 2 { // idempotent
		if err := s.Restore(); err != nil {
			t.Fatal(err)
		}
		if after := tree(t, f.dir); after != before {
			t.Fatalf("after Restore:\n%s\nwant\n%s", after, before)
		}
	}
}

// TestGuardUnchanged: guarded paths nobody changed are left alone (same
// inode), and Restore says nothing.
func TestGuardUnchanged(t *testing.T) {
	f := newGuardFixture(t)
	before := state(t, f.dir)
	s := Supervise(t, Config{LockDir: f.dir, Journal: f.journal})
	s.Guard(f.paths...)
	rep, err := s.call(request{Op: "restore"})
	if err != nil || rep.Err != "" || len(rep.Log) != 0 {
		t.Fatalf("restore: %+v %v, want no log and no error", rep, err)
	}
	if after := state(t, f.dir); after != before {
		t.Errorf("after Restore:\n%s\nwant\n%s", after, before)
	}
}

// TestGuardRecoversJournal: the journal of a run killed with its
// supervisor is restored from by the next Supervise, then removed.
func TestGuardRecoversJournal(t *testing.T) {
	f := newGuardFixture(t)
	before := tree(t, f.dir)
	var g guards // a supervisor, in this process, that is then "killed"
	if err := g.add(f.journal, f.paths); err != nil {
		t.Fatal(err)
	}
	f.change(t)
	s := Supervise(t, Config{LockDir: f.dir, Journal: f.journal})
	if len(s.Recovered) == 0 || !strings.Contains(strings.Join(s.Recovered, "\n"), "restored "+filepath.Join(f.dir, "bin")) {
		t.Errorf("Recovered = %q", s.Recovered)
	}
	if _, err := os.Lstat(f.journal); !os.IsNotExist(err) {
		t.Errorf("journal still there: %v", err)
	}
	if after := tree(t, f.dir); after != before {
		t.Fatalf("after recovery:\n%s\nwant\n%s", after, before)
	}
}

// TestGuardLeavesForeignContent: a directory that did not exist is not
// removed while it holds something that was not guarded; Restore says so.
func TestGuardLeavesForeignContent(t *testing.T) {
	f := newGuardFixture(t)
	s := Supervise(t, Config{LockDir: f.dir, Journal: f.journal})
	s.Guard(filepath.Join(f.dir, "new"))
	if err := os.MkdirAll(filepath.Join(f.dir, "new", "unguarded"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := s.Restore()
	if err == nil || !strings.Contains(err.Error(), "did not exist before") {
		t.Fatalf("Restore = %v, want an error about the directory", err)
	}
	if _, err := os.Stat(f.journal); err != nil {
		t.Errorf("journal removed although the restore failed: %v", err)
	}
	os.RemoveAll(filepath.Join(f.dir, "new"))
	if err := s.Restore(); err != nil {
		t.Fatal(err)
	}
}
