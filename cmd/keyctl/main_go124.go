//go:build linux && !go1.25

// main.go, for toolchains before Go 1.25: those reject its
// //go:debug containermaxprocs=0 line as an unknown setting, and need none,
// since their runtime has no cgroup-aware GOMAXPROCS to open the cgroup
// files. Keep the two in step.

package main

import (
	"os"
	"runtime"

	"github.com/keyutils-go/keyutils/internal/cli"
)

// init locks the main goroutine to the thread the process started on (see
// main.go).
func init() { runtime.LockOSThread() }

func main() {
	os.Exit(cli.Main(os.Args, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
