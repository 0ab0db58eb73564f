//go:build linux

package dnstest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// envExec holds, in a test binary re-executed by Command, the JSON of
// what to bind and run.
const envExec = "KEYUTILS_DNSTEST_EXEC"

type execSpec struct {
	Binds [][2]string // {source, target}
	Path  string
	Argv  []string
	Batch []Job // run these, not Path, and print their Results as JSON
}

// Job is a program to run on a pseudo-terminal (RunBatch).
type Job struct {
	Path string
	Argv []string // argv[0] included
	Pty  bool     // standard output and error on a pseudo-terminal, else pipes (both in Output)
}

// Result is what a Job printed and its exit status.
type Result struct {
	Output string
	Code   int
	Err    string // could not be run
}

// MaybeExec must be called first in TestMain (before testutil.Main): in a
// process that Command started, it binds the files over their targets in
// its private mount namespace and executes the program; it returns
// otherwise.
func MaybeExec() {
	v := os.Getenv(envExec)
	if v == "" {
		return
	}
	if path, ok := strings.CutPrefix(v, "@"); ok { // a batch, in a file
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dnstest:", err)
			os.Exit(125)
		}
		v = string(b)
	}
	var spec execSpec
	if err := json.Unmarshal([]byte(v), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "dnstest:", err)
		os.Exit(125)
	}
	for _, b := range spec.Binds {
		if err := unix.Mount(b[0], b[1], "", unix.MS_BIND, ""); err != nil {
			fmt.Fprintf(os.Stderr, "dnstest: bind %s over %s: %v\n", b[0], b[1], err)
			os.Exit(125)
		}
	}
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, envExec+"=") {
			env = append(env, e)
		}
	}
	if spec.Batch != nil {
		results := make([]Result, len(spec.Batch))
		for i, j := range spec.Batch {
			results[i] = runJob(j, env)
		}
		if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
			os.Exit(125)
		}
		os.Exit(0)
	}
	err := unix.Exec(spec.Path, spec.Argv, env)
	fmt.Fprintf(os.Stderr, "dnstest: exec %s: %v\n", spec.Path, err)
	os.Exit(126)
}

// Command returns a command that runs path with argv (argv[0] included)
// in a private mount namespace where each file of binds (target: source)
// is bound over its target, e.g. a resolv.conf over /etc/resolv.conf. The
// test binary must call MaybeExec in TestMain. It needs root, and skips
// the test otherwise.
func Command(t testing.TB, binds map[string]string, path string, argv ...string) *exec.Cmd {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: runs programs in a private mount namespace")
	}
	spec := execSpec{Path: path, Argv: argv}
	for target, source := range binds {
		spec.Binds = append(spec.Binds, [2]string{source, target})
	}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), envExec+"="+string(b))
	// A new mount namespace, its mounts private (Go's child makes / a
	// private mount when it unshares CLONE_NEWNS).
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	return cmd
}

// runJob runs j with environment env.
func runJob(j Job, env []string) Result {
	cmd := exec.Command(j.Path)
	cmd.Args, cmd.Env = j.Argv, env
	var out strings.Builder
	if j.Pty {
		master, slave, err := testutil.OpenPty(true)
		if err != nil {
			return Result{Err: err.Error()}
		}
		defer master.Close()
		cmd.Stdout, cmd.Stderr = slave, slave
		err = cmd.Start()
		slave.Close()
		if err != nil {
			return Result{Err: err.Error()}
		}
		b, _ := io.ReadAll(master)
		out.Write(b)
	} else {
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			return Result{Err: err.Error()}
		}
	}
	err := cmd.Wait()
	r := Result{Output: out.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		r.Err = err.Error()
	}
	return r
}

// RunBatch runs jobs one after the other in one private mount namespace
// where each file of binds (target: source) is bound over its target, and
// returns their results. It needs root, and skips the test otherwise.
func RunBatch(t testing.TB, binds map[string]string, jobs []Job) []Result {
	t.Helper()
	cmd := Command(t, binds, "", "")
	var spec execSpec
	for _, e := range cmd.Env {
		if v, ok := strings.CutPrefix(e, envExec+"="); ok {
			json.Unmarshal([]byte(v), &spec)
		}
	}
	spec.Batch = jobs
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "batch.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(cmd.Env, envExec+"=@"+file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dnstest batch: %v\n%s", err, stderr.String())
	}
	var results []Result
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(jobs) {
		t.Fatalf("dnstest batch: %v: %q", err, out)
	}
	for i, r := range results {
		if r.Err != "" {
			t.Fatalf("dnstest batch: %q: %s", jobs[i].Argv, r.Err)
		}
	}
	return results
}

// RunOnPty runs cmd with its standard output and error on a new
// pseudo-terminal (both), and returns what it wrote there and its exit
// status.
func RunOnPty(t testing.TB, cmd *exec.Cmd) (string, int) {
	t.Helper()
	master, slave, err := testutil.OpenPty(true)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	cmd.Stdout, cmd.Stderr = slave, slave
	if err := cmd.Start(); err != nil {
		slave.Close()
		t.Fatal(err)
	}
	slave.Close()
	out, _ := io.ReadAll(master) // EIO once the last writer has gone
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}
