package dnsresolver

import (
	"errors"
	"strconv"
	"syscall"
)

// HostError is a resolver error as h_errno(3) holds it.
type HostError int

// The resolver errors (netdb.h).
const (
	HostNotFound HostError = 1 // HOST_NOT_FOUND: no such name (NXDOMAIN)
	TryAgain     HostError = 2 // TRY_AGAIN: temporary failure (SERVFAIL, timeout)
	NoRecovery   HostError = 3 // NO_RECOVERY: non-recoverable failure (REFUSED, FORMERR, a bad name)
	NoData       HostError = 4 // NO_DATA: the name has no record of the type
)

// String returns hstrerror(3)'s text.
func (h HostError) String() string {
	switch {
	case h < 0:
		return "Resolver internal error"
	case h == 0:
		return "Resolver Error 0 (no error)"
	case h == HostNotFound:
		return "Unknown host"
	case h == TryAgain:
		return "Host name lookup failure"
	case h == NoRecovery:
		return "Unknown server error"
	case h == NoData:
		return "No address associated with name"
	}
	return "Unknown resolver error"
}

// Linux's errno values, which the kernel's dns_resolver users see,
// whatever system this is built for.
const (
	errENODATA      = syscall.Errno(61)
	errEAGAIN       = syscall.Errno(11)
	errECONNREFUSED = syscall.Errno(111)
)

// Errno returns the (Linux) error a key is rejected with for h, as
// 1.6.3's table maps it: ENODATA for HostNotFound and NoData, EAGAIN for
// TryAgain, ECONNREFUSED otherwise.
func (h HostError) Errno() syscall.Errno {
	switch h {
	case HostNotFound, NoData:
		return errENODATA
	case TryAgain:
		return errEAGAIN
	}
	return errECONNREFUSED
}

// rejectTimeout is how long a key rejected for h stays negative, in
// seconds, as 1.6.3's nsError chooses it.
func (h HostError) rejectTimeout() uint32 {
	switch h {
	case TryAgain:
		return 1
	case 0, NoRecovery:
		return 10
	}
	return 60
}

// gaiError is a getaddrinfo(3) error code (netdb.h, negative in glibc).
type gaiError int

const (
	eaiNoName     gaiError = -2
	eaiAgain      gaiError = -3
	eaiFail       gaiError = -4
	eaiFamily     gaiError = -6
	eaiNoData     gaiError = -5
	eaiAddrFamily gaiError = -9
	eaiSystem     gaiError = -11
)

// String returns gai_strerror(3)'s text.
func (e gaiError) String() string {
	switch e {
	case eaiNoName:
		return "Name or service not known"
	case eaiAgain:
		return "Temporary failure in name resolution"
	case eaiFail:
		return "Non-recoverable failure in name resolution"
	case eaiFamily:
		return "ai_family not supported"
	case eaiNoData:
		return "No address associated with hostname"
	case eaiAddrFamily:
		return "Address family for hostname not supported"
	case eaiSystem:
		return "System error"
	}
	return "Unknown error"
}

// Error is a failure that ends key.dns_resolver with exit status 1 after
// it has negated the key for one second (1.6.3's error()): its message is
// the one 1.6.3 prints, "Error: " included where 1.6.3 has it.
type Error struct {
	Msg string
	Err error // the cause, if any
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// ErrSyntax is wrapped by the errors for key.dns_resolver.conf files that
// do not parse (a *ConfigError).
var ErrSyntax = errors.New("dnsresolver: syntax error")

// ConfigError is a line of key.dns_resolver.conf that does not parse. Its
// message is 1.6.3's: "file:line: key: reason" or "file:line: reason".
type ConfigError struct {
	File   string
	Line   int
	Key    string // the option, "" when the message does not name it
	Reason string // e.g. "Bad value", "Unclosed quotes"
}

func (e *ConfigError) Error() string {
	s := e.File + ":" + strconv.Itoa(e.Line) + ": "
	if e.Key != "" {
		s += e.Key + ": "
	}
	return s + e.Reason
}

func (e *ConfigError) Unwrap() error { return ErrSyntax }
