//go:build linux

package keyutils

import (
	"errors"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Description is a key's description as KEYCTL_DESCRIBE reports it, the
// string "type;uid;gid;perm;description", parsed.
type Description struct {
	Type        string // key type, e.g. "user", "keyring"
	UID         int    // owner, -1 if unset
	GID         int    // group, -1 if unset
	Perm        Perm   // permission mask
	Description string // the key's description; may itself contain ';'
	Raw         string // the string as the kernel returned it
}

// ErrBadDescription is returned by ParseDescription for a string that does
// not have the form "type;uid;gid;perm;description".
var ErrBadDescription = errors.New("keyutils: unparsable key description")

// ParseDescription parses the kernel's "type;uid;gid;perm;description"
// string. It splits on the first four ';' only, so a description containing
// ';' is kept whole; fields a future kernel might insert before the
// description are not expected, but any string yields an error rather than
// a panic, and Raw always keeps the input.
func ParseDescription(raw string) (Description, error) {
	d := Description{Raw: raw, UID: -1, GID: -1}
	f0, rest, ok1 := strings.Cut(raw, ";")
	f1, rest, ok2 := strings.Cut(rest, ";")
	f2, rest, ok3 := strings.Cut(rest, ";")
	f3, rest, ok4 := strings.Cut(rest, ";")
	if !ok1 || !ok2 || !ok3 || !ok4 || f0 == "" {
		return d, ErrBadDescription
	}
	uid, err1 := strconv.ParseInt(f1, 10, 64)
	gid, err2 := strconv.ParseInt(f2, 10, 64)
	perm, err3 := strconv.ParseUint(f3, 16, 32)
	if err1 != nil || err2 != nil || err3 != nil {
		return d, ErrBadDescription
	}
	d.Type, d.UID, d.GID, d.Perm, d.Description = f0, int(int32(uid)), int(int32(gid)), Perm(perm), rest
	return d, nil
}

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

// Describer describes keys into a buffer it keeps and reuses, so that a
// walk over many keys (keyctl show, list, purge) makes one KEYCTL_DESCRIBE
// per key and allocates only the strings of the results. The zero value is
// ready to use. A Describer must not be used by several goroutines at once.
type Describer struct{ buf []byte }

// Raw returns the description string of key id. The bytes are in d's
// buffer and valid until the next call.
func (d *Describer) Raw(id ID) ([]byte, error) {
	if d.buf == nil {
		d.buf = make([]byte, 256)
	}
	n, err := DescribeInto(id, d.buf)
	for errors.Is(err, ErrShortBuffer) {
		d.buf = make([]byte, n+1)
		n, err = DescribeInto(id, d.buf)
	}
	if err != nil {
		return nil, err
	}
	return d.buf[:n], nil
}

// Describe returns the parsed description of key id, like the function
// Describe. A string that does not parse gives an error wrapping
// ErrBadDescription.
func (d *Describer) Describe(id ID) (Description, error) {
	raw, err := d.Raw(id)
	if err != nil {
		return Description{}, err
	}
	desc, err := ParseDescription(string(raw))
	if err != nil {
		return desc, newError("describe", rawID(id), err)
	}
	return desc, nil
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
