module github.com/keyutils-go/keyutils

go 1.24.0

require (
	github.com/docker/docker-credential-helpers v0.9.13
	github.com/rogpeppe/go-internal v1.14.1
	golang.org/x/net v0.50.0
	golang.org/x/sys v0.41.0
)

require golang.org/x/tools v0.26.0 // indirect
