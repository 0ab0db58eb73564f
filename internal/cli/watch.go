//go:build linux

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
)

// This file holds the watch family: watch, watch_add, watch_rm,
// watch_session and watch_sync.

// pipeIocSync is the PIPE_IOC_SYNC ioctl keyctl tries before polling.
const pipeIocSync = 0x5762

// getopt is a small GNU getopt(3): options from spec ("f:" style) are
// passed to fn in order; with permute (unless POSIXLY_CORRECT is set, as
// for glibc), non-options are collected and scanning goes on, otherwise it
// stops at the first non-option. An unknown option or a missing argument
// prints getopt's message and returns false.
func (c *ctx) getopt(prog string, args []string, spec string, permute bool, fn func(opt byte, arg string) error) ([]string, error) {
	if _, posix := c.env("POSIXLY_CORRECT"); posix {
		permute = false
	}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			if !permute {
				return append(rest, args[i:]...), nil
			}
			rest = append(rest, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			k := strings.IndexByte(spec, a[j])
			if k < 0 || a[j] == ':' {
				fmt.Fprintf(c.errw, "%s: invalid option -- '%c'\n", prog, a[j])
				return nil, c.fail(exitUsage, "Unknown option")
			}
			if k+1 < len(spec) && spec[k+1] == ':' {
				arg := a[j+1:]
				if arg == "" {
					if i+1 >= len(args) {
						fmt.Fprintf(c.errw, "%s: option requires an argument -- '%c'\n", prog, a[j])
						return nil, c.fail(exitUsage, "Unknown option")
					}
					i++
					arg = args[i]
				}
				if err := fn(a[j], arg); err != nil {
					return nil, err
				}
				break
			}
			if err := fn(a[j], ""); err != nil {
				return nil, err
			}
		}
	}
	return rest, nil
}

// watchFilter parses -f letters into a subtype mask.
func (c *ctx) watchFilter(s string) (uint32, error) {
	var m uint32
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte("iplncrvs", s[i])
		if k < 0 {
			return 0, c.fail(exitUsage, "Unknown filter character '%c'", s[i])
		}
		m |= 1 << k
	}
	return m, nil
}

// openWatchQueue makes the 256-slot notification pipe with filter,
// labelling failures as the C tool does.
func (c *ctx) openWatchQueue(filter uint32) (*keyutils.WatchQueue, error) {
	q, err := keyutils.NewWatchQueue(256)
	if err != nil {
		label := "pipe2"
		var ke *keyutils.Error
		if errors.As(err, &ke) && ke.Op != "pipe2" {
			label = "/dev/watch_queue(size)"
		}
		return nil, c.perror(label, err)
	}
	if err := q.SetKeyFilter(filter); err != nil {
		q.Close()
		return nil, c.perror("/dev/watch_queue(filter)", err)
	}
	return q, nil
}

func (c *ctx) cmdWatch(args []string) error {
	filter := ^uint32(0)
	rest, err := c.getopt("watch", args, "f:", true, func(_ byte, arg string) error {
		var err error
		filter, err = c.watchFilter(arg)
		return err
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return c.usage()
	}
	id, err := c.key(rest[0])
	if err != nil {
		return err
	}
	q, err := c.openWatchQueue(filter)
	if err != nil {
		return err
	}
	defer q.Close()
	if err := keyutils.WatchKey(id, q.Fd(), 1); err != nil {
		return c.perror("keyctl_watch_key", err)
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	defer signal.Stop(term)
	return c.consume(q.Fd(), c.out, c.out, func() { c.out.Flush() }, term)
}

// consume reads notification records from fd and writes one line per
// record to log (removals to gc) until the watch with ID 1 is removed,
// the pipe ends or something arrives on term (SIGTERM).
func (c *ctx) consume(fd int, log, gc io.Writer, flush func(), term <-chan os.Signal) error {
	buf := make([]byte, 4096)
	names := [...]string{"inst", "upd", "link", "unlk", "clr", "rev", "inv", "attr"}
	for {
		select {
		case <-term:
			fmt.Fprintln(log, "Monitoring terminated")
			if gc != log {
				fmt.Fprintln(gc, "Monitoring terminated")
			}
			flush()
			return nil
		default:
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, 200); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return c.perror("poll", err)
		}
		if fds[0].Revents == 0 {
			continue
		}
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return c.perror("read", err)
		}
		if n == 0 {
			fmt.Fprintln(log, "-- END --")
			flush()
			return nil
		}
		for p := buf[:n]; len(p) > 0; {
			rec, err := keyutils.ParseNotification(p)
			if err != nil {
				flush()
				return c.fail(exitWatchBuffer, "Short message header: %d", rec.Len)
			}
			p = p[rec.Len:]
			switch {
			case rec.Type == keyutils.WatchTypeMeta && rec.Subtype == keyutils.WatchMetaRemoval:
				fmt.Fprintf(gc, "%d gc\n", uint32(rec.Key))
				if rec.WatchID == 1 {
					flush()
					return nil
				}
			case rec.Type == keyutils.WatchTypeMeta && rec.Subtype == keyutils.WatchMetaLoss:
				fmt.Fprintln(log, "-- LOSS --")
			case rec.Type == keyutils.WatchTypeKeyNotify && int(rec.Subtype) < len(names):
				fmt.Fprintf(log, "%d %s", uint32(rec.Key), names[rec.Subtype])
				if rec.Subtype == keyutils.NotifyKeyLinked || rec.Subtype == keyutils.NotifyKeyUnlinked {
					fmt.Fprintf(log, " %d", uint32(rec.Aux))
				}
				fmt.Fprintln(log)
			}
		}
		flush()
	}
}

