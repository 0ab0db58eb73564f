package dnsresolver

import (
	"fmt"
	"io"
	"strings"

	"github.com/keyutils-go/keyutils/internal/syslog"
)

// Syslog severities (syslog.h) with which Logger logs.
const (
	LogErr     = 3 // LOG_ERR
	LogWarning = 4 // LOG_WARNING
	LogInfo    = 6 // LOG_INFO
	LogDebug   = 7 // LOG_DEBUG
)

// Syslog is a connection to the system log, such as the one
// cmd/key.dns_resolver opens (ident "key.dns_resolver", LOG_DAEMON).
type Syslog interface {
	// Log logs one message at severity (LogErr, ...).
	Log(severity int, msg string) error
}

// Logger routes key.dns_resolver's messages as keyutils 1.6.3 does.
// Errors, warnings and name-server errors go to Stderr when StderrTTY is
// set, else to Syslog; information ("I: ", from Verbose 1) and debugging
// ("D: ", from Verbose 2) messages go to Stdout when StdoutTTY is set,
// else to Syslog. A nil Syslog or writer drops the message.
//
// Every message is escaped (control characters, invalid UTF-8: see the
// package documentation) so that host names and descriptions that come
// from outside can neither forge log records nor drive a terminal.
type Logger struct {
	Verbose              int
	Stdout, Stderr       io.Writer
	StdoutTTY, StderrTTY bool
	Syslog               Syslog
}

// escape makes msg safe for a terminal or a log record.
func escape(msg string) string { return syslog.Escape(msg) }

func (l *Logger) syslog(severity int, msg string) {
	if l != nil && l.Syslog != nil {
		l.Syslog.Log(severity, escape(msg))
	}
}

func (l *Logger) toStderr(severity int, msg string) {
	if l == nil {
		return
	}
	if l.StderrTTY {
		if l.Stderr != nil {
			io.WriteString(l.Stderr, escape(msg)+"\n")
		}
		return
	}
	l.syslog(severity, msg)
}

// Errorf reports an error, as 1.6.3's error() and _error() do.
func (l *Logger) Errorf(format string, args ...any) {
	l.toStderr(LogErr, fmt.Sprintf(format, args...))
}

// Warningf reports a warning.
func (l *Logger) Warningf(format string, args ...any) {
	l.toStderr(LogWarning, fmt.Sprintf(format, args...))
}

// Infof prints an information message when Verbose is at least 1.
func (l *Logger) Infof(format string, args ...any) { l.status(1, "I: ", LogInfo, format, args...) }

// Debugf prints a debugging message when Verbose is at least 2.
func (l *Logger) Debugf(format string, args ...any) { l.status(2, "D: ", LogDebug, format, args...) }

func (l *Logger) status(level int, prefix string, severity int, format string, args ...any) {
	if l == nil || l.Verbose < level {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if l.StdoutTTY {
		if l.Stdout != nil {
			io.WriteString(l.Stdout, prefix+escape(msg)+"\n")
		}
		return
	}
	l.syslog(severity, msg)
}

// nsError reports a name-server error about domain, as 1.6.3's _nsError:
// "NS:domain: text." on a terminal, "domain: text" in the log, then the
// error the key is rejected with.
func (l *Logger) nsError(h HostError, domain string) {
	if l == nil {
		return
	}
	if l.StderrTTY {
		if l.Stderr != nil {
			io.WriteString(l.Stderr, escape("NS:"+domain+": "+h.String()+".")+"\n")
		}
	} else {
		l.syslog(LogInfo, domain+": "+h.String())
	}
	l.Infof("Reject the key with error %d", int(h.Errno()))
}

// cstr returns s up to its first NUL byte, as C's "%s" prints it.
func cstr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
