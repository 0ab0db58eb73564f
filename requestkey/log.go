package requestkey

import (
	"fmt"
	"io"
	"strings"

	"github.com/keyutils-go/keyutils/internal/syslog"
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
//
// Every line is escaped before it is written, on Stderr as in the system
// log, so that nothing from outside (a key description, callout info, a
// program's stderr) can split or forge a log record or drive a terminal:
// C0 control characters other than tab (newline, carriage return, escape,
// NUL...), DEL and bytes that are not valid UTF-8 become \xhh; C1 control
// characters (U+0080-U+009F), U+2028, U+2029 and the bidirectional
// controls become \uhhhh. Printable ASCII, tab and other valid UTF-8 text
// are unchanged, and a backslash is not doubled: ordinary output is
// byte-identical to request-key(8)'s.
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
	msg := line(format, args)
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
	msg := line(format, args)
	if l.Stderr != nil {
		fmt.Fprintln(l.Stderr, msg)
	}
	if l.Syslog != nil {
		l.Syslog.Debug(msg)
	}
}

// line formats one log line, without its final newline, and escapes it.
func line(format string, args []any) string {
	return syslog.Escape(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"))
}
