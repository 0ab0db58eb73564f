//go:build linux

package dnsresolver

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/syslog"
	"golang.org/x/sys/unix"
)

type syslogWriter struct{ w *syslog.Writer }

func (s syslogWriter) Log(sev int, msg string) error { return s.w.Log(sev, msg) }

// Off a terminal, messages go to syslog as 1.6.3 sends them (ident
// key.dns_resolver without a pid, LOG_DAEMON, "NS" errors at LOG_INFO
// without their terminal form), escaped; on a terminal, to stdout and
// stderr with 1.6.3's prefixes.
func TestLoggerRouting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	w, err := syslog.DialPathNoPID(path, syslog.LogDaemon, "key.dns_resolver")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var stdout, stderr strings.Builder
	l := &Logger{Verbose: 2, Stdout: &stdout, Stderr: &stderr, Syslog: syslogWriter{w}}
	l.Errorf("Error: %s", "bad\nline")
	l.Warningf("w")
	l.Infof("i")
	l.Debugf("d")
	l.nsError(NoData, "host\x1b[2J")
	var got []string
	buf := make([]byte, 1024)
	for range 6 {
		n, err := unix.Read(fd, buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, regexp.MustCompile(`^<(\d+)>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d `).ReplaceAllString(string(buf[:n]), "<$1>"))
	}
	want := []string{
		`<27>key.dns_resolver: Error: bad\x0aline`,
		`<28>key.dns_resolver: w`,
		`<30>key.dns_resolver: i`,
		`<31>key.dns_resolver: d`,
		`<30>key.dns_resolver: host\x1b[2J: No address associated with name`,
		`<30>key.dns_resolver: Reject the key with error 61`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || stdout.Len()+stderr.Len() != 0 {
		t.Errorf("syslog:\n%s\nwant:\n%s\nstdout %q stderr %q", strings.Join(got, "\n"), strings.Join(want, "\n"), stdout.String(), stderr.String())
	}

	l.StdoutTTY, l.StderrTTY = true, true
	l.Errorf("Error: x")
	l.Infof("i")
	l.Debugf("d")
	l.nsError(TryAgain, "h")
	if stderr.String() != "Error: x\nNS:h: Host name lookup failure.\n" || stdout.String() != "I: i\nD: d\nI: Reject the key with error 11\n" {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}
