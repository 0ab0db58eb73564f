//go:build linux

// Package syslog sends messages to the local system log the way glibc's
// syslog(3) does: datagrams "<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG" on the
// /dev/log socket. It exists so that request-key can log without the
// standard library's log/syslog, which imports package net and so makes
// the binary link libc whenever cgo is enabled: request-key must stay a
// static binary.
package syslog

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Facilities and severities (syslog.h).
const (
	LogAuthpriv = 10 << 3 // LOG_AUTHPRIV
	LogErr      = 3       // LOG_ERR
	LogDebug    = 7       // LOG_DEBUG
)

// Writer is a connection to the system log. Its methods may be called
// from several goroutines.
type Writer struct {
	mu       sync.Mutex
	path     string
	fd       int
	stream   bool // a stream socket: messages end with NUL
	facility int
	tag      string
	noPID    bool // "TAG: MSG", as openlog(3) without LOG_PID
}

// Open returns a Writer for the system log at /dev/log that connects when
// it sends its first message, as syslog(3) does after openlog(3) without
// LOG_NDELAY (and again after a failure): a program that logs nothing
// makes no connection. Messages are tagged tag and logged with facility.
func Open(facility int, tag string) *Writer { return OpenPath("/dev/log", facility, tag) }

// OpenPath is Open with the socket's path.
func OpenPath(path string, facility int, tag string) *Writer {
	return &Writer{path: path, fd: -1, facility: facility, tag: tag}
}

// DialPath connects to the system log at path now; messages are tagged
// tag and logged with facility (e.g. LogAuthpriv). Open connects later.
func DialPath(path string, facility int, tag string) (*Writer, error) {
	w := &Writer{path: path, fd: -1, facility: facility, tag: tag}
	if err := w.connect(); err != nil {
		return nil, err
	}
	return w, nil
}

// connect opens the socket: a datagram socket, or a stream socket if the
// daemon listens on one (the datagram connect fails with EPROTOTYPE), as
// glibc's syslog(3) does.
func (w *Writer) connect() error {
	var err error
	for _, typ := range []int{unix.SOCK_DGRAM, unix.SOCK_STREAM} {
		var fd int
		fd, err = unix.Socket(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		if err = unix.Connect(fd, &unix.SockaddrUnix{Name: w.path}); err == nil {
			w.fd, w.stream = fd, typ == unix.SOCK_STREAM
			return nil
		}
		unix.Close(fd)
		if err != unix.EPROTOTYPE {
			break
		}
	}
	return err
}

// Err logs msg at LOG_ERR. Like every message, it is cut at its first NUL
// byte (glibc's syslog(3) is given a C string) and the rest is escaped
// (Escape), so that it is one record even on a stream socket, where a NUL
// (or, for some daemons, a newline) ends a record.
func (w *Writer) Err(msg string) error { return w.write(LogErr, msg) }

// Debug logs msg at LOG_DEBUG, cut and escaped as by Err.
func (w *Writer) Debug(msg string) error { return w.write(LogDebug, msg) }

func (w *Writer) write(severity int, msg string) error {
	msg = Escape(CString(msg))
	tag := w.tag + "[" + strconv.Itoa(unix.Getpid()) + "]"
	if w.noPID {
		tag = w.tag
	}
	line := "<" + strconv.Itoa(w.facility|severity) + ">" + time.Now().Format(time.Stamp) +
		" " + tag + ": " + msg
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.send(line)
	if err != nil && w.connectAgain() == nil { // the daemon restarted
		err = w.send(line)
	}
	return err
}

func (w *Writer) send(line string) error {
	if w.fd < 0 {
		return unix.ENOTCONN
	}
	b := []byte(line)
	if w.stream {
		b = append(b, 0) // stream syslog daemons split on NUL
	}
	_, err := unix.Write(w.fd, b)
	return err
}

func (w *Writer) connectAgain() error {
	if w.fd >= 0 {
		unix.Close(w.fd)
		w.fd = -1
	}
	return w.connect()
}

// Close closes the connection.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fd < 0 {
		return nil
	}
	err := unix.Close(w.fd)
	w.fd = -1
	return err
}
