package secret

import (
	"bufio"
	"bytes"
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
)

// kernelKind tells why a key system call failed with ENOSYS or EPERM,
// which the key operations this package uses do not return for other
// reasons: a seccomp filter (container runtimes answer EPERM or ENOSYS
// for add_key and keyctl), or a kernel built without CONFIG_KEYS (ENOSYS).
func kernelKind(err error) (kind error, hint string) {
	var ke *keyutils.Error
	if !errors.As(err, &ke) {
		return nil, ""
	}
	_, statErr := os.Stat("/proc/sys/kernel/keys")
	_, procErr := os.Stat("/proc/self/status")
	return verdict(ke.Errno(), seccompFiltered(), procErr == nil, statErr == nil)
}

// verdict decides kernelKind from the facts: the errno, whether a seccomp
// filter is installed, whether /proc can be read, and whether it has the
// key sysctls (/proc/sys/kernel/keys, present exactly when the kernel has
// CONFIG_KEYS).
func verdict(e unix.Errno, filtered, proc, keys bool) (kind error, hint string) {
	switch e {
	case unix.ENOSYS:
		if proc && !keys {
			return ErrNoKeyrings, hintNoKeyrings
		}
		// The kernel has keyrings (or /proc cannot tell): something
		// between the program and the kernel refused the call.
		return ErrBlocked, hintBlocked
	case unix.EPERM:
		if filtered {
			return ErrBlocked, hintBlocked
		}
	}
	return nil, ""
}

// seccompFiltered reports whether the process runs under a seccomp filter
// ("Seccomp: 2" in /proc/self/status).
func seccompFiltered() bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("Seccomp:")); ok {
			return string(bytes.TrimSpace(v)) == "2"
		}
	}
	return false
}
