//go:build !linux

package dnsresolver

import "errors"

// LoadConfig reads the configuration file path (load_linux.go). On this
// system it fails with an error wrapping errors.ErrUnsupported;
// Config.Parse works.
func LoadConfig(path string, specified bool, log *Logger) (Config, error) {
	return DefaultConfig(), &Error{Msg: "Error: " + path + ": key.dns_resolver needs Linux", Err: errors.ErrUnsupported}
}
