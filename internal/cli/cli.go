// Package cli implements keyctl(1), command by command, compatibly with
// keyutils 1.6.3: argument parsing, output formats and diagnostics. All key
// operations are done by the root package keyutils.
//
// The caller must run Main on a goroutine locked to its OS thread (package
// main locks it in init), because the session, process and thread keyrings
// (@s, @p, @t) belong to the calling thread.
package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils/internal/errtext"
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
	env  func(string) (string, bool)
	cred creds
}

// Main runs keyctl with the command line args (args[0] is the program name)
// and returns the exit status. Standard output is buffered and flushed
// before Main returns, standard error is written immediately.
func Main(args []string, stdio IO) int {
	c := &ctx{in: stdio.Stdin, out: newStdout(stdio.Stdout), errw: stdio.Stderr, env: stdio.Env}
	if c.env == nil {
		c.env = os.LookupEnv
	}
	if c.in == nil {
		c.in = eofReader{}
	}
	err := c.dispatch(args)
	c.out.Flush()
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
// failure come before the diagnostic, as with the C tool.
type stdout struct {
	*bufio.Writer
	line bool
}

func newStdout(w io.Writer) *stdout {
	o := &stdout{Writer: bufio.NewWriterSize(w, 4096)}
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
		o.line = err == nil
	}
	return o
}

// Write buffers p; in line mode, everything up to its last newline is
// then written out.
func (o *stdout) Write(p []byte) (int, error) {
	i := -1
	if o.line {
		i = bytes.LastIndexByte(p, '\n')
	}
	if i < 0 {
		return o.Writer.Write(p)
	}
	n, err := o.Writer.Write(p[:i+1])
	if err == nil {
		err = o.Writer.Flush()
	}
	if err != nil {
		return n, err
	}
	m, err := o.Writer.Write(p[i+1:])
	return n + m, err
}

// WriteString is Write for a string.
func (o *stdout) WriteString(s string) (int, error) {
	if !o.line {
		return o.Writer.WriteString(s)
	}
	return o.Write([]byte(s))
}

// WriteByte is Write for one byte.
func (o *stdout) WriteByte(b byte) error {
	if err := o.Writer.WriteByte(b); err != nil || !o.line || b != '\n' {
		return err
	}
	return o.Writer.Flush()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// dispatch finds the command by exact name and runs it.
func (c *ctx) dispatch(args []string) error {
	if len(args) < 2 {
		return c.usage()
	}
	for _, cmd := range commands() {
		if cmd.name == args[1] {
			return cmd.run(c, args[2:])
		}
	}
	fmt.Fprintln(c.errw, "Unknown command")
	return exitUsage
}

// perror prints "label: <glibc strerror text>" as perror(3) does (just
// the text for an empty label) and returns exit status 1.
func (c *ctx) perror(label string, err error) error {
	if label == "" {
		fmt.Fprintf(c.errw, "%s\n", errtext.Of(err))
	} else {
		fmt.Fprintf(c.errw, "%s: %s\n", label, errtext.Of(err))
	}
	return exitFail
}

// fail prints msg on a line of its own to stderr and returns code.
func (c *ctx) fail(code Exit, format string, a ...any) error {
	fmt.Fprintf(c.errw, format+"\n", a...)
	return code
}

// printf writes to the buffered stdout.
func (c *ctx) printf(format string, a ...any) { fmt.Fprintf(c.out, format, a...) }
