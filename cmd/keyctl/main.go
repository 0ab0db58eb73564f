//go:build linux

// keyctl must start with nothing open beyond descriptors 0 to 2, as the C
// tool does: watch_add, watch_rm, watch_sync and watch_session (dup2 onto
// 3..9) take descriptor numbers. The runtime's cgroup-aware GOMAXPROCS
// (Go 1.25 and later) would keep the cgroup CPU limit files open on
// descriptors 3 and 4 for the life of the process. It is off here because
// go.mod's go line is 1.24: the GODEBUG defaults of a build follow the
// main module's go line, and for a go line before 1.25 containermaxprocs
// defaults to 0 (what "//go:debug containermaxprocs=0" would say, a line
// that Go 1.24 rejects as an unknown setting). Whoever raises the go line
// to 1.25 or later must add that line here: TestNoCgroupDescriptors fails
// until then.

// Command keyctl is a drop-in replacement for keyutils 1.6.3's keyctl(1):
// it manages the kernel's key retention service with the same commands,
// output formats, diagnostics and exit statuses. See internal/cli.
package main

import (
	"os"

	"github.com/keyutils-go/keyutils/internal/cli"
)

// testBinary is set by the variable initialisation of main_test.go, which
// runs before any init function: in a test binary, init leaves the process
// to the tests.
var testBinary bool

// init runs keyctl, and exits. keyctl does all keyring work on the thread
// the process started on, so that @s, @p and @t (which belong to a thread's
// credentials) mean what they mean for the C tool and a session keyring it
// joins is inherited by the program it execs. The Go runtime runs package
// initialisation with the main goroutine locked to that thread (see
// runtime.main), so init has that guarantee for free; runtime.LockOSThread
// in init, the usual way to keep it for main, also starts the runtime's
// template thread, which costs a trivial command about 5% of its run time
// (BENCHMARKS.md).
func init() {
	if testBinary {
		return
	}
	os.Exit(cli.Main(os.Args, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}

// main is not reached: init exits.
func main() {}
