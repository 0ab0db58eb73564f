// Package diagnose examines the caller's key environment and says, finding
// by finding, what is wrong and what to do: kernel support and optional
// features, seccomp filters that block the key system calls, which session
// keyring the process has and where it came from, the user keyrings, key
// quotas, persistent keyrings, and request-key (the program the kernel
// runs, and its configuration). keyctl doctor prints its findings.
//
// It changes nothing: no keyring is created, joined or linked (resolving
// @u and @us makes the kernel create the user's keyrings if they do not
// exist yet, which it does for any process of the user that touches keys),
// and the system call probes use arguments the kernel rejects.
package diagnose

import "strings"

// Severity grades a Finding.
type Severity int

const (
	OK      Severity = iota // as it should be
	Note                    // worth knowing, nothing fails
	Warning                 // works, but may surprise or fail soon
	Problem                 // something fails: a call, an upcall, a quota
)

// String returns "ok", "note", "warning" or "problem".
func (s Severity) String() string {
	switch s {
	case OK:
		return "ok"
	case Note:
		return "note"
	case Warning:
		return "warning"
	}
	return "problem"
}

// Finding is one fact about the key environment.
type Finding struct {
	// Check names what was examined: "kernel", "syscalls", "session",
	// "user-keyrings", "quota", "persistent", "request-key",
	// "request-key.conf".
	Check    string
	Severity Severity
	Text     string // what was found
	Fix      string // what to do about it, "" when nothing
}

// Wrong reports whether any finding is a Problem.
func Wrong(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Problem {
			return true
		}
	}
	return false
}

// Options says where Run looks. The zero value examines the running
// system; tests point the paths at prepared directories.
type Options struct {
	// Proc is the procfs mount, "/proc" when empty: self/status,
	// key-users, sys/kernel/keys/* and config.gz are read below it.
	Proc string
	// Etc holds request-key.conf and request-key.d, "/etc" when empty.
	Etc string
	// RequestKey, when set, is the path of the program the kernel runs for
	// request_key upcalls, instead of the one the kernel is configured
	// with (see Run).
	RequestKey string
	// Env looks up environment variables (os.LookupEnv when nil).
	Env func(string) (string, bool)
	// Root is prepended to the paths of files that mark a container
	// (/.dockerenv, /run/.containerenv); "" for the running system.
	Root string
}

func (o *Options) proc(p string) string {
	d := o.Proc
	if d == "" {
		d = "/proc"
	}
	return strings.TrimSuffix(d, "/") + "/" + p
}

func (o *Options) etc() string {
	if o.Etc == "" {
		return "/etc"
	}
	return o.Etc
}
