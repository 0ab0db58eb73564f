//go:build !linux

package requestkey

import (
	"io/fs"
	"os"
)

// openConfig opens path, a configuration file or directory
// (trust_linux.go). On this system, where request-key never runs, it fails
// with an error wrapping errors.ErrUnsupported, and so do Load and Run;
// Config.Parse works.
func openConfig(path string, dir bool) (*os.File, error) {
	return nil, &fs.PathError{Op: "open", Path: path, Err: errNotLinux}
}

// openConfigAt opens the entry name of the configuration directory d, as
// openConfig opens path.
func openConfigAt(d *os.File, path, name string) (*os.File, error) {
	return nil, &fs.PathError{Op: "open", Path: path, Err: errNotLinux}
}
