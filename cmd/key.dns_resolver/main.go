//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/dnsresolver"
	"github.com/keyutils-go/keyutils/internal/syslog"
	"github.com/keyutils-go/keyutils/internal/version"
	"golang.org/x/sys/unix"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

func isatty(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// syslogWriter adapts internal/syslog to dnsresolver.Syslog.
type syslogWriter struct{ w *syslog.Writer }

func (s syslogWriter) Log(severity int, msg string) error { return s.w.Log(severity, msg) }

// run is the program; it returns the exit status.
func run(argv []string, stdout, stderr *os.File) int {
	log := &dnsresolver.Logger{
		Stdout: stdout, Stderr: stderr,
		StdoutTTY: isatty(stdout), StderrTTY: isatty(stderr),
	}
	// openlog("key.dns_resolver", 0, LOG_DAEMON): connected at the first
	// message, as syslog(3) does; no /dev/log: no log.
	w := syslog.OpenNoPID(syslog.LogDaemon, prog)
	log.Syslog = syslogWriter{w}
	defer w.Close()
	o := parseArgs(stderr, argv[0], argv[1:])
	log.Verbose = o.verbose
	if o.version {
		fmt.Fprintf(stdout, "version: %s from keyutils-%s (Go port %s)\n", parseVersion, version.Compat, version.Version)
		return 0
	}
	if o.bad {
		if !log.StderrTTY && log.Syslog != nil {
			log.Syslog.Log(dnsresolver.LogErr, "unknown option: ?")
		}
		return usage(log, stderr)
	}
	path := dnsresolver.DefaultConfigFile
	if o.configSet {
		path = o.config
	}
	config, err := dnsresolver.LoadConfig(path, o.configSet, log)
	if err != nil {
		log.Errorf("%s", err)
		// 1.6.3 negates "the key" here, before it has read its argument:
		// key 0. We negate the key if there is one.
		if !o.debug && !o.dumpConfig && len(o.args) == 1 {
			if id, ok := parseKeyID(o.args[0]); ok && id > 0 {
				if c, _ := keyutils.Construct(keyutils.Serial(id)); c != nil {
					c.Negate(time.Second, nil)
				}
			}
		}
		return 1
	}
	if o.dumpConfig {
		fmt.Fprintf(stdout, "default_ttl = %d\n", config.DefaultTTL)
		return 0
	}
	r := &dnsresolver.Resolver{Config: config, Log: log, Debug: o.debug}
	if o.debug {
		if len(o.args) != 2 {
			return usage(log, stderr)
		}
		_, err := r.Resolve(dnsresolver.KeyType+";-1;-1;0;"+o.args[0], o.args[1])
		return status(log, err)
	}
	if len(o.args) != 1 {
		return usage(log, stderr)
	}
	if o.args[0] == "" {
		return status(log, &dnsresolver.Error{Msg: "Error: Invalid blank key ID"})
	}
	id, ok := parseKeyID(o.args[0])
	if !ok {
		return status(log, &dnsresolver.Error{Msg: "Error: Invalid key ID format"})
	}
	return status(log, r.Upcall(keyutils.Serial(id)))
}

// prog is 1.6.3's name for itself, in its usage and log.
const prog = "key.dns_resolver"

// parseVersion is 1.6.3's DNS_PARSE_VERSION.
const parseVersion = "1.0"

// status reports err, if any, and returns the exit status: 1 for an error.
func status(log *dnsresolver.Logger, err error) int {
	if err == nil {
		return 0
	}
	var e *dnsresolver.Error
	if errors.As(err, &e) {
		log.Errorf("%s", e.Msg)
	} else {
		log.Errorf("Error: %v", err)
	}
	return 1
}

// usage prints the usage, on a terminal, or logs it with -v, and returns
// 2.
func usage(log *dnsresolver.Logger, stderr io.Writer) int {
	if log.StderrTTY {
		fmt.Fprintf(stderr, "Usage: %s [-vv] [-c config] key_serial\n", prog)
		fmt.Fprintf(stderr, "Usage: %s -D [-vv] [-c config] <desc> <calloutinfo>\n", prog)
	} else {
		log.Infof("Usage: %s [-vv] [-c config] key_serial", prog)
	}
	return 2
}
