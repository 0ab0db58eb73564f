package syslog

import (
	"path/filepath"
	"regexp"
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
