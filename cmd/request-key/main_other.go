//go:build !linux

// Command request-key is the Linux kernel's key-construction upcall
// program. Built for another system, it only says so and exits with
// status 1.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "request-key: the kernel key retention service is Linux-only; this is %s\n", runtime.GOOS)
	os.Exit(1)
}
