//go:build !linux

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "key.dns_resolver: the kernel key retention service needs Linux")
	os.Exit(1)
}
