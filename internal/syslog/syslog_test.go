//go:build linux

package syslog

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// listen makes a datagram socket at a temporary path, standing in for
// /dev/log.
func listen(t *testing.T) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log")
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	return path, fd
}

func TestWriterFormat(t *testing.T) {
	path, fd := listen(t)
	w, err := DialPath(path, LogAuthpriv, "request-key")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, c := range []struct {
		log  func(string) error
		want string
	}{
		{w.Err, `^<83>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d request-key\[\d+\]: boom$`},
		{w.Debug, `^<87>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d request-key\[\d+\]: boom$`},
	} {
		if err := c.log("boom"); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 512)
		n, err := unix.Read(fd, buf)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(c.want).Match(buf[:n]) {
			t.Errorf("got %q, want %s", buf[:n], c.want)
		}
	}
}

func TestDialMissing(t *testing.T) {
	if _, err := DialPath(filepath.Join(t.TempDir(), "none"), LogAuthpriv, "x"); err == nil {
		t.Error("DialPath of a missing socket succeeded")
	}
}

// TestOpenLazy: a Writer from OpenPath makes no connection until its first
// message, which it sends to the daemon listening by then; a message while
// none listens fails, and the next one after the daemon starts is sent.
func TestOpenLazy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	w := OpenPath(path, LogAuthpriv, "x")
	defer w.Close()
	if w.fd >= 0 {
		t.Fatal("OpenPath connected")
	}
	if err := w.Err("lost"); err == nil {
		t.Error("a message with no daemon listening was sent")
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := w.Err("first"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	if n, err := unix.Read(fd, buf); err != nil || !regexp.MustCompile(`x\[\d+\]: first$`).Match(buf[:n]) {
		t.Errorf("got %q, %v", buf[:n], err)
	}
}

func TestReconnect(t *testing.T) {
	path, fd := listen(t)
	w, err := DialPath(path, LogAuthpriv, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// The daemon restarts: a new socket at the same path.
	unix.Close(fd)
	unix.Unlink(path)
	fd2, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd2)
	if err := unix.Bind(fd2, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := w.Err("again"); err != nil {
		t.Fatalf("after the daemon restarted: %v", err)
	}
	buf := make([]byte, 512)
	if n, err := unix.Read(fd2, buf); err != nil || !regexp.MustCompile(`x\[\d+\]: again$`).Match(buf[:n]) {
		t.Errorf("got %q, %v", buf[:n], err)
	}
}

// TestWriterStreamNoForgedRecord: on a stream /dev/log, where a NUL ends a
// record, a message holding a NUL or a newline is still one record. The
// message is cut at its first NUL, as glibc's syslog(3) sees a C string,
// and the other control characters are escaped.
func TestWriterStreamNoForgedRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	lfd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(lfd)
	if err := unix.Bind(lfd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, 1); err != nil {
		t.Fatal(err)
	}
	w, err := DialPath(path, LogAuthpriv, "request-key")
	if err != nil {
		t.Fatal(err)
	}
	cfd, _, err := unix.Accept(lfd)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(cfd)
	for _, msg := range []string{
		"Child: x\x00sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2",
		"Child: y\nsshd[1]: Accepted password for root",
		"Key desc: \x1b]0;title\x07\x1b[2J\r\xff",
	} {
		if err := w.Err(msg); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	var all []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(cfd, buf)
		if n <= 0 || err != nil {
			break
		}
		all = append(all, buf[:n]...)
	}
	recs := strings.Split(strings.TrimSuffix(string(all), "\x00"), "\x00")
	want := []string{
		`request-key\[\d+\]: Child: x$`,
		`request-key\[\d+\]: Child: y\\x0asshd\[1\]: Accepted password for root$`,
		`request-key\[\d+\]: Key desc: \\x1b\]0;title\\x07\\x1b\[2J\\x0d\\xff$`,
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(recs), len(want), recs)
	}
	for i, r := range recs {
		if strings.ContainsAny(r, "\n\r\x1b") || !regexp.MustCompile(want[i]).MatchString(r) {
			t.Errorf("record %d = %q, want %s", i, r, want[i])
		}
	}
}
