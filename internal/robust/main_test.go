//go:build linux

// Package robust holds the robustness tests that need whole programs: the
// library and keyctl run as an unprivileged user, and keyctl on changing
// keyring trees and failing calls. See SECURITY.md.
package robust

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

var binDir string

// TestMain runs the tests in a throwaway session keyring (testutil.Main)
// and removes the programs they built.
func TestMain(m *testing.M) {
	if os.Getenv(testutil.EnvSession) == "" {
		testutil.Main(m) // re-executes this binary in a new session keyring
	}
	dir, err := os.MkdirTemp("", "keyutils-robust-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// The programs are run by an unprivileged user too.
	os.Chmod(dir, 0o755)
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildMu  sync.Mutex
	built    = map[string]string{}
	buildErr = map[string]error{}
)

// build builds the module's package pkg ("./cmd/keyctl") once per test
// run and returns the program's path.
func build(t *testing.T, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	if err, ok := buildErr[pkg]; ok {
		t.Fatalf("building %s: %v", pkg, err)
	}
	out := filepath.Join(binDir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, "github.com/keyutils-go/keyutils/"+pkg[2:])
	if b, err := cmd.CombinedOutput(); err != nil {
		buildErr[pkg] = fmt.Errorf("%v\n%s", err, b)
		t.Fatalf("building %s: %v\n%s", pkg, err, b)
	}
	os.Chmod(out, 0o755)
	built[pkg] = out
	return out
}
