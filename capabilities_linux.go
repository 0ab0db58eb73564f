package keyutils

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Capabilities asks the kernel which optional features of the key service
// it has (KEYCTL_CAPABILITIES). Kernels older than 5.3 lack that operation;
// the library then probes as libkeyutils does, calling each optional
// operation with invalid arguments and taking any answer but EOPNOTSUPP as
// presence, and returns a single byte. The big_key type cannot be probed
// that way and is reported absent.
func Capabilities() (Caps, error) {
	var buf [256]byte
	r, _, e := unix.Syscall(unix.SYS_KEYCTL, unix.KEYCTL_CAPABILITIES, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if e == 0 {
		n := min(int(r), len(buf))
		return append(Caps(nil), buf[:n]...), nil
	}
	if e != unix.EOPNOTSUPP {
		return nil, newError("capabilities", 0, e)
	}
	return probeCapabilities(), nil
}

// probeCapabilities is libkeyutils' emulation of KEYCTL_CAPABILITIES.
func probeCapabilities() Caps {
	var c byte
	probe := func(bit byte, cmd int, a2, a3, a4, a5 uintptr) {
		if _, e := keyctl(cmd, a2, a3, a4, a5); e != unix.EOPNOTSUPP {
			c |= bit
		}
	}
	probe(unix.KEYCTL_CAPS0_PERSISTENT_KEYRINGS, unix.KEYCTL_GET_PERSISTENT, ^uintptr(0), 0, 0, 0)
	probe(unix.KEYCTL_CAPS0_DIFFIE_HELLMAN, unix.KEYCTL_DH_COMPUTE, 0, 0, 0, 0)
	probe(unix.KEYCTL_CAPS0_PUBLIC_KEY, unix.KEYCTL_PKEY_QUERY, 0, 0, 0, 0)
	probe(unix.KEYCTL_CAPS0_INVALIDATE, unix.KEYCTL_INVALIDATE, 0, 0, 0, 0)
	probe(unix.KEYCTL_CAPS0_RESTRICT_KEYRING, unix.KEYCTL_RESTRICT_KEYRING, 0, 0, 0, 0)
	probe(unix.KEYCTL_CAPS0_MOVE, unix.KEYCTL_MOVE, 0, 0, 0, 0)
	return Caps{c}
}
