//go:build linux

// Package cli implements keyctl(1), command by command, compatibly with
// keyutils 1.6.3: argument parsing, output formats and diagnostics. All key
// operations are done by the root package keyutils.
//
// The caller must run Main on a goroutine locked to its OS thread (package
// main runs it in init, where the runtime keeps the main goroutine on the
// main thread), because the session, process and thread keyrings (@s, @p,
// @t) belong to the calling thread.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
	"github.com/keyutils-go/keyutils/internal/syslog"
)

// Exit is an exit status carried as an error: a command returns it after it
// has printed its own diagnostic.
type Exit int

// Error returns a description of the status.
func (e Exit) Error() string { return "exit status " + strconv.Itoa(int(e)) }

// Exit statuses of keyctl.
const (
	exitFail        Exit = 1 // a system or library call failed
	exitUsage       Exit = 2 // bad command line
	exitUnparsable  Exit = 3 // unparsable description; supports with an unknown name
	exitWatchBuffer Exit = 4 // watch consumer: bad record
)

// IO holds what a command talks to. Env looks up an environment variable,
// reporting whether it is set (os.LookupEnv when nil).
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Env    func(string) (string, bool)
}

// ctx is the state of one keyctl invocation.
type ctx struct {
	in   io.Reader
	out  *stdout   // stdout, buffered as stdio does and flushed at exit
	errw io.Writer // stderr, unbuffered
	// errTTY: stderr is a terminal, so diagnostics escape what they echo
	// (see keyText).
	errTTY bool
	env    func(string) (string, bool)
	cred   creds
	proc   map[keyutils.Serial]keyutils.ProcKey // /proc/keys, read once for --json
}

// Main runs keyctl with the command line args (args[0] is the program name)
// and returns the exit status. Standard output is buffered and flushed
// before Main returns, standard error is written immediately.
func Main(args []string, stdio IO) int { return main(args, stdio, handler) }

// MainConstruct is Main for the commands a request-key configuration line
// runs to construct a key: instantiate, negate and reject. It fails any
// other command of the table as Main fails an unknown one ("Unknown
// command", exit status 2). A program that calls MainConstruct and not
// Main links only those three commands: cmd/request-key, which runs such
// lines in process, is then a smaller binary and starts faster.
func MainConstruct(args []string, stdio IO) int { return main(args, stdio, constructHandler) }

// main is Main with the handlers of handlerOf.
func main(args []string, stdio IO, handlerOf func(string) func(*ctx, []string) error) int {
	c := &ctx{in: stdio.Stdin, out: newStdout(stdio.Stdout), errw: stdio.Stderr, env: stdio.Env}
	c.errTTY = isTerminal(stdio.Stderr)
	if c.env == nil {
		c.env = os.LookupEnv
	}
	if c.in == nil {
		c.in = eofReader{}
	}
	err := c.dispatch(args, handlerOf)
	c.out.close()
	var e Exit
	switch {
	case err == nil:
		return 0
	case errors.As(err, &e):
		return int(e)
	}
	fmt.Fprintln(c.errw, err)
	return 1
}

// stdout is stdio's stdout: fully buffered, or line buffered when it is a
// terminal, so that on a terminal the lines a command printed before a
// failure come before the diagnostic, as with the C tool. It writes
// through its own buffer, which it wipes as it flushes: payloads (print,
// pipe, read, the pkey and dh results) pass through no other buffer of
// keyctl's. Its buffering is bufio.Writer's: a write larger than the free
// space of an empty buffer goes to w directly, and a write error sticks.
type stdout struct {
	w    io.Writer
	buf  []byte
	n    int // bytes buffered
	err  error
	line bool // line buffered: w is a terminal
}

func newStdout(w io.Writer) *stdout {
	o := &stdout{w: w, buf: make([]byte, 4096)}
	o.line = isTerminal(w)
	return o
}

