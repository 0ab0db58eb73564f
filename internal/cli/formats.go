//go:build linux

package cli

import (
	"os"
	"strconv"

	"github.com/keyutils-go/keyutils"
)

// creds are the process's effective IDs, which decide which permission
// class of a key applies to it (mask8).
type creds struct {
	loaded bool
	uid    int
	gid    int
	groups []int
}

// credentials returns the effective uid, gid and supplementary groups,
// fetched once per invocation.
func (c *ctx) credentials() *creds {
	if !c.cred.loaded {
		c.cred.uid, c.cred.gid = os.Geteuid(), os.Getegid()
		c.cred.groups, _ = os.Getgroups()
		c.cred.loaded = true
	}
	return &c.cred
}

// mask8 is keyctl's 8-character effective-permission string: "--"
// followed by alswrv for the possessor bits combined with the bits of the
// class (user, group or other) that applies to the caller.
func mask8(cr *creds, perm keyutils.Perm, uid, gid int) string {
	return string(appendMask8(nil, cr, perm, uid, gid))
}

// appendMask8 appends mask8's string to b.
func appendMask8(b []byte, cr *creds, perm keyutils.Perm, uid, gid int) []byte {
	eff := perm.Class(keyutils.Possessor)
	switch {
	case uid == cr.uid:
		eff |= perm.Class(keyutils.User)
	case gid != -1 && (gid == cr.gid || inGroups(cr.groups, gid)):
		eff |= perm.Class(keyutils.Group)
	default:
		eff |= perm.Class(keyutils.Other)
	}
	const letters = "alswrv"
	b = append(b, '-', '-')
	for i := 0; i < 6; i++ {
		if eff&(0x20>>i) != 0 {
			b = append(b, letters[i])
		} else {
			b = append(b, '-')
		}
	}
	return b
}

// appendPadInt appends n as printf's %<width>d does: right-aligned,
// padded with spaces to width columns.
func appendPadInt(b []byte, n int64, width int) []byte {
	var tmp [24]byte
	d := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(d); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, d...)
}

// appendHex8 appends n as printf's 0x%08x does.
func appendHex8(b []byte, n uint32) []byte {
	var tmp [8]byte
	d := strconv.AppendUint(tmp[:0], uint64(n), 16)
	b = append(b, '0', 'x')
	for i := len(d); i < 8; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

func inGroups(groups []int, gid int) bool {
	for _, g := range groups {
		if g == gid {
			return true
		}
	}
	return false
}

// hexDigits are the digits of keyctl's lower-case hex output.
const hexDigits = "0123456789abcdef"

// Payload formatters write byte by byte into w's buffer, which w wipes,
// never through fmt, whose buffers outlive the call unwiped.

// writeHexdump writes data as keyctl read does: %02x per byte, a space
// every 4 bytes, a newline every 32, and a final newline.
func writeHexdump(w *stdout, data []byte) {
	const digits = hexDigits
	for i, b := range data {
		if i > 0 {
			if i%32 == 0 {
				w.WriteByte('\n')
			} else if i%4 == 0 {
				w.WriteByte(' ')
			}
		}
		w.WriteByte(digits[b>>4])
		w.WriteByte(digits[b&15])
	}
	w.WriteByte('\n')
}

// isPrintable reports whether every byte is printable in the C locale
// (0x20..0x7e).
func isPrintable(data []byte) bool {
	for _, b := range data {
		if b < 0x20 || b > 0x7e {
			return false
		}
	}
	return true
}

// writePrint writes data as keyctl print does: the text if printable,
// otherwise ":hex:" and the bytes in hex; then a newline.
func writePrint(w *stdout, data []byte) {
	if isPrintable(data) {
		w.Write(data)
	} else {
		w.WriteString(":hex:")
		for _, b := range data {
			w.WriteByte(hexDigits[b>>4])
			w.WriteByte(hexDigits[b&15])
		}
	}
	w.WriteByte('\n')
}
