package requestkey

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
	"golang.org/x/sys/unix"
)

// Run handles one upcall from the kernel. args are request-key's
// positional arguments:
//
//	<op> <key> <uid> <gid> <threadring> <processring> <sessionring> [<callout-info>]
//
// Run assumes authority over the key (keyutils.Construct), reads the key's
// description and the callout info (from the authorisation key, or the
// optional last argument), loads the configuration from o.Dir (logging
// the files it skipped, see Load), chooses a line (Config.Lookup), expands
// its macros and runs its program.
//
// A program is started as a child of request-key and waited for, with the
// timeout described at Options.Timeout (but a keyctl instantiate, negate
// or reject line may be run in process instead: see Options.Keyctl). In the normal form it inherits the
// authority and the standard streams and must instantiate, negate or
// reject the key itself (with keyctl(1), for example). In the pipe form
// ("|prog") the callout info is written to its stdin and, if it exits 0
// and closes its stdout within the timeout, what it writes to stdout (at
// most MaxPipeData bytes) becomes the payload; its stderr lines are logged
// as "Child: <line>" (read until one second after it exited, if a process
// it started holds stderr open); if it fails, the lookup is repeated once
// with op "negate" and that line's program is run instead.
//
// Run never leaves the key uninstantiated: after authority was assumed, on
// any error, including a program that exits without finishing the key, it
// negates the key for NegateTimeout; the error returned says so
// ("<why>; key <serial> negated for 5s") and wraps why. cmd/request-key
// logs it: one line per failure, as request-key(8) logs one.
func Run(args []string, o *Options) (err error) {
	if len(args) != 7 && len(args) != 8 {
		return &Error{Msg: "Unexpected argument count: " + strconv.Itoa(len(args))}
	}
	log := o.Log
	u := &Upcall{Op: args[0], Key: args[1], UID: args[2], GID: args[3],
		ThreadRing: args[4], ProcessRing: args[5], SessionRing: args[6]}
	key := keyutils.Serial(atoi(args[1]))

	var c *keyutils.Construction
	var raw string
	switch {
	case o.Debug:
		raw = o.DebugDescription
		if raw == "" && !o.DebugDescriptionSet {
			raw = DefaultDebugDescription
		}
	default:
		if o.ThreadLocked {
			c, err = keyutils.ConstructLocked(key)
		} else {
			c, err = keyutils.Construct(key)
		}
		if c != nil {
			defer func() {
				if err != nil && !c.Done() {
					if nerr := c.Negate(NegateTimeout, nil); nerr == nil {
						err = &negatedError{err: err, key: key}
					}
				}
			}()
			c.Requester = keyutils.Requester{UID: atoi(args[2]), GID: atoi(args[3]),
				Thread: keyutils.Serial(atoi(args[4])), Process: keyutils.Serial(atoi(args[5])),
				Session: keyutils.Serial(atoi(args[6]))}
		}
		switch {
		case c == nil && len(args) != 8 && !errors.Is(err, unix.EOPNOTSUPP):
			return &Error{Msg: fmt.Sprintf("Failed to assume authority over key %d (%s)", key, errtext.Of(err)), Err: err}
		case c == nil || errors.Is(err, keyutils.ErrBadDescription) || c.Description.Raw == "":
			// No authority, or Construct could not describe the key:
			// describe it here for the message request-key gives.
			if raw, err = keyutils.DescribeRaw(key); err != nil {
				return &Error{Msg: fmt.Sprintf("Key %d is inaccessible (%s)", key, errtext.Of(err)), Err: err}
			}
		default:
			raw = c.Description.Raw
		}
	}
	log.Debugf(1, "Key descriptor: \"%s\"", raw)
	var ok bool
	if u.Type, u.Description, ok = parseDescription(raw); !ok {
		return &Error{Msg: "Failed to parse key description", Err: keyutils.ErrBadDescription}
	}
	log.Debugf(1, "Key type: %s", u.Type)
	log.Debugf(1, "Key desc: %s", u.Description)

	switch {
	case len(args) == 8:
		u.Callout = args[7]
	case c != nil && c.Callout != nil:
		u.Callout = c.CalloutString()
	default:
		p, err := keyutils.Read(keyutils.ReqKeyAuthKey)
		if err != nil {
			return &Error{Msg: fmt.Sprintf("Failed to retrieve callout info (%s)", errtext.Of(err)), Err: err}
		}
		u.Callout = cString(p)
	}
	log.Debugf(1, "CALLOUT: '%s'", u.Callout)

	// Errors reading it are reported by Lookup, in the order of
	// request-key(8), which reads and matches line by line.
	cfg := load(o.Dir)
	for _, err := range cfg.Skipped {
		log.Errorf("%v", err)
	}
	r := &runner{o: o, log: log, cfg: cfg, c: c, timeout: o.Timeout}
	if r.timeout == 0 {
		r.timeout = DefaultTimeout
		if cfg.HasTimeout {
			r.timeout = cfg.Timeout
		}
	}
	return r.handle(u, true)
}

