//go:build !linux

// Command git-credential-keyctl is a git credential helper on the Linux
// kernel's key retention service. Built for another system, it only says
// so and exits with status 1.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "git-credential-keyctl: the kernel key retention service is Linux-only; this is %s\n", runtime.GOOS)
	os.Exit(1)
}
