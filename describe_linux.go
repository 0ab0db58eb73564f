package keyutils

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Describe returns the parsed description of key id (KEYCTL_DESCRIBE). It
// needs view permission; a negative (negated) key can still be described.
func Describe(id ID) (Description, error) {
	raw, err := describeString(id)
	if err != nil {
		return Description{}, err
	}
	d, err := ParseDescription(raw)
	if err != nil {
		return d, newError("describe", rawID(id), err)
	}
	return d, nil
}

// DescribeRaw returns the unparsed description string of key id.
func DescribeRaw(id ID) (string, error) { return describeString(id) }

func describeString(id ID) (string, error) {
	return getStringAlloc(unix.KEYCTL_DESCRIBE, "describe", rawID(id))
}

// DescribeInto writes the description string of key id, without the
// kernel's terminating NUL, into buf and returns its length. It does not
// allocate. If buf is too small (it needs one byte more than the string for
// the NUL) it returns the length needed and an error wrapping
// ErrShortBuffer.
func DescribeInto(id ID, buf []byte) (int, error) {
	return getString(unix.KEYCTL_DESCRIBE, "describe", rawID(id), buf)
}

// getString runs a keyctl operation that returns a NUL-terminated string
// (DESCRIBE, GET_SECURITY): the kernel returns the full size including the
// NUL and copies only when it fits. Both look the key up without waiting
// for its construction, so the call is made without the scheduler's
// bookkeeping (see keyctlNoWait).
func getString(cmd int, op string, id int32, buf []byte) (int, error) {
	r, e := keyctlNoWait(cmd, id32(id), bufPtr(buf), uintptr(len(buf)), 0)
	if e != 0 {
		return 0, newError(op, id, e)
	}
	n := r - 1
	if n < 0 {
		n = 0
	}
	if r > len(buf) {
		return n, newError(op, id, ErrShortBuffer)
	}
	return n, nil
}

// getStringAlloc is getString into a buffer it sizes itself, retrying
// if the string grew between calls.
func getStringAlloc(cmd int, op string, id int32) (string, error) {
	var buf [256]byte
	n, err := getString(cmd, op, id, buf[:])
	if err == nil {
		return string(buf[:n]), nil
	}
	for errors.Is(err, ErrShortBuffer) {
		b := make([]byte, n+1)
		if n, err = getString(cmd, op, id, b); err == nil {
			return string(b[:n]), nil
		}
	}
	return "", err
}

// GetSecurity returns the LSM security label of key id
// (KEYCTL_GET_SECURITY), "" when no LSM labels keys.
func GetSecurity(id ID) (string, error) {
	return getStringAlloc(unix.KEYCTL_GET_SECURITY, "get_security", rawID(id))
}
