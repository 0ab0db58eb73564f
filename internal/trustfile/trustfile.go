//go:build linux

// Package trustfile opens the configuration files and directories that a
// program running as root acts on (request-key's request-key.conf and
// request-key.d, key.dns_resolver's key.dns_resolver.conf), refusing those
// that a user other than root could have changed. It is the one home of
// that rule (SECURITY.md, "request-key reads only root's configuration");
// its callers give its refusals their own errors and messages.
//
// The rule, applied when the caller asks for it (strict: it runs as root,
// effective user ID 0):
//
//   - The file or directory opened must be owned by root and not writable
//     by group or others. POSIX ACLs that grant write access show in the
//     group bits of the mode (the ACL mask), and so are refused too.
//   - So must every directory on its path from /, and every symbolic link
//     followed to reach it. A directory on the path, but not the directory
//     opened itself, may be writable by others if it has the sticky bit
//     (/tmp): then only root can rename or remove the root-owned entry that
//     is followed.
//   - The path, made absolute and cleaned (a ".." in it is lexical; one in
//     a symbolic link's target goes up from the directory the link is in),
//     is resolved one component at a time (symbolic links included, at
//     most 40 of them, the kernel's limit), each directory checked before
//     it is looked in, and the file opened is the one checked (fstat on the
//     descriptor), opened without following a symbolic link: no other user
//     can swap it between check and use.
//
// Whether strict or not:
//
//   - Opening never blocks (O_NONBLOCK, cleared once open): a FIFO would
//     block open(2) until a writer comes.
//   - A file that is not a regular file (a FIFO, a device such as
//     /dev/zero, a socket) is refused (ErrNotRegular). Open opens a
//     directory, which then fails when read ("Is a directory").
//   - OpenAt opens an entry of a directory opened by OpenDir relative to
//     its descriptor (openat(2)), never following a symbolic link: an entry
//     that is one is refused as not a regular file.
//
// A refusal is a *Refused, wrapping ErrUntrusted or ErrNotRegular; other
// failures are *fs.PathError, wrapping fs.ErrNotExist for a missing file.
//
// The package is Linux-only, as its callers' code that uses it.
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

// ErrUntrusted is wrapped by the errors for files and directories that a
// user other than root could change.
var ErrUntrusted = errors.New("not trusted")

// ErrNotRegular is wrapped by the errors for files that are not regular
// files.
var ErrNotRegular = errors.New("not a regular file")

// Refused is the error for a file or directory that is not opened. Path
// is the path as the caller named it; Reason says why, in the form
// "writable by group or others (mode 0664)", "owned by uid 65534, not
// root", "/etc is writable by group or others (mode 0757)", "/etc/x is a
// symbolic link owned by uid 65534, not root" or "not a regular file".
type Refused struct {
	Path   string
	Reason string
	Err    error // ErrUntrusted or ErrNotRegular
}

// Error returns "path: reason".
func (e *Refused) Error() string { return e.Path + ": " + e.Reason }

// Unwrap returns ErrUntrusted or ErrNotRegular.
func (e *Refused) Unwrap() error { return e.Err }

func untrusted(path, reason string) *Refused {
	return &Refused{Path: path, Reason: reason, Err: ErrUntrusted}
}

func notRegular(path string) *Refused {
	return &Refused{Path: path, Reason: "not a regular file", Err: ErrNotRegular}
}

// maxLinks is the most symbolic links followed while resolving a path, as
// the kernel's limit (ELOOP).
const maxLinks = 40

// flags are the open(2) flags of every file opened.
const flags = unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK

// Open opens the file path for reading, checked as the package says (the
// whole path and the file itself when strict). A directory is opened, and
// checked as a file; any other file that is not a regular file is refused
// with an error wrapping ErrNotRegular.
func Open(path string, strict bool) (*os.File, error) {
	return open(path, false, strict)
}

// OpenDir opens the directory path for reading (its entries, and OpenAt),
// checked as the package says (the whole path and the directory itself
// when strict: unlike the directories on its path, it may not be writable
// by others even with the sticky bit). It fails with a *fs.PathError
// wrapping ENOTDIR if path is not a directory.
func OpenDir(path string, strict bool) (*os.File, error) {
	return open(path, true, strict)
}

// OpenAt opens the entry name of dir, a directory opened by OpenDir,
// relative to dir's descriptor and without following a symbolic link, as
// Open opens a file; path names the entry in errors. A symbolic link is
// refused as not a regular file, whoever owns it. When strict, the file
// itself is checked: the path to it is dir's, checked by OpenDir.
func OpenAt(dir *os.File, name, path string, strict bool) (*os.File, error) {
	fd, err := unix.Openat(int(dir.Fd()), name, flags|unix.O_NOFOLLOW, 0)
	if errors.Is(err, unix.ELOOP) {
		return nil, notRegular(path)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return check(fd, path, false, strict)
}

// open opens path, a file (dir false) or a directory.
func open(path string, dir, strict bool) (*os.File, error) {
	p, fl := path, flags
	if dir {
		fl |= unix.O_DIRECTORY
	}
	if strict {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		if p, err = resolve(path, abs); err != nil {
			return nil, err
		}
		// Resolved: a symbolic link now is a change under our feet.
		fl |= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(p, fl, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return check(fd, path, dir, strict)
}

// check checks the open file fd, named path in errors, and returns it as
// an *os.File (blocking again), or closes it and returns why it is
// refused. A directory (dir) is not refused as not a regular file.
func check(fd int, path string, dir, strict bool) (*os.File, error) {
	var st unix.Stat_t
	err := unix.Fstat(fd, &st)
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
	case !dir && typ != unix.S_IFREG && typ != unix.S_IFDIR:
		why = notRegular(path)
	case strict:
		why = trustError(path, "", &st, false)
	}
	if why != nil {
		unix.Close(fd)
		return nil, why
	}
	return os.NewFile(uintptr(fd), path), nil
}

// trustError says why the file of path, or the component comp ("" for
// the file itself) on its way, is not trusted, or returns nil. sticky
// allows a directory writable by others when it has the sticky bit.
func trustError(path, comp string, st *unix.Stat_t, sticky bool) error {
	what := ""
	if comp != "" {
		what = comp + " is "
	}
	switch {
	case st.Uid != 0:
		return untrusted(path, fmt.Sprintf("%sowned by uid %d, not root", what, st.Uid))
	case st.Mode&0o022 != 0 && !(sticky && st.Mode&unix.S_ISVTX != 0):
		return untrusted(path, fmt.Sprintf("%swritable by group or others (mode %04o)", what, st.Mode&0o7777))
	}
	return nil
}

// resolve resolves abs, the absolute form of path (named in errors),
// checking every directory it looks in and every symbolic link it
// follows, and returns the resolved path. The file or directory it names
// is left to the caller, which checks what it opens.
func resolve(path, abs string) (string, error) {
	var st unix.Stat_t
	if err := unix.Lstat("/", &st); err != nil {
		return "", &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	if err := trustError(path, "/", &st, true); err != nil {
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
				return "", untrusted(path, fmt.Sprintf("%s is a symbolic link owned by uid %d, not root", next, st.Uid))
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
			// The last one is checked by the caller, as the file
			// it opens.
			if strings.Trim(rest, "/") != "" {
				if err := trustError(path, next, &st, true); err != nil {
					return "", err
				}
			}
			cur = next
		default:
			// Looking in it fails with ENOTDIR.
			cur = next
		}
	}
}