type runner struct {
	o       *Options
	log     *Logger
	cfg     *Config
	c       *keyutils.Construction // nil in debug mode or without authority
	timeout time.Duration          // <= 0: none
}

// handle looks up u and runs the chosen program; retry allows the
// pipe-mode fallback to op "negate".
func (r *runner) handle(u *Upcall, retry bool) error {
	rule, _, err := r.cfg.Lookup(u, r.log)
	if err != nil {
		return err
	}
	cmd, err := rule.Command(u, r.log)
	if err != nil {
		return err
	}
	if cmd.Pipe {
		r.log.Debugf(1, "PipeThru %s", cmd.Path)
	} else {
		r.log.Debugf(1, "Run %s", cmd.Path)
	}
	cmd.logArgs(r.log)
	if r.o.Debug {
		w := r.o.Stdout
		if w == nil {
			w = os.Stdout
		}
		fmt.Fprintln(w, "-- exec disabled --")
		return nil
	}
	if !cmd.Pipe {
		if r.inProcess(cmd) {
			return r.keyctl(cmd)
		}
		return r.exec(cmd)
	}
	payload, err := r.pipe(cmd, u.Callout)
	if err != nil {
		var st *exitStatus
		if retry && errors.As(err, &st) {
			if st.exited {
				r.log.Debugf(1, "%s", st.msg)
			}
			// Upstream fix: a fresh lookup for op "negate". (1.6.3 keeps
			// the failed line's wildness and program: a "negate" line
			// is run only if it matches strictly better, else the
			// failed program is run again.)
			n := *u
			n.Op = "negate"
			nerr := r.handle(&n, false)
			if errors.Is(nerr, ErrNoMatch) {
				return err // logged by the caller
			}
			if st.timeout {
				// Not 1.6.3's (it has no timeout): say why the key
				// was negated, even if the negate line did it.
				r.log.Errorf("%v", err)
			}
			return nerr
		}
		return err
	}
	defer keyutils.Wipe(payload)
	r.log.Debugf(1, "instantiate with %d bytes", len(payload))
	if r.c != nil {
		err = r.c.Instantiate(payload, nil)
	} else {
		err = keyutils.Instantiate(keyutils.Serial(atoi(u.Key)), payload, nil)
	}
	if err != nil {
		return lineError(rule.File, rule.Line, err, "instantiate key failed: "+errtext.Of(err))
	}
	r.log.Debugf(1, "instantiation successful")
	return nil
}

// child is a program started by request-key.
type child struct {
	*exec.Cmd
	cancel context.CancelFunc

	// stdoutDone is set once the payload has been read (pipe form: stdout
	// reached its end, or too much was read) or from the start (normal
	// form, whose output is not read).
	stdoutDone atomic.Bool
	// timedOut is set when the timeout expired while the program was
	// still running, or (pipe form) while its stdout was still open: its
	// process group was then killed.
	timedOut atomic.Bool
}

// start prepares a child in its own process group. os/exec calls the
// Cancel function when the timeout expires before Wait has returned. If
// the program is still running, or its stdout has not been read to the
// end, its process group is killed and the program has failed. Otherwise
// only its stderr is still open, held by a process it started: the
// payload is complete and nothing is killed. Either way os/exec closes the
// pipes WaitDelay later, and, once the program has exited, Wait waits at
// most WaitDelay for its stderr to be closed.
func (r *runner) start(cmd *Command) *child {
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if r.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
	}
	x := &child{Cmd: exec.CommandContext(ctx, cmd.Path), cancel: cancel}
	x.Args = cmd.Args
	x.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	x.Cancel = func() error {
		if x.stdoutDone.Load() && x.exited() {
			return os.ErrProcessDone
		}
		x.timedOut.Store(true)
		return x.killGroup()
	}
	x.WaitDelay = time.Second
	return x
}

