//go:build linux

// Package trustfile opens configuration files that a program running as
// root acts on, refusing those that a user other than root could have
// changed. It applies the rule of package requestkey (see its Load and
// SECURITY.md): the file must be owned by root and not writable by group
// or others, and so must every directory on its path from /, and every
// symbolic link followed to reach it; a directory on the path may be
// writable by others if it has the sticky bit (/tmp). The path is resolved
// one component at a time, each directory checked before it is looked in,
// and the file opened is the one checked (fstat), so no other user can
// swap it between check and use. Files that are not regular files (FIFOs,
// devices, sockets) are refused too, and opening never blocks.
package trustfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrUntrusted is wrapped by the errors for files that a user other than
// root could change.
var ErrUntrusted = errors.New("not trusted")

// ErrNotRegular is wrapped by the errors for files that are not regular
// files.
var ErrNotRegular = errors.New("not a regular file")

// Refused is the error for a file that is not opened: Reason says why, in
// the form "writable by group or others (mode 0664)".
type Refused struct {
	Path   string
	Reason string
	Err    error // ErrUntrusted or ErrNotRegular
}

func (e *Refused) Error() string { return e.Path + ": " + e.Reason }
func (e *Refused) Unwrap() error { return e.Err }

// maxLinks is the most symbolic links followed while resolving a path, as
// the kernel's limit (ELOOP).
const maxLinks = 40

// Open opens path for reading. When strict is set (the caller runs as
// root) the path and the file must be trusted, else an error wrapping
// ErrUntrusted is returned; in every case a file that is not a regular file
// gives an error wrapping ErrNotRegular (a directory is opened, and fails
// when read). Other errors are *fs.PathError, wrapping fs.ErrNotExist for
// a missing file.
func Open(path string, strict bool) (*os.File, error) {
	p, flags := path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK
	if strict {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		if p, err = resolve(path, abs); err != nil {
			return nil, err
		}
		// Resolved: a symbolic link now is a change under our feet.
		flags |= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(p, flags, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	err = unix.Fstat(fd, &st)
	if err == nil {
		err = unix.SetNonblock(fd, false)
	}
	if err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	typ := st.Mode & unix.S_IFMT
	var why error
	switch {
	case typ != unix.S_IFREG && typ != unix.S_IFDIR:
		why = &Refused{Path: path, Reason: "not a regular file", Err: ErrNotRegular}
	case strict:
		why = check(path, "", &st, false)
	}
	if why != nil {
		unix.Close(fd)
		return nil, why
	}
	return os.NewFile(uintptr(fd), path), nil
}

// check says why the file of path, or the component comp ("" for the
// file itself) on its way, is not trusted, or returns nil. sticky allows a
// directory writable by others when it has the sticky bit.
func check(path, comp string, st *unix.Stat_t, sticky bool) error {
	what := ""
	if comp != "" {
		what = comp + " is "
	}
	switch {
	case st.Uid != 0:
		return &Refused{Path: path, Reason: fmt.Sprintf("%sowned by uid %d, not root", what, st.Uid), Err: ErrUntrusted}
	case st.Mode&0o022 != 0 && !(sticky && st.Mode&unix.S_ISVTX != 0):
		return &Refused{Path: path, Reason: fmt.Sprintf("%swritable by group or others (mode %04o)", what, st.Mode&0o7777), Err: ErrUntrusted}
	}
	return nil
}

// resolve resolves abs, the absolute form of path (named in messages),
// checking every directory it looks in and every symbolic link it
// follows, and returns the resolved path; the file itself is checked by
// the caller, once opened.
func resolve(path, abs string) (string, error) {
	var st unix.Stat_t
	if err := unix.Lstat("/", &st); err != nil {
		return "", &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	if err := check(path, "/", &st, true); err != nil {
		return "", err
	}
	cur, rest, links := "/", abs, 0
	for {
		rest = strings.TrimLeft(rest, "/")
		if rest == "" {
			return cur, nil
		}
		var comp string
		comp, rest, _ = strings.Cut(rest, "/")
		switch comp {
		case ".":
			continue
		case "..":
			cur = filepath.Dir(cur) // cur has no symbolic links
			continue
		}
		next := filepath.Join(cur, comp)
		if err := unix.Lstat(next, &st); err != nil {
			return "", &fs.PathError{Op: "lstat", Path: path, Err: err}
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			if st.Uid != 0 {
				return "", &Refused{Path: path, Reason: fmt.Sprintf("%s is a symbolic link owned by uid %d, not root", next, st.Uid), Err: ErrUntrusted}
			}
			if links++; links > maxLinks {
				return "", &fs.PathError{Op: "open", Path: path, Err: unix.ELOOP}
			}
			target, err := os.Readlink(next)
			if err != nil {
				return "", &fs.PathError{Op: "readlink", Path: path, Err: err}
			}
			if filepath.IsAbs(target) {
				cur = "/"
			}
			rest = target + "/" + rest
		case unix.S_IFDIR:
			if strings.Trim(rest, "/") != "" {
				if err := check(path, next, &st, true); err != nil {
					return "", err
				}
			}
			cur = next
		default:
			cur = next // looking in it fails with ENOTDIR
		}
	}
}
