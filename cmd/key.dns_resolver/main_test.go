//go:build linux

package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/dnstest"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestMain(m *testing.M) {
	dnstest.MaybeExec()
	testutil.Main(m)
}

// cResolver is Debian's key.dns_resolver, the oracle.
const cResolver = "/sbin/key.dns_resolver"

// confDir is the directory whose flock serialises the tests that replace
// /sbin/key.dns_resolver (and /sbin/request-key): the differential tests
// hold it shared, so that the program they compare with is the original.
const confDir = "/etc/request-key.d"

// buildOurs builds the command into a temporary directory.
func buildOurs(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH to build key.dns_resolver:", err)
	}
	bin := filepath.Join(t.TempDir(), "key.dns_resolver")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// needC skips the test unless Debian's key.dns_resolver is there (and is
// not ours, left by a killed run of TestUpcall: the next run restores it),
// and holds the lock that keeps TestUpcall from replacing it meanwhile.
func needC(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(cResolver); err != nil {
		t.Skipf("no %s to compare with (Debian's keyutils): %v", cResolver, err)
	}
	if _, err := os.Stat(confDir); err == nil {
		testutil.LockDirShared(t, confDir, 0)
	}
	if f, err := elf.Open(cResolver); err == nil {
		isGo := f.Section(".go.buildinfo") != nil
		f.Close()
		if isGo {
			t.Skipf("%s is a Go program, not keyutils': a killed TestUpcall left ours (its next run restores it)", cResolver)
		}
	}
}

// onPty runs path with args, named argv0, on a pseudo-terminal, in a
// private mount namespace with binds, and returns its output and status.
func onPty(t *testing.T, binds map[string]string, path string, args ...string) (string, int) {
	t.Helper()
	cmd := dnstest.Command(t, binds, path, append([]string{cResolver}, args...)...)
	cmd.Env = append(cmd.Env, "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
	return dnstest.RunOnPty(t, cmd)
}

var expiryLine = regexp.MustCompile(`(?m)^I: The expiry time is (\d+)s$`)

// expiryOf returns the expiry printed in out, "" if none.
func expiryOf(out string) string {
	if m := expiryLine.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

func withoutExpiry(out string) string {
	return expiryLine.ReplaceAllString(out, "I: The expiry time is ...")
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// lines returns out's lines, for messages.
func lines(out string) string {
	return "\t" + strings.ReplaceAll(strings.TrimRight(out, "\n"), "\n", "\n\t")
}
