//go:build linux

package cli

import "github.com/keyutils-go/keyutils/internal/syslog"

// Key descriptions are chosen by whoever created the key, possibly another
// user, and reach the terminal of whoever lists them. So that a
// description cannot drive the terminal (retitle it, clear it, move the
// cursor and overwrite lines, hide text, answer back), keyctl escapes the
// key-derived text it prints when the output is a terminal: types,
// descriptions (describe, rdescribe, list, show) and security labels on
// standard output, and, in diagnostics on standard error, the arguments
// echoed back ("Can't find 'user:<desc>'", "Unparsable key: '<arg>'").
// When the output is not a terminal (a pipe, a file) the bytes are the
// kernel's, as with keyutils 1.6.3, so scripts see exactly what they did.
//
// Payloads are not escaped: print shows only printable ASCII and hex,
// read hex, and pipe (like the pkey commands' results) writes the payload
// itself, which is what it is for.

// keyText is key-derived text (a type, a description, a security label)
// as keyctl prints it on standard output: escaped (syslog.Escape, the form
// request-key and key.dns_resolver log) when that is a terminal, unchanged
// otherwise.
func (c *ctx) keyText(s string) string {
	if !c.out.line {
		return s
	}
	return syslog.Escape(s)
}