// isTerminal reports whether w is a file open on a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// Flush writes the buffered bytes out and wipes them from the buffer.
func (o *stdout) Flush() error {
	if o.err != nil {
		return o.err
	}
	if o.n == 0 {
		return nil
	}
	n, err := o.w.Write(o.buf[:o.n])
	if n < o.n && err == nil {
		err = io.ErrShortWrite
	}
	if err != nil {
		if n > 0 && n < o.n {
			copy(o.buf[:o.n-n], o.buf[n:o.n])
		}
		n = max(n, 0)
		clear(o.buf[o.n-n : o.n])
		o.n -= n
		o.err = err
		return err
	}
	clear(o.buf[:o.n])
	o.n = 0
	return nil
}

// close flushes and wipes the whole buffer, including what a write error
// kept in it.
func (o *stdout) close() {
	o.Flush()
	clear(o.buf)
	o.n = 0
}

// write is bufio.Writer.Write.
func (o *stdout) write(p []byte) (int, error) {
	nn := 0
	for len(p) > len(o.buf)-o.n && o.err == nil {
		var n int
		if o.n == 0 {
			// Large write, empty buffer: straight from p.
			n, o.err = o.w.Write(p)
		} else {
			n = copy(o.buf[o.n:], p)
			o.n += n
			o.Flush()
		}
		nn += n
		p = p[n:]
	}
	if o.err != nil {
		return nn, o.err
	}
	n := copy(o.buf[o.n:], p)
	o.n += n
	return nn + n, nil
}

// Write buffers p; in line mode, everything up to its last newline is
// then written out.
func (o *stdout) Write(p []byte) (int, error) {
	i := -1
	if o.line {
		i = bytes.LastIndexByte(p, '\n')
	}
	if i < 0 {
		return o.write(p)
	}
	n, err := o.write(p[:i+1])
	if err == nil {
		err = o.Flush()
	}
	if err != nil {
		return n, err
	}
	m, err := o.write(p[i+1:])
	return n + m, err
}

// WriteString is Write for a string.
func (o *stdout) WriteString(s string) (int, error) { return o.Write([]byte(s)) }

// WriteByte is Write for one byte.
func (o *stdout) WriteByte(b byte) error {
	if o.err != nil {
		return o.err
	}
	if o.n == len(o.buf) && o.Flush() != nil {
		return o.err
	}
	o.buf[o.n] = b
	o.n++
	if o.line && b == '\n' {
		return o.Flush()
	}
	return nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// dispatch finds the command by exact name and runs it.
func (c *ctx) dispatch(args []string, handlerOf func(string) func(*ctx, []string) error) error {
	if len(args) < 2 {
		return c.usage()
	}
	for _, cmd := range commands() {
		if cmd.name != args[1] {
			continue
		}
		if run := handlerOf(cmd.name); run != nil {
			return run(c, args[2:])
		}
		break
	}
	fmt.Fprintln(c.errw, "Unknown command")
	return exitUsage
}

// perror prints "label: <glibc strerror text>" as perror(3) does (just
// the text for an empty label) and returns exit status 1. A label taken
// from the command line (a file name) is escaped on a terminal.
func (c *ctx) perror(label string, err error) error {
	if label == "" {
		fmt.Fprintf(c.errw, "%s\n", errtext.Of(err))
	} else {
		fmt.Fprintf(c.errw, "%s: %s\n", c.errText(label), errtext.Of(err))
	}
	return exitFail
}

// fail prints msg on a line of its own to stderr and returns code. The
// arguments it echoes are escaped on a terminal.
func (c *ctx) fail(code Exit, format string, a ...any) error {
	// The formats are constant text without control characters:
	// escaping the whole message escapes the arguments.
	io.WriteString(c.errw, c.errText(fmt.Sprintf(format, a...))+"\n")
	return code
}

// errText is text for stderr: escaped by syslog.Escape when stderr is a
// terminal, unchanged otherwise.
func (c *ctx) errText(s string) string {
	if !c.errTTY {
		return s
	}
	return syslog.Escape(s)
}

// printf writes to the buffered stdout.
func (c *ctx) printf(format string, a ...any) { fmt.Fprintf(c.out, format, a...) }