// watchFD parses a watch fd argument as atoi does: (int)strtol(s, NULL,
// 10), which saturates at LONG_MIN/LONG_MAX (unlike strtoul, whose range
// is 2^64 and which negates after the fact) before the truncation to int.
func watchFD(s string) int {
	v, rest, overflow := strtoul(s, 10)
	neg := strings.HasPrefix(strings.TrimLeft(s, " \t\n\v\f\r"), "-")
	switch {
	case rest == s: // no digits
		return 0
	case neg && (overflow || -v > 1<<63):
		return 0 // LONG_MIN truncated
	case !neg && (overflow || v >= 1<<63):
		return -1 // LONG_MAX truncated
	}
	return int(int32(v))
}

func (c *ctx) watchKey(args []string, watchID int) error {
	if len(args) != 2 {
		return c.usage()
	}
	fd := watchFD(args[0])
	id, err := c.key(args[1])
	if err != nil {
		return err
	}
	if err := keyutils.WatchKey(id, fd, watchID); err != nil {
		return c.perror("keyctl_watch_key", err)
	}
	return nil
}

func (c *ctx) cmdWatchAdd(args []string) error { return c.watchKey(args, 2) }

func (c *ctx) cmdWatchRm(args []string) error { return c.watchKey(args, -1) }

func (c *ctx) cmdWatchSync(args []string) error {
	if len(args) != 1 {
		return c.usage()
	}
	fd := watchFD(args[0])
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), pipeIocSync, 0)
	if e == 0 {
		return nil
	}
	if e != unix.ENOTTY {
		return c.perror("ioctl(PIPE_IOC_SYNC)", e)
	}
	for {
		n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
		if err != nil {
			return c.perror("ioctl(FIONREAD)", err)
		}
		if n == 0 {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *ctx) cmdWatchSession(args []string) error {
	filter := ^uint32(0)
	name, debug := "", false
	rest, err := c.getopt("watch_session", args, "df:n:", false, func(opt byte, arg string) error {
		var err error
		switch opt {
		case 'd':
			debug = true
		case 'f':
			filter, err = c.watchFilter(arg)
		case 'n':
			name = arg
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(rest) < 4 {
		return c.usage()
	}
	fd := watchFD(rest[2])
	if fd < 3 || fd > 9 {
		return c.fail(exitUsage, "The target fd must be between 3 and 9")
	}
	q, err := c.openWatchQueue(filter)
	if err != nil {
		return err
	}
	if err := unix.Dup2(q.Fd(), fd); err != nil {
		return c.perror("dup2", err)
	}
	logs := make([]*os.File, 2)
	for i, path := range rest[:2] {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
		if err != nil {
			return c.perror(path, err)
		}
		defer f.Close()
		logs[i] = f
	}
	done := make(chan error, 1)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	defer signal.Stop(term)
	go func() {
		done <- c.consume(q.Fd(), logs[0], logs[1], func() {}, term)
	}()
	id, err := joinSession(name, name == "")
	if err != nil {
		return c.perror("keyctl_join_session_keyring", err)
	}
	if err := keyutils.WatchKey(id, fd, 1); err != nil {
		return c.perror("keyctl_watch_key/session", err)
	}
	fmt.Fprintf(c.errw, "Joined session keyring: %d\n", int32(id))
	if debug {
		fmt.Fprintf(c.errw, "Watching fd %d\n", fd)
	}
	// The child is forked from this (locked) thread, so it inherits the
	// session keyring just joined.
	cmd := exec.Command(rest[3], rest[4:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "KEYCTL_WATCH_FD="+strconv.Itoa(fd))
	cmd.ExtraFiles = make([]*os.File, fd-2)
	cmd.ExtraFiles[fd-3] = os.NewFile(uintptr(fd), "watch_queue")
	if err := cmd.Start(); err != nil {
		return c.perror(rest[3], err)
	}
	status := 0
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return c.perror("waitpid", err)
		}
		ws := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			status = 128 + int(ws.Signal())
		} else {
			status = ws.ExitStatus()
		}
	}
	term <- syscall.SIGTERM
	if err := <-done; err != nil {
		return err
	}
	return Exit(status)
}
