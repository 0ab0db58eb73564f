//go:build linux

package requestkey

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// writeConf writes a configuration file with an explicit mode (not left
// to the umask).
func writeConf(t *testing.T, path, conf string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(conf), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// loadWithin runs load(dir), failing the test if it does not return
// within d; unblock is then called to let it finish.
func loadWithin(t *testing.T, dir string, d time.Duration, unblock func()) *Config {
	t.Helper()
	done := make(chan *Config, 1)
	go func() { done <- load(dir) }()
	select {
	case c := <-done:
		return c
	case <-time.After(d):
		unblock()
		<-done
		t.Fatalf("load(%s) still running after %v", dir, d)
		return nil
	}
}

func skippedMessages(c *Config) []string {
	var m []string
	for _, err := range c.Skipped {
		m = append(m, err.Error())
	}
	return m
}

// TestLoadNotRegular: a request-key.conf that is a FIFO (which would block
// open(2) until a writer comes) or a device is skipped with a logged
// reason, and the rest of the configuration is used; so is an entry of
// request-key.d replaced by a FIFO. request-key(8) hangs on both.
func TestLoadNotRegular(t *testing.T) {
	for _, kind := range []string{"fifo", "device"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "request-key.conf")
			switch kind {
			case "fifo":
				if err := unix.Mkfifo(conf, 0o644); err != nil {
					t.Fatal(err)
				}
			case "device":
				if err := os.Symlink("/dev/null", conf); err != nil {
					t.Fatal(err)
				}
			}
			writeConf(t, filepath.Join(dir, "request-key.d", "a.conf"), "create user * * /bin/a\n", 0o644)
			unblock := func() {
				if f, err := os.OpenFile(conf, os.O_WRONLY, 0); err == nil {
					f.Close()
				}
			}
			c := loadWithin(t, dir, 5*time.Second, unblock)
			if c.stop != nil || len(c.Rules) != 1 || c.Rules[0].Program != "/bin/a" {
				t.Fatalf("stop %v, rules %+v", c.stop, c.Rules)
			}
			want := []string{"Ignoring " + conf + ": not a regular file"}
			if got := skippedMessages(c); !equal(got, want) || !errors.Is(c.Skipped[0], ErrNotRegular) {
				t.Errorf("skipped %q, want %q", got, want)
			}
			// Run logs the reason, then goes on.
			var log bytes.Buffer
			err := Run([]string{"create", "1", "0", "0", "0", "0", "0", "x"}, &Options{Dir: dir, Debug: true,
				Stdout: &bytes.Buffer{}, Log: &Logger{Verbose: 1, Stderr: &log}})
			if err != nil || !strings.Contains(log.String(), "\n"+want[0]+"\n") {
				t.Errorf("Run: %v, log:\n%s", err, log.String())
			}
		})
	}
}

func equal(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

// TestLoadReadsLineByLine: a configuration file is not read whole (a huge
// file, or /dev/zero behind a regular-looking name, exhausted memory):
// reading stops at the first line too long, having held one line.
func TestLoadReadsLineByLine(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "request-key.conf")
	writeConf(t, conf, "create user * * /bin/a\n", 0o644)
	// 64 MiB of NUL bytes after the first line, without a newline.
	if err := os.Truncate(conf, 64<<20); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := load(dir)
	runtime.ReadMemStats(&after)
	if c.stop == nil || c.stop.Error() != conf+":2: Line too long" || len(c.Rules) != 1 {
		t.Fatalf("stop %v, rules %+v", c.stop, c.Rules)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("loading allocated %d bytes", n)
	}
}

