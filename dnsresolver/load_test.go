//go:build linux

package dnsresolver

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	var out strings.Builder
	log := &Logger{Verbose: 2, Stdout: &out, Stderr: &out, StdoutTTY: true, StderrTTY: true}

	c, err := LoadConfig(write("good.conf", "default_ttl=42\nfoo=1\n", 0o644), true, log)
	if err != nil || c.DefaultTTL != 42 || !strings.Contains(out.String(), "good.conf:2: Unknown option 'foo'\n") {
		t.Errorf("%+v, %v\n%s", c, err, out.String())
	}
	missing := filepath.Join(dir, "missing.conf")
	if c, err := LoadConfig(missing, false, log); err != nil || c.DefaultTTL != DefaultTTL {
		t.Errorf("missing, not named: %+v, %v", c, err)
	}
	if _, err := LoadConfig(missing, true, log); err == nil || err.Error() != "Error: "+missing+": No such file or directory" {
		t.Errorf("missing, named: %v", err)
	}
	if _, err := LoadConfig(dir, true, log); err == nil || err.Error() != "Error: "+dir+": Is a directory" {
		t.Errorf("a directory: %v", err)
	}
	if _, err := LoadConfig(write("bad.conf", "default_ttl=x\n", 0o644), true, log); err == nil || err.Error() != "Error: "+dir+"/bad.conf:1: default_ttl: Bad value" {
		t.Errorf("bad: %v", err)
	}

	// A FIFO would hang 1.6.3; it is not read.
	fifo := filepath.Join(dir, "fifo.conf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if c, err := LoadConfig(fifo, true, log); err != nil || c.DefaultTTL != DefaultTTL || !strings.Contains(out.String(), "Ignoring "+fifo+": not a regular file") {
		t.Errorf("FIFO: %+v, %v\n%s", c, err, out.String())
	}

	if os.Geteuid() != 0 {
		t.Skip("the checks of who may write the file apply to root only")
	}
	out.Reset()
	open := write("open.conf", "default_ttl=42\n", 0o666)
	if c, err := LoadConfig(open, true, log); err != nil || c.DefaultTTL != DefaultTTL || !strings.Contains(out.String(), "Ignoring "+open+": writable by group or others (mode 0666)") {
		t.Errorf("world-writable: %+v, %v\n%s", c, err, out.String())
	}
	out.Reset()
	owned := write("owned.conf", "default_ttl=42\n", 0o644)
	if err := os.Chown(owned, 12345, 0); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadConfig(owned, true, log); err != nil || c.DefaultTTL != DefaultTTL || !strings.Contains(out.String(), "owned by uid 12345, not root") {
		t.Errorf("not root's: %+v, %v\n%s", c, err, out.String())
	}
	if _, err := LoadConfig(owned, true, nil); errors.Is(err, os.ErrNotExist) {
		t.Error(err)
	}
}
