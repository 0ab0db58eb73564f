//go:build linux

package keyutils

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Caps is the capability bitmap of KEYCTL_CAPABILITIES: byte 0 holds the
// KEYCTL_CAPS0_* bits, byte 1 the KEYCTL_CAPS1_* bits. Its length is what
// the kernel reported (1 when the library had to probe).
type Caps []byte

// Capability is one feature the kernel's key service may have: a byte
// index and a bit within it.
type Capability uint16

// The capabilities, in keyctl supports' order.
const (
	CapCapabilities       Capability = 0<<8 | unix.KEYCTL_CAPS0_CAPABILITIES
	CapPersistentKeyrings Capability = 0<<8 | unix.KEYCTL_CAPS0_PERSISTENT_KEYRINGS
	CapDHCompute          Capability = 0<<8 | unix.KEYCTL_CAPS0_DIFFIE_HELLMAN
	CapPublicKey          Capability = 0<<8 | unix.KEYCTL_CAPS0_PUBLIC_KEY
	CapBigKey             Capability = 0<<8 | unix.KEYCTL_CAPS0_BIG_KEY
	CapInvalidate         Capability = 0<<8 | unix.KEYCTL_CAPS0_INVALIDATE
	CapRestrictKeyring    Capability = 0<<8 | unix.KEYCTL_CAPS0_RESTRICT_KEYRING
	CapMove               Capability = 0<<8 | unix.KEYCTL_CAPS0_MOVE
	CapNSKeyringName      Capability = 1<<8 | unix.KEYCTL_CAPS1_NS_KEYRING_NAME
	CapNSKeyTag           Capability = 1<<8 | unix.KEYCTL_CAPS1_NS_KEY_TAG
	CapNotify             Capability = 1<<8 | unix.KEYCTL_CAPS1_NOTIFICATIONS
)

// AllCapabilities returns every Capability, in the order keyctl supports
// lists them.
func AllCapabilities() []Capability {
	return []Capability{CapCapabilities, CapPersistentKeyrings, CapDHCompute,
		CapPublicKey, CapBigKey, CapInvalidate, CapRestrictKeyring, CapMove,
		CapNSKeyringName, CapNSKeyTag, CapNotify}
}

// String returns keyctl's name for c, as in "keyctl supports <name>".
func (c Capability) String() string {
	switch c {
	case CapCapabilities:
		return "capabilities"
	case CapPersistentKeyrings:
		return "persistent_keyrings"
	case CapDHCompute:
		return "dh_compute"
	case CapPublicKey:
		return "public_key"
	case CapBigKey:
		return "big_key_type"
	case CapInvalidate:
		return "key_invalidate"
	case CapRestrictKeyring:
		return "restrict_keyring"
	case CapMove:
		return "move_key"
	case CapNSKeyringName:
		return "ns_keyring_name"
	case CapNSKeyTag:
		return "ns_key_tag"
	case CapNotify:
		return "notify"
	}
	return "unknown"
}

// ParseCapability returns the Capability keyctl calls name.
func ParseCapability(name string) (Capability, bool) {
	for _, c := range AllCapabilities() {
		if c.String() == name {
			return c, true
		}
	}
	return 0, false
}

// Has reports whether the kernel has capability c.
func (cs Caps) Has(c Capability) bool {
	i := int(c >> 8)
	return i < len(cs) && cs[i]&byte(c) != 0
}

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
