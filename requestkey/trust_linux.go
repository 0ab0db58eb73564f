package requestkey

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Configuration files are opened without blocking (a FIFO would block
// open(2) until a writer comes) and checked before they are read:
//
//   - A file that is not a regular file (a FIFO, a device such as /dev/zero,
//     a socket) is skipped, with a logged reason (ErrNotRegular). A directory
//     is read, and fails as in request-key(8) ("request-key.conf: error Is a
//     directory").
//   - When request-key runs as root (effective user ID 0), a file or
//     directory that a user other than root could change is skipped, with a
//     logged reason (ErrUntrusted): it must be owned by root and not be
//     writable by group or others, and so must every directory on its path
//     from /, and every symbolic link followed to reach it. A directory on
//     the path (not request-key.d itself) may be writable by others if it
//     has the sticky bit, like /tmp: then only root can rename or remove
//     the root-owned entry that is followed. POSIX ACLs that grant write
//     access show in the group bits of the mode (the ACL mask), and so are
//     refused too.
//
// The path is resolved one component at a time (symbolic links included,
// at most maxLinks of them), each directory checked before it is looked
// in, and the file opened is the one checked: no other user can swap it
// between check and use.

// maxLinks is the most symbolic links followed while resolving a path, as
// the kernel's limit (ELOOP).
const maxLinks = 40

// strict reports whether configuration files must be trusted: request-key
// runs as root, so the programs they name run as root.
func strict() bool { return os.Geteuid() == 0 }

// skipped is the error for a file or directory that is not read.
func skipped(path string, cause error, reason string) *Error {
	return &Error{Msg: "Ignoring " + path + ": " + reason, Err: cause}
}

func untrusted(path, reason string) *Error { return skipped(path, ErrUntrusted, reason) }

// openConfig opens path, a configuration file (dir false) or directory,
// for reading. It fails with an error wrapping fs.ErrNotExist if path does
// not exist, with an *Error wrapping ErrNotRegular or ErrUntrusted if it
// must be skipped, and with a *fs.PathError otherwise.
func openConfig(path string, dir bool) (*os.File, error) {
	p, flags := path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK
	if dir {
		flags |= unix.O_DIRECTORY
	}
	trust := strict()
	if trust {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		if p, err = resolveTrusted(path, abs); err != nil {
			return nil, err
		}
		// Resolved: a symbolic link now is a change under our feet.
		flags |= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(p, flags, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return checkConfig(fd, path, dir, trust)
}

// openConfigAt opens the entry name of the configuration directory d
// (opened by openConfig, named path in messages), without following a
// symbolic link, as a configuration file.
func openConfigAt(d *os.File, path, name string) (*os.File, error) {
	fd, err := unix.Openat(int(d.Fd()), name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_NOFOLLOW, 0)
	if errors.Is(err, unix.ELOOP) {
		return nil, skipped(path, ErrNotRegular, "not a regular file")
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return checkConfig(fd, path, false, strict())
}

// checkConfig checks the open file fd and returns it as an *os.File, or
// closes it and returns why it must be skipped.
func checkConfig(fd int, path string, dir, trust bool) (*os.File, error) {
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
		why = skipped(path, ErrNotRegular, "not a regular file")
	case trust && (typ == unix.S_IFREG || typ == unix.S_IFDIR):
		why = trustError(path, "", &st, false)
	}
	if why != nil {
		unix.Close(fd)
		return nil, why
	}
	return os.NewFile(uintptr(fd), path), nil
}

// trustError says why a file of path (named in the message), or the
// component comp ("" for the file itself) on its way, is not trusted, or
// returns nil. sticky allows a directory writable by others when it has
// the sticky bit.
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

// resolveTrusted resolves abs, the absolute form of path (named in
// messages), checking every directory it looks in and every symbolic link
// it follows, and returns the resolved path. The file or directory it
// names is left to the caller, which checks what it opens.
func resolveTrusted(path, abs string) (string, error) {
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
