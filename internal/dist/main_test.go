//go:build linux

// Package dist tests what keyutils-go distributes besides the Go packages:
// the man pages (man/), keyctl's bash completion (completion/), the
// install step (Makefile, scripts/install, dist/) and the version the
// commands report. The commands are built once, by "make", into a
// temporary directory shared by the tests.
package dist

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestMain(m *testing.M) {
	if os.Getenv(testutil.EnvSession) == "" {
		testutil.Main(m) // re-executes the test binary in a session keyring
	}
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// root is the module's root directory.
var root = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..")
}()

var builds struct {
	once sync.Once
	dir  string // temporary; holds build/
	out  []byte
	err  error
}

// built runs "make" once, building every command into a temporary
// directory, and returns that BUILDDIR. It skips the test if make or go
// is missing.
func built(t *testing.T) string {
	t.Helper()
	needTool(t, "make", "make")
	needTool(t, "go", "Go")
	builds.once.Do(func() {
		builds.dir, builds.err = os.MkdirTemp("", "keyutils-go-dist-")
		if builds.err != nil {
			return
		}
		cmd := exec.Command("make", "-s", "-C", root, "all", "BUILDDIR="+filepath.Join(builds.dir, "build"))
		builds.out, builds.err = cmd.CombinedOutput()
	})
	if builds.err != nil {
		t.Fatalf("make: %v\n%s", builds.err, builds.out)
	}
	return filepath.Join(builds.dir, "build")
}

// needTool skips the test unless the program name is in PATH; pkg is the
// Debian package that has it.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (Debian package %s): %v", name, pkg, err)
	}
	return p
}

// commands returns the names of the commands under cmd/.
func commands(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(root, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, e := range ents {
		if e.IsDir() {
			cmds = append(cmds, e.Name())
		}
	}
	if len(cmds) < 2 {
		t.Fatalf("commands under cmd/: %q", cmds)
	}
	return cmds
}

// run runs a command and returns its standard output; it fails the test
// if the command fails or writes to its standard error.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}
