package requestkey

import (
	"errors"
	"strconv"
)

// Error is a failure of request-key processing. When it comes from a
// configuration line, File and Line name it; they are also set for errors
// raised while running the program of the line that matched. Msg is the
// message as request-key(8) logs it. Err, if not nil, is the cause (a
// sentinel below, a unix.Errno or a *keyutils.Error), for errors.Is.
type Error struct {
	File string // configuration file, as named in messages; "" if none
	Line int    // line number in File, 1-based
	Msg  string
	Err  error
}

// Error returns "file:line: msg", or just msg when there is no file.
func (e *Error) Error() string {
	if e.File == "" {
		return e.Msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Sentinel causes, for errors.Is.
var (
	// ErrSyntax: a configuration line is malformed (missing fields, line
	// too long, program path without '/', bad directive), or a file is
	// longer than MaxFileSize.
	ErrSyntax = errors.New("request-key: syntax error")
	// ErrNoMatch: no configuration line matches the request.
	ErrNoMatch = errors.New("request-key: no matching action")
	// ErrMacro: a program argument has a bad macro.
	ErrMacro = errors.New("request-key: bad macro")
	// ErrProgram: the program failed: it could not be started, exited
	// unsuccessfully, was killed, produced too much data, or left the key
	// uninstantiated.
	ErrProgram = errors.New("request-key: program failed")
	// ErrNotRegular: a configuration file was skipped because it is not a
	// regular file (Config.Skipped).
	ErrNotRegular = errors.New("request-key: not a regular file")
	// ErrUntrusted: running as root, a configuration file or directory
	// was skipped because a user other than root could change it
	// (Config.Skipped).
	ErrUntrusted = errors.New("request-key: untrusted configuration")
)

func lineError(file string, line int, cause error, msg string) *Error {
	return &Error{File: file, Line: line, Msg: msg, Err: cause}
}
