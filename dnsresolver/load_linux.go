package dnsresolver

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/keyutils-go/keyutils/internal/errtext"
	"github.com/keyutils-go/keyutils/internal/trustfile"
)

// LoadConfig reads the configuration file path, as key.dns_resolver does
// at start: a missing file is no error unless specified says that the
// user named it (-c). Messages go to log: "READ CONFIG path" (Verbose 1),
// warnings for unknown options. The error, an *Error, carries 1.6.3's
// message ("Error: path: No such file or directory", "Error: path:3:
// default_ttl: Bad value").
//
// The file must be a regular file, read without blocking; running as root
// (effective user ID 0), a file that a user other than root could have
// changed (see package requestkey's Load for the rule: owner, mode, every
// directory and symbolic link on the path) is ignored, with an error
// message "Ignoring path: reason", and the defaults are used. keyutils
// 1.6.3 reads whatever is there.
func LoadConfig(path string, specified bool, log *Logger) (Config, error) {
	c := DefaultConfig()
	log.Infof("READ CONFIG %s", path)
	var f *os.File
	var err error
	if path == "" { // fopen("") fails with ENOENT
		err = &fs.PathError{Op: "open", Path: path, Err: syscall.ENOENT}
	} else {
		f, err = trustfile.Open(path, os.Geteuid() == 0)
	}
	var refused *trustfile.Refused
	switch {
	case errors.As(err, &refused):
		log.Errorf("Ignoring %s", refused.Error())
		return c, nil
	case errors.Is(err, fs.ErrNotExist) && !specified:
		log.Debugf("%s: %s", path, errtext.Of(err))
		return c, nil
	case err != nil:
		return c, &Error{Msg: "Error: " + path + ": " + errtext.Of(err), Err: err}
	}
	defer f.Close()
	warnings, err := c.Parse(f, path)
	for _, w := range warnings {
		log.Warningf("%s", w)
	}
	var ce *ConfigError
	switch {
	case errors.As(err, &ce):
		return c, &Error{Msg: "Error: " + ce.Error(), Err: err}
	case err != nil:
		return c, &Error{Msg: "Error: " + path + ": " + errtext.Of(err), Err: err}
	}
	return c, nil
}
