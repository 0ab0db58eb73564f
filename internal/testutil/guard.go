//go:build linux

package testutil

// Guarded paths: changes made by a program the test runs (an installer),
// undone by the supervisor.
//
// Replace and Create make the changes themselves. A test that runs a
// program changing the machine in ways of its own (an install step:
// files copied, renamed aside, directories created, a package manager's
// database updated) guards the paths that program may touch first
// (Supervisor.Guard): the supervisor records the state of each path (what
// kind of file it is, its content, mode and owner) and puts it back at
// Restore, or when the test process is gone, byte for byte.
//
// The record is also written to a journal file (Config.Journal) before
// Guard returns, so that a run killed with its supervisor describes what
// it guarded: the next Supervise with the same journal restores from it
// (and logs it, see Supervisor.Recovered), then removes it.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// maxGuardedFile bounds the size of a guarded file: its content is kept
// in the supervisor's memory and in the journal.
const maxGuardedFile = 64 << 20

// guardEntry is the state of a guarded path when it was guarded.
type guardEntry struct {
	Path   string
	Kind   string      // "absent", "file", "dir" or "symlink"
	Mode   fs.FileMode // permission, set-ID and sticky bits (file, dir)
	UID    int
	GID    int
	Data   []byte `json:",omitempty"` // a file's content
	Target string `json:",omitempty"` // a symbolic link's target
}

// Guard records the state of each of paths (absolute and clean; a file, a
// directory, a symbolic link, which is not followed, or nothing), so that
// Restore puts it back as it was, whatever the test or the programs it
// runs do to it meanwhile: a file or a link with its content (or target),
// mode and owner, a directory (created again if it was removed; what it
// holds is guarded only through paths guarded in it), and a path that did
// not exist removed (a directory only if it is empty again by then: guard
// what may be created in it too). A path guarded again keeps its first
// state. Config.Journal must be set, and paths must not be in
// Config.Files. Guard returns when the state is recorded in the journal.
func (s *Supervisor) Guard(paths ...string) {
	s.t.Helper()
	if s.cfg.Journal == "" || !filepath.IsAbs(s.cfg.Journal) {
		s.t.Fatalf("Guard: Config.Journal %q is not an absolute path", s.cfg.Journal)
	}
	for _, p := range paths {
		if !filepath.IsAbs(p) || filepath.Clean(p) != p {
			s.t.Fatalf("Guard: %q is not an absolute, clean path", p)
		}
		if contains(s.cfg.Files, p) {
			s.t.Fatalf("Guard: %s is in Config.Files", p)
		}
	}
	s.do(request{Op: "guard", Paths: paths, Journal: s.cfg.Journal})
}

// guards is the supervisor's record of the guarded paths.
type guards struct {
	journal string
	entries []guardEntry
	seen    map[string]bool
}

// add records the state of paths and writes the journal.
func (g *guards) add(journal string, paths []string) error {
	if g.journal != "" && g.journal != journal {
		return fmt.Errorf("guard: journal %s, but %s is in use", journal, g.journal)
	}
	if g.seen == nil {
		g.seen = make(map[string]bool)
	}
	g.journal = journal
	for _, p := range paths {
		if g.seen[p] {
			continue
		}
		e, err := snapshot(p)
		if err != nil {
			return err
		}
		g.entries = append(g.entries, e)
		g.seen[p] = true
	}
	return writeJournal(journal, g.entries)
}

// restore puts the guarded paths back; once they are, it removes the
// journal and forgets them. It can be called again after a failure.
func (g *guards) restore() ([]string, error) {
	if g.journal == "" {
		return nil, nil
	}
	logs, err := restoreGuarded(g.entries)
	if err != nil {
		return logs, err // the journal stays for the next run
	}
	if err := os.Remove(g.journal); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return logs, err
	}
	*g = guards{}
	return logs, nil
}

// snapshot returns the state of path.
func snapshot(path string) (guardEntry, error) {
	e := guardEntry{Path: path}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		e.Kind = "absent"
		return e, nil
	}
	if err != nil {
		return e, err
	}
	st := fi.Sys().(*syscall.Stat_t)
	e.Mode, e.UID, e.GID = permBits(fi), int(st.Uid), int(st.Gid)
	switch {
	case fi.Mode().IsRegular():
		if fi.Size() > maxGuardedFile {
			return e, fmt.Errorf("guard: %s is larger than %d bytes", path, maxGuardedFile)
		}
		e.Kind = "file"
		e.Data, err = os.ReadFile(path)
		if e.Data == nil {
			e.Data = []byte{}
		}
	case fi.IsDir():
		e.Kind = "dir"
	case fi.Mode()&fs.ModeSymlink != 0:
		e.Kind = "symlink"
		e.Target, err = os.Readlink(path)
	default:
		err = fmt.Errorf("guard: %s is not a file, directory or symbolic link", path)
	}
	return e, err
}

