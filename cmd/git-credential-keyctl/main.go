//go:build linux

// Command git-credential-keyctl is a git credential helper that keeps
// credentials in the kernel's key retention service, for the login session
// and at most --timeout seconds (900 by default), like git's
// credential-cache but without a daemon. Install it on PATH and configure
// git with
//
//	git config --global credential.helper 'keyctl --timeout 900'
//
// See package gitcredential for the protocol, the matching rules and the
// options, and "git-credential-keyctl -h".
package main

import (
	"os"

	"github.com/keyutils-go/keyutils/gitcredential"
)

func main() {
	os.Exit(gitcredential.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
