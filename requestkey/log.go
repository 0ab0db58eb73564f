package requestkey

import (
	"fmt"
	"io"
	"strings"
)

// Syslog is where a Logger sends its lines for the system log; cmd/request-key
// uses internal/syslog's Writer (facility LOG_AUTHPRIV, tag "request-key").
type Syslog interface {
	Err(msg string) error
	Debug(msg string) error
}

// Logger receives request-key's diagnostics, as request-key(8) emits them.
// A nil *Logger discards everything.
//
// Errors go to Syslog at LOG_ERR and, when Verbose > 0, to Stderr. Debug
// lines are emitted only when Verbose > 0 (level 2 adds a trace of every
// pattern match): to Stderr, and to Syslog at LOG_DEBUG.
type Logger struct {
	Verbose int       // 0 quiet, 1 debug lines, 2 match traces
	Stderr  io.Writer // nil: no terminal output
	Syslog  Syslog    // nil: no system log
}

// Errorf logs an error line.
func (l *Logger) Errorf(format string, args ...any) {
	if l == nil {
		return
	}
	msg := strings.TrimSuffix(fmt.Sprintf(format, args...), "\n")
	if l.Syslog != nil {
		l.Syslog.Err(msg)
	}
	if l.Verbose > 0 && l.Stderr != nil {
		fmt.Fprintln(l.Stderr, msg)
	}
}

// Debugf logs a debug line if Verbose is at least level.
func (l *Logger) Debugf(level int, format string, args ...any) {
	if l == nil || l.Verbose < level {
		return
	}
	msg := strings.TrimSuffix(fmt.Sprintf(format, args...), "\n")
	if l.Stderr != nil {
		fmt.Fprintln(l.Stderr, msg)
	}
	if l.Syslog != nil {
		l.Syslog.Debug(msg)
	}
}