// exited reports whether the program has exited, without reaping it.
func (x *child) exited() bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, x.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG, nil)
	// ECHILD: Wait has reaped it already.
	return err != nil || info.Signo == int32(unix.SIGCHLD)
}

// killGroup kills the program and what it started in its process group.
func (x *child) killGroup() error { return syscall.Kill(-x.Process.Pid, syscall.SIGKILL) }

// exec runs a normal-form program, which must finish the key itself.
func (r *runner) exec(cmd *Command) error {
	x := r.start(cmd)
	defer x.cancel()
	x.stdoutDone.Store(true)
	x.Stdin, x.Stdout, x.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := x.Start(); err != nil {
		return lineError(cmd.Rule.File, cmd.Rule.Line, errors.Join(ErrProgram, err),
			fmt.Sprintf("Failed to execute '%s': %s", cmd.Path, errtext.Of(err)))
	}
	return r.finish(cmd, r.wait(cmd, x, false))
}

// finish handles the end of a normal-form program, whose failure, if any,
// is werr.
func (r *runner) finish(cmd *Command, werr error) error {
	if r.c == nil || settled(r.c) {
		// request-key(8) execs the program: its exit status is
		// request-key's.
		var st *exitStatus
		if errors.As(werr, &st) && st.code != 0 {
			return &ExitStatus{Code: st.code}
		}
		return nil
	}
	msg := fmt.Sprintf("Program '%s' left the key uninstantiated", cmd.Path)
	if werr != nil {
		msg = werr.Error()
	}
	return lineError(cmd.Rule.File, cmd.Rule.Line, ErrProgram, msg)
}

// keyctlPaths are where the system's keyctl is looked for.
var keyctlPaths = []string{"/bin/keyctl", "/usr/bin/keyctl", "/sbin/keyctl", "/usr/sbin/keyctl"}

// inProcess reports whether cmd is to be run through Options.Keyctl: a
// keyctl instantiate, negate or reject command of the system's keyctl.
func (r *runner) inProcess(cmd *Command) bool {
	if r.o.Keyctl == nil || r.cfg != nil && r.cfg.ExecKeyctl || len(cmd.Args) < 2 {
		return false
	}
	switch cmd.Args[1] {
	case "instantiate", "negate", "reject":
	default:
		return false
	}
	if !slices.Contains(keyctlPaths, cmd.Path) {
		return false
	}
	real, err := filepath.EvalSymlinks(cmd.Path)
	if err != nil || !slices.Contains(keyctlPaths, real) {
		return false
	}
	// An executable ELF file, not a wrapper script, whatever it does.
	f, err := os.Open(real)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return false
	}
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "\x7fELF"
}

// keyctl runs cmd, a keyctl command, in process on the calling goroutine,
// which holds the authority over the key, as its child would have.
func (r *runner) keyctl(cmd *Command) error {
	r.log.Debugf(1, "keyctl %s in process", cmd.Args[1])
	code := func() (code int) {
		defer func() {
			// A panic is a crashed child (a Go program exits 2).
			if v := recover(); v != nil {
				fmt.Fprintf(os.Stderr, "panic: %v\n", v)
				code = 2
			}
		}()
		return r.o.Keyctl(cmd.Args)
	}()
	var werr error
	if code != 0 {
		msg := fmt.Sprintf("child exited %d", code)
		werr = lineError(cmd.Rule.File, cmd.Rule.Line,
			errors.Join(ErrProgram, &exitStatus{msg: msg, exited: true, code: code}), msg)
	}
	return r.finish(cmd, werr)
}

// settled reports whether the key of c has been instantiated, negated or
// rejected, by another process: the kernel then invalidates the
// authorisation key.
func settled(c *keyutils.Construction) bool {
	if c.Done() {
		return true
	}
	_, err := keyutils.DescribeRaw(keyutils.ReqKeyAuthKey)
	return err != nil
}

