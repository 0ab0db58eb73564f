package requestkey

import (
	"io"
	"strconv"
	"time"
)

const (
	// DefaultTimeout is how long a program may run before request-key
	// kills it, unless Options.Timeout or a "#@timeout" directive says
	// otherwise. The kernel waits for request-key uninterruptibly, so a
	// program that hangs would hang the requester with it.
	DefaultTimeout = 60 * time.Second

	// NegateTimeout is the timeout of a key that request-key negates
	// because its construction failed, and of the keys a Serve handler
	// negates without saying for how long. It is short so that a request
	// made after the cause is fixed soon gets a new upcall.
	NegateTimeout = 5 * time.Second

	// MaxPipeData is the most a pipe-mode program may write to its stdout.
	MaxPipeData = 32768

	// DefaultDebugDescription is the key description used in debug mode
	// when none is given.
	DefaultDebugDescription = "user;0;0;1f0000;debug:1234"
)

// Options control Run.
type Options struct {
	// Dir is where the configuration is read from (see Load); "/etc"
	// normally, "" for the current directory.
	Dir string
	// Debug selects debug mode: no authority is assumed, the key's raw
	// description is DebugDescription (DefaultDebugDescription if empty)
	// instead of the kernel's, and instead of running the chosen program
	// Run prints "-- exec disabled --" on Stdout.
	Debug            bool
	DebugDescription string
	// DebugDescriptionSet makes an empty DebugDescription count as given
	// (request-key -D ''), instead of selecting the default.
	DebugDescriptionSet bool
	// Stdout receives the debug-mode message; nil means os.Stdout.
	Stdout io.Writer
	// Log receives diagnostics; nil discards them.
	Log *Logger
	// Timeout bounds the run time of the program: positive values
	// override the configuration, negative ones disable the limit, and 0
	// takes the configuration's "#@timeout" or DefaultTimeout.
	Timeout time.Duration
	// Keyctl, if not nil, runs a keyctl(1) command line in process: args
	// as the program would get them (args[0] is "keyctl"), on the calling
	// goroutine, whose OS thread holds the authority over the key, with
	// os.Stdin, os.Stdout and os.Stderr; it returns the exit status.
	// cmd/request-key sets it to internal/cli's keyctl. Run then runs a
	// normal-form line whose program is the system's keyctl
	// (/bin/keyctl, /usr/bin/keyctl, /sbin/keyctl or /usr/sbin/keyctl, an
	// ELF executable, after symbolic links are resolved) with the command
	// instantiate, negate or reject through Keyctl instead of starting it,
	// unless the configuration has a "#@exec keyctl" line. Its status and
	// the result are then handled as a child's.
	Keyctl func(args []string) int
	// ThreadLocked says the calling goroutine is locked to its OS thread
	// for the whole of Run (by runtime.LockOSThread, or because it runs
	// package initialisation, as cmd/request-key does): Run then assumes
	// the authority with keyutils.ConstructLocked instead of
	// keyutils.Construct, which locks the thread and so starts the
	// runtime's template thread in a program that never locked one.
	ThreadLocked bool
}

// ExitStatus is returned by Run when a normal-form program failed with
// nothing left for request-key to do (the key was finished, or there was
// no authority over it): request-key exits with Code and logs nothing, as
// request-key(8), which becomes the program (execv), does. Code is the
// program's exit status, or 128 plus the number of the signal that killed
// it.
type ExitStatus struct{ Code int }

// Error says which status the program exited with.
func (e *ExitStatus) Error() string { return "program failed with status " + strconv.Itoa(e.Code) }
