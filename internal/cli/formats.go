//go:build linux

package cli

import (
	"fmt"
	"os"

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
	eff := perm.Class(keyutils.Possessor)
	switch {
	case uid == cr.uid:
		eff |= perm.Class(keyutils.User)
	case gid != -1 && (gid == cr.gid || inGroups(cr.groups, gid)):
		eff |= perm.Class(keyutils.Group)
	default:
		eff |= perm.Class(keyutils.Other)
	}
	return "--" + eff.String()
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

// keyLine formats the key columns shared by list ("%9d: ") and show.
func keyLine(d keyutils.Description, cr *creds) string {
	return mask8(cr, d.Perm, d.UID, d.GID) + " " + pad5(d.UID) + " " + pad5(d.GID)
}

// pad5 is printf's %5d.
func pad5(n int) string { return fmt.Sprintf("%5d", n) }