// exitStatus is the failure of a program that ran.
type exitStatus struct {
	msg     string
	exited  bool // exited with a status (not killed by a signal), in time
	code    int  // exit status, or 128 + the signal number
	timeout bool // the timeout expired
}

func (e *exitStatus) Error() string { return e.msg }

// wait waits for x and describes its failure, if any, as request-key does.
// pipe says that x is a pipe-form program, whose output must also have
// been closed in time.
func (r *runner) wait(cmd *Command, x *child, pipe bool) error {
	err := x.Wait()
	st, _ := x.ProcessState.Sys().(syscall.WaitStatus)
	var msg string
	es := &exitStatus{}
	switch {
	case x.ProcessState == nil:
		msg = "wait failed: " + err.Error()
	case x.timedOut.Load() && st.Signaled():
		msg = fmt.Sprintf("child killed after %v", r.timeout)
		es.code, es.timeout = 128+int(st.Signal()), true
	case x.timedOut.Load() && pipe:
		// The program exited in time, but a process it started (in its
		// process group, killed since, or not) held its stdout open: what
		// was read may not be the whole payload.
		msg = fmt.Sprintf("child exited %d but its stdout was still open when the timeout expired after %v (held by a process it started)",
			st.ExitStatus(), r.timeout)
		es.code, es.timeout = st.ExitStatus(), true
	case st.Signaled():
		msg = fmt.Sprintf("child died on signal %d", st.Signal())
		es.code = 128 + int(st.Signal())
	case st.ExitStatus() != 0:
		msg = fmt.Sprintf("child exited %d", st.ExitStatus())
		es.exited, es.code = true, st.ExitStatus()
	default:
		if errors.Is(err, exec.ErrWaitDelay) {
			r.log.Errorf("%s:%d: child's stderr still open %v after it exited (held by a process it started): not read further",
				cmd.Rule.File, cmd.Rule.Line, x.WaitDelay)
		}
		return nil
	}
	es.msg = msg
	return lineError(cmd.Rule.File, cmd.Rule.Line, errors.Join(ErrProgram, es), msg)
}

// pipe runs a pipe-form program and returns what it wrote to stdout.
func (r *runner) pipe(cmd *Command, callout string) ([]byte, error) {
	x := r.start(cmd)
	defer x.cancel()
	x.Stdin = &calloutReader{s: callout}
	stderr := &childLog{log: r.log}
	x.Stderr = stderr
	out, err := x.StdoutPipe()
	if err != nil {
		return nil, lineError(cmd.Rule.File, cmd.Rule.Line, errors.Join(ErrProgram, err), "pipe failed: "+errtext.Of(err))
	}
	if err := x.Start(); err != nil {
		// request-key(8) fails to exec in the forked child, which
		// reports it on its stderr and exits 1: a failure that leads
		// to the op "negate" retry.
		r.log.Errorf("Child: %v", lineError(cmd.Rule.File, cmd.Rule.Line, err,
			fmt.Sprintf("Failed to execute '%s': %s", cmd.Path, errtext.Of(err))))
		const msg = "child exited 1"
		return nil, lineError(cmd.Rule.File, cmd.Rule.Line,
			errors.Join(ErrProgram, err, &exitStatus{msg: msg, exited: true, code: 1}), msg)
	}
	// One buffer of the largest size accepted, so that no outgrown copy of
	// the payload is left behind unwiped.
	data := make([]byte, MaxPipeData+1)
	n, rerr := io.ReadFull(out, data)
	x.stdoutDone.Store(true)
	if rerr == io.ErrUnexpectedEOF || rerr == io.EOF {
		rerr = nil
	}
	data = data[:n]
	if len(data) > MaxPipeData {
		x.killGroup()
		x.Wait()
		keyutils.Wipe(data)
		return nil, lineError(cmd.Rule.File, cmd.Rule.Line, ErrProgram, "Too much data read from query program")
	}
	// When the timeout expired while stdout was held open, rerr is
	// os.ErrClosed (os/exec closed it), or nil if killing the process group
	// closed it: wait reports the timeout either way.
	werr := r.wait(cmd, x, true)
	stderr.flush()
	if werr == nil && rerr != nil {
		werr = lineError(cmd.Rule.File, cmd.Rule.Line, errors.Join(ErrProgram, rerr), "read failed: "+rerr.Error())
	}
	if werr != nil {
		keyutils.Wipe(data)
		return nil, werr
	}
	return data, nil
}