// TestParseMaxFileSize: at most MaxFileSize bytes of a file are read.
func TestParseMaxFileSize(t *testing.T) {
	line := "# " + strings.Repeat("x", 97) + "\n" // 100 bytes
	c := &Config{}
	if err := c.Parse("f", []byte(strings.Repeat(line, MaxFileSize/100)+"create user * * /bin/a\n")); err != nil {
		t.Fatal(err)
	}
	c = &Config{}
	err := c.Parse("f", []byte(strings.Repeat(line, MaxFileSize/100+1)))
	if want := "f:10486: File too large"; err == nil || err.Error() != want || !errors.Is(err, ErrSyntax) {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// TestLoadUntrusted: running as root, request-key skips (and logs) every
// configuration file or directory that a user other than root could
// change, since the programs it names run as root: not owned by root,
// writable by group or others, or reached through such a directory or
// symbolic link. Directories on the way may be world-writable if sticky.
func TestLoadUntrusted(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the checks apply to request-key running as root")
	}
	const nobody = 65534
	a, b := "create user a * /bin/a\n", "create user b * /bin/b\n"
	type file struct {
		conf string
		mode os.FileMode
		uid  int
	}
	tests := []struct {
		name    string
		files   map[string]file // under the test directory; conf "->x" is a symbolic link to x
		dirs    map[string]file // directories to create with a mode and owner
		sub     string          // the configuration directory, under the test directory
		rules   []string        // programs read
		skipped []string        // reasons; "%" stands for the test directory
	}{
		{name: "trusted", files: map[string]file{"request-key.d/a.conf": {a, 0o644, 0}, "request-key.conf": {b, 0o600, 0}},
			rules: []string{"/bin/a", "/bin/b"}},
		{name: "group writable", files: map[string]file{"request-key.d/a.conf": {a, 0o664, 0}, "request-key.conf": {b, 0o644, 0}},
			rules:   []string{"/bin/b"},
			skipped: []string{"Ignoring %/request-key.d/a.conf: writable by group or others (mode 0664)"}},
		{name: "world writable", files: map[string]file{"request-key.conf": {b, 0o646, 0}},
			skipped: []string{"Ignoring %/request-key.conf: writable by group or others (mode 0646)"}},
		{name: "not root's", files: map[string]file{"request-key.d/a.conf": {a, 0o644, nobody}, "request-key.conf": {b, 0o644, 0}},
			rules:   []string{"/bin/b"},
			skipped: []string{"Ignoring %/request-key.d/a.conf: owned by uid 65534, not root"}},
		{name: "open directory", files: map[string]file{"request-key.d/a.conf": {a, 0o644, 0}, "request-key.conf": {b, 0o644, 0}},
			dirs:    map[string]file{"request-key.d": {mode: 0o777}},
			rules:   []string{"/bin/b"},
			skipped: []string{"Ignoring %/request-key.d: writable by group or others (mode 0777)"}},
		{name: "sticky directory", files: map[string]file{"request-key.d/a.conf": {a, 0o644, 0}},
			dirs:    map[string]file{"request-key.d": {mode: 0o1777}},
			skipped: []string{"Ignoring %/request-key.d: writable by group or others (mode 1777)"}},
		{name: "directory not root's", files: map[string]file{"request-key.d/a.conf": {a, 0o644, 0}},
			dirs:    map[string]file{"request-key.d": {mode: 0o755, uid: nobody}},
			skipped: []string{"Ignoring %/request-key.d: owned by uid 65534, not root"}},
		{name: "open parent", sub: "etc", files: map[string]file{"etc/request-key.d/a.conf": {a, 0o644, 0}, "etc/request-key.conf": {b, 0o644, 0}},
			dirs: map[string]file{"etc": {mode: 0o757}},
			skipped: []string{"Ignoring %/etc/request-key.d: %/etc is writable by group or others (mode 0757)",
				"Ignoring %/etc/request-key.conf: %/etc is writable by group or others (mode 0757)"}},
		{name: "sticky parent", sub: "etc", files: map[string]file{"etc/request-key.d/a.conf": {a, 0o644, 0}, "etc/request-key.conf": {b, 0o644, 0}},
			dirs:  map[string]file{"etc": {mode: 0o1777}},
			rules: []string{"/bin/a", "/bin/b"}},
		{name: "grandparent not root's", sub: "x/etc", files: map[string]file{"x/etc/request-key.conf": {b, 0o644, 0}},
			dirs: map[string]file{"x": {mode: 0o755, uid: nobody}},
			skipped: []string{"Ignoring %/x/etc/request-key.d: %/x is owned by uid 65534, not root",
				"Ignoring %/x/etc/request-key.conf: %/x is owned by uid 65534, not root"}},
		{name: "link to trusted", sub: "etc", files: map[string]file{"etc/request-key.conf": {conf: "->../store/../store/conf"}, "store/conf": {b, 0o644, 0}},
			rules: []string{"/bin/b"}},
		{name: "link through open directory", sub: "etc", files: map[string]file{"etc/request-key.conf": {conf: "->../open/link"},
			"open/link": {conf: "->../store/conf"}, "store/conf": {b, 0o644, 0}},
			dirs:    map[string]file{"open": {mode: 0o777}},
			skipped: []string{"Ignoring %/etc/request-key.conf: %/open is writable by group or others (mode 0777)"}},
		{name: "link not root's", sub: "etc", files: map[string]file{"etc/request-key.conf": {conf: "->../store/conf", uid: nobody}, "store/conf": {b, 0o644, 0}},
			dirs:    map[string]file{"etc": {mode: 0o1777}},
			skipped: []string{"Ignoring %/etc/request-key.conf: %/etc/request-key.conf is a symbolic link owned by uid 65534, not root"}},
		{name: "link to untrusted file", files: map[string]file{"request-key.conf": {conf: "->store/conf"}, "store/conf": {b, 0o666, 0}},
			skipped: []string{"Ignoring %/request-key.conf: writable by group or others (mode 0666)"}},
		// Entries of request-key.d that are symbolic links are not read,
		// as in request-key(8), whoever owns them.
		{name: "link in request-key.d", files: map[string]file{"request-key.d/a.conf": {conf: "->../store/conf"}, "store/conf": {b, 0o644, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			if err := os.Chmod(top, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, f := range tc.files {
				p := filepath.Join(top, name)
				if target, ok := strings.CutPrefix(f.conf, "->"); ok {
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.Symlink(target, p); err != nil {
						t.Fatal(err)
					}
				} else {
					writeConf(t, p, f.conf, f.mode)
				}
				if err := os.Lchown(p, f.uid, 0); err != nil {
					t.Fatal(err)
				}
			}
			for name, d := range tc.dirs {
				p := filepath.Join(top, name)
				if err := os.MkdirAll(p, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := unix.Chmod(p, uint32(d.mode)); err != nil { // with the sticky bit
					t.Fatal(err)
				}
				if err := os.Chown(p, d.uid, 0); err != nil {
					t.Fatal(err)
				}
			}
			c := load(filepath.Join(top, tc.sub))
			if c.stop != nil {
				t.Fatal(c.stop)
			}
			var rules []string
			for _, r := range c.Rules {
				rules = append(rules, r.Program)
			}
			var want []string
			for _, s := range tc.skipped {
				want = append(want, strings.ReplaceAll(s, "%", top))
			}
			if got := skippedMessages(c); !equal(got, want) {
				t.Errorf("skipped:\n%q\nwant:\n%q", got, want)
			}
			for _, err := range c.Skipped {
				if !errors.Is(err, ErrUntrusted) {
					t.Errorf("%v: not ErrUntrusted", err)
				}
			}
			if !equal(rules, tc.rules) {
				t.Errorf("rules read %q, want %q", rules, tc.rules)
			}
		})
	}
}
