//go:build linux

// Command docker-credential-keyctl is a Docker credential helper that keeps
// registry credentials in the kernel's key retention service, in memory,
// readable by the user's processes only. Install it on PATH and set
// "credsStore": "keyctl" in ~/.docker/config.json. It is
// github.com/docker/docker-credential-helpers' credentials.Serve on package
// dockercredential's helper; see there for the storage, the environment
// variables and the defaults, and "docker-credential-keyctl -h".
package main

import (
	"io"
	"os"

	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/keyutils-go/keyutils/dockercredential"
	"github.com/keyutils-go/keyutils/internal/version"
)

func main() {
	// What the version action prints:
	// "docker-credential-keyctl (github.com/keyutils-go/keyutils) 0.1.0".
	credentials.Name = "docker-credential-keyctl"
	credentials.Package = "github.com/keyutils-go/keyutils"
	credentials.Version = version.Version
	if len(os.Args) == 2 && (os.Args[1] == "-h" || os.Args[1] == "--help") {
		// The library's own -h prints only the first line.
		io.WriteString(os.Stdout, dockercredential.Usage)
		os.Exit(0)
	}
	credentials.Serve(dockercredential.FromEnv())
}