func permBits(fi os.FileInfo) fs.FileMode {
	return fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// writeJournal writes entries to path atomically.
func writeJournal(path string, entries []guardEntry) error {
	data, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	return writeAtomic(path, data, 0o600, -1, -1)
}

// writeAtomic writes data to path through a temporary file renamed over
// it, with mode perm and, if uid is not -1, owner uid and gid.
func writeAtomic(path string, data []byte, perm fs.FileMode, uid, gid int) error {
	tmp := tmpPath(path)
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && uid != -1 {
		err = f.Chown(uid, gid)
	}
	if err == nil { // after Chown, which clears set-ID bits
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// restoreGuarded puts the paths of entries back in their recorded state:
// directories first (parents before children), then files and links, then
// what did not exist is removed (children before parents). It does what it
// can and reports every failure.
func restoreGuarded(entries []guardEntry) (logs []string, err error) {
	var errs []error
	byKind := func(kind string, deepFirst bool) []guardEntry {
		var es []guardEntry
		for _, e := range entries {
			if e.Kind == kind {
				es = append(es, e)
			}
		}
		sort.SliceStable(es, func(i, j int) bool {
			if deepFirst {
				return len(es[i].Path) > len(es[j].Path)
			}
			return len(es[i].Path) < len(es[j].Path)
		})
		return es
	}
	note := func(l string, err error) {
		if l != "" {
			logs = append(logs, l)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, e := range byKind("dir", false) {
		note(restoreDir(e))
	}
	for _, e := range append(byKind("file", false), byKind("symlink", false)...) {
		note(restoreFile(e))
	}
	for _, e := range byKind("absent", true) {
		switch err := os.Remove(e.Path); {
		case err == nil:
			note("removed "+e.Path, nil)
		case errors.Is(err, fs.ErrNotExist):
		default:
			note("", fmt.Errorf("%s did not exist before: %w", e.Path, err))
		}
	}
	return logs, errors.Join(errs...)
}

func restoreDir(e guardEntry) (string, error) {
	fi, err := os.Lstat(e.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(e.Path, 0o700); err != nil {
			return "", err
		}
		if err := os.Lchown(e.Path, e.UID, e.GID); err != nil {
			return "", err
		}
		return "created " + e.Path + " again", os.Chmod(e.Path, e.Mode)
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", fmt.Errorf("%s was a directory, is now %v: left alone", e.Path, fi.Mode().Type())
	}
	if sameMeta(fi, e) {
		return "", nil
	}
	if err := os.Lchown(e.Path, e.UID, e.GID); err != nil {
		return "", err
	}
	return "restored the mode and owner of " + e.Path, os.Chmod(e.Path, e.Mode)
}

func restoreFile(e guardEntry) (string, error) {
	fi, err := os.Lstat(e.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err == nil {
		if fi.IsDir() {
			return "", fmt.Errorf("%s was a %s, is now a directory: left alone", e.Path, e.Kind)
		}
		if e.Kind == "symlink" && fi.Mode()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(e.Path); err == nil && t == e.Target {
				return "", nil
			}
		}
		if e.Kind == "file" && fi.Mode().IsRegular() && sameMeta(fi, e) && fi.Size() == int64(len(e.Data)) {
			if cur, err := os.ReadFile(e.Path); err == nil && bytes.Equal(cur, e.Data) {
				return "", nil
			}
		}
	}
	if e.Kind == "symlink" {
		tmp := tmpPath(e.Path)
		os.Remove(tmp)
		err := os.Symlink(e.Target, tmp)
		if err == nil {
			err = os.Lchown(tmp, e.UID, e.GID)
		}
		if err == nil {
			err = os.Rename(tmp, e.Path)
		}
		if err != nil {
			os.Remove(tmp)
			return "", err
		}
		return "restored the link " + e.Path, nil
	}
	if err := writeAtomic(e.Path, e.Data, e.Mode, e.UID, e.GID); err != nil {
		return "", err
	}
	return "restored " + e.Path, nil
}

func sameMeta(fi os.FileInfo, e guardEntry) bool {
	st := fi.Sys().(*syscall.Stat_t)
	return permBits(fi) == e.Mode && int(st.Uid) == e.UID && int(st.Gid) == e.GID
}

// recoverJournal restores what the journal of a killed run records, then
// removes it. The caller holds the lock.
func recoverJournal(journal string) ([]string, error) {
	if journal == "" {
		return nil, nil
	}
	var logs []string
	if l, err := removeMatches(globQuote(tmpPath(journal))); err != nil {
		return nil, err
	} else if l != "" {
		logs = append(logs, l)
	}
	data, err := os.ReadFile(journal)
	if errors.Is(err, fs.ErrNotExist) {
		return logs, nil
	}
	if err != nil {
		return logs, err
	}
	var entries []guardEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return logs, fmt.Errorf("journal %s: %w", journal, err)
	}
	for _, e := range entries {
		if l, _ := removeMatches(globQuote(tmpPath(e.Path))); l != "" {
			logs = append(logs, l)
		}
	}
	l, err := restoreGuarded(entries)
	for _, s := range l {
		logs = append(logs, s+" (journal "+journal+")")
	}
	if err != nil {
		return logs, err
	}
	return append(logs, "removed "+journal), os.Remove(journal)
}
