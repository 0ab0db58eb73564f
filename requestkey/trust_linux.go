package requestkey

import (
	"errors"
	"os"

	"github.com/keyutils-go/keyutils/internal/trustfile"
)

// Configuration files and request-key.d are opened by package
// internal/trustfile, which holds the rule (see its documentation and
// SECURITY.md): opened without blocking, a file that is not a regular
// file skipped (ErrNotRegular; a directory is read, and fails as in
// request-key(8): "request-key.conf: error Is a directory"), and, when
// request-key runs as root, a file or directory that a user other than
// root could change skipped (ErrUntrusted), the whole path from / checked
// and the file read the one checked. Entries of request-key.d are opened
// relative to the directory opened, without following symbolic links.
// Skipped files give an *Error "Ignoring <path>: <reason>".

// strict reports whether configuration files must be trusted: request-key
// runs as root, so the programs they name run as root.
func strict() bool { return os.Geteuid() == 0 }

// openConfig opens path, a configuration file (dir false) or directory,
// for reading. It fails with an error wrapping fs.ErrNotExist if path does
// not exist, with an *Error wrapping ErrNotRegular or ErrUntrusted if it
// must be skipped, and with a *fs.PathError otherwise.
func openConfig(path string, dir bool) (*os.File, error) {
	open := trustfile.Open
	if dir {
		open = trustfile.OpenDir
	}
	f, err := open(path, strict())
	return f, skipError(err)
}

// openConfigAt opens the entry name of the configuration directory d
// (opened by openConfig, named path in messages), without following a
// symbolic link, as a configuration file.
func openConfigAt(d *os.File, path, name string) (*os.File, error) {
	f, err := trustfile.OpenAt(d, name, path, strict())
	return f, skipError(err)
}

// skipError returns err, but a refusal of package trustfile as the *Error
// of a file or directory that is skipped.
func skipError(err error) error {
	var r *trustfile.Refused
	if !errors.As(err, &r) {
		return err
	}
	cause := ErrUntrusted
	if errors.Is(r, trustfile.ErrNotRegular) {
		cause = ErrNotRegular
	}
	return &Error{Msg: "Ignoring " + r.Path + ": " + r.Reason, Err: cause}
}
