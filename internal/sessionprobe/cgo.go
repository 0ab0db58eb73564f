//go:build cgoprobe

package main

// Built with -tags cgoprobe (and CGO_ENABLED=1), the probe links cgo's
// runtime, in which syscall.AllThreadsSyscall is unavailable: the tests
// check that JoinProcess then fails with keyutils.ErrCgo.
import _ "runtime/cgo"
