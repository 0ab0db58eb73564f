package keyutils

import (
	"errors"
	"strconv"
	"strings"
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
