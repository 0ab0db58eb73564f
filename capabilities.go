package keyutils

// Caps is the capability bitmap of KEYCTL_CAPABILITIES: byte 0 holds the
// KEYCTL_CAPS0_* bits, byte 1 the KEYCTL_CAPS1_* bits. Its length is what
// the kernel reported (1 when the library had to probe).
type Caps []byte

// Capability is one feature the kernel's key service may have: a byte
// index and a bit within it.
type Capability uint16

// The capabilities, in keyctl supports' order.
const (
	CapCapabilities       Capability = 0<<8 | 0x01
	CapPersistentKeyrings Capability = 0<<8 | 0x02
	CapDHCompute          Capability = 0<<8 | 0x04
	CapPublicKey          Capability = 0<<8 | 0x08
	CapBigKey             Capability = 0<<8 | 0x10
	CapInvalidate         Capability = 0<<8 | 0x20
	CapRestrictKeyring    Capability = 0<<8 | 0x40
	CapMove               Capability = 0<<8 | 0x80
	CapNSKeyringName      Capability = 1<<8 | 0x01
	CapNSKeyTag           Capability = 1<<8 | 0x02
	CapNotify             Capability = 1<<8 | 0x04
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
