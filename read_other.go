//go:build !linux

package keyutils

// Read returns the payload of key id (KEYCTL_READ). On this system it
// fails with ErrUnsupported.
func Read(id ID) ([]byte, error) { return nil, notLinux("read", id) }

// ReadInto reads the payload of key id into buf. On this system it fails
// with ErrUnsupported.
func ReadInto(id ID, buf []byte) (int, error) { return 0, notLinux("read", id) }

// ReadKeyring returns the serials of the keys linked into keyring ring. On
// this system it fails with ErrUnsupported.
func ReadKeyring(ring ID) ([]Serial, error) { return nil, notLinux("read", ring) }

// ReadKeyringInto is ReadKeyring into caller memory. On this system it
// fails with ErrUnsupported, returning ids[:0] and buf.
func ReadKeyringInto(ring ID, ids []Serial, buf []byte) ([]Serial, []byte, error) {
	return ids[:0], buf, notLinux("read", ring)
}

// Wipe overwrites b with zeros. Use it on buffers that held key payloads
// once they are no longer needed.
func Wipe(b []byte) { clear(b) }