// calloutReader gives the callout info as the child's stdin. It is not a
// strings.Reader so that os/exec copies it through a pipe (a closed pipe,
// EPIPE, is ignored).
type calloutReader struct{ s string }

func (c *calloutReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p, c.s)
	c.s = c.s[n:]
	return n, nil
}

// childLog logs a child's stderr as "Child: <line>" lines; a 512-byte
// chunk without a newline is logged as it is. A line is logged up to its
// first NUL, as request-key(8)'s "Child: %.*s" does (and the Logger escapes
// the rest): a NUL must not reach a stream syslog socket, where it ends the
// record and would let the program forge the next one.
type childLog struct {
	log *Logger
	buf []byte
}

func (c *childLog) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	for {
		i := indexByte(c.buf, '\n')
		if i < 0 && len(c.buf) < 512 {
			return len(p), nil
		}
		if i < 0 || i > 512 {
			i = 512
		}
		c.log.Errorf("Child: %s", cString(c.buf[:i]))
		if i < len(c.buf) && c.buf[i] == '\n' {
			i++
		}
		c.buf = c.buf[i:]
	}
}

func (c *childLog) flush() {
	if len(c.buf) > 0 {
		c.log.Errorf("Child: %s", cString(c.buf))
		c.buf = nil
	}
}

// atoi is glibc's atoi, (int)strtol(s, NULL, 10): optional white space
// and sign, then digits; 0 if none; saturated to 64 bits, then truncated
// to 32.
func atoi(s string) int {
	s = trimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	var n uint64 // magnitude, saturated at 1<<63
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if n > (1<<63-d)/10 {
			n = 1 << 63
			continue
		}
		n = n*10 + d
	}
	var v int64
	switch {
	case neg && n >= 1<<63:
		v = math.MinInt64
	case neg:
		v = -int64(n)
	case n >= 1<<63:
		v = math.MaxInt64
	default:
		v = int64(n)
	}
	return int(int32(v))
}

// parseDescription splits a raw key description as request-key(8) does,
// with sscanf(raw, "%*[^;]%n;%*d;%*d;%x;%n"): the type is what precedes
// the first ';' (at least one character), then come two decimal and one
// hexadecimal number (each after optional white space and sign, the hex
// one with an optional 0x, which alone reads as 0), and the description is the rest after the
// next ';'. Without that last ';' request-key(8) reads the byte before its
// buffer, a NUL with glibc: the description is then empty.
func parseDescription(raw string) (typ, desc string, ok bool) {
	i := strings.IndexByte(raw, ';')
	if i <= 0 {
		return "", "", false
	}
	typ, s := raw[:i], raw[i:]
	number := func(hex bool) bool {
		if s == "" || s[0] != ';' {
			return false
		}
		s = trimSpace(s[1:])
		if s != "" && (s[0] == '-' || s[0] == '+') {
			s = s[1:]
		}
		digit := func(b byte) bool {
			return b >= '0' && b <= '9' || hex && (b|0x20 >= 'a' && b|0x20 <= 'f')
		}
		prefix := hex && len(s) >= 2 && s[0] == '0' && s[1]|0x20 == 'x'
		if prefix {
			s = s[2:] // glibc: "0x" alone reads as 0
		}
		j := 0
		for j < len(s) && digit(s[j]) {
			j++
		}
		s = s[j:]
		return j > 0 || prefix
	}
	for _, hex := range []bool{false, false, true} { // uid, gid, perm
		if !number(hex) {
			return "", "", false
		}
	}
	if s == "" || s[0] != ';' {
		return typ, "", true
	}
	return typ, s[1:], true
}

func cString(b []byte) string {
	if i := indexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// negatedError is an error after which Run negated the key.
type negatedError struct {
	err error
	key keyutils.Serial
}

func (e *negatedError) Error() string {
	return e.err.Error() + "; key " + e.key.String() + " negated for " + NegateTimeout.String()
}

func (e *negatedError) Unwrap() error { return e.err }
