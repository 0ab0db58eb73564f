package gitcredential

import (
	"strings"
)

// An entry of the store is named after its identity, in the form of a URL,
// so that keyctl show and /proc/keys say what it is:
//
//	<protocol>://[<username>@]<host>[/<path>]
//
// "@" is there when the username is (an empty username gives "://@"), "/"
// when the path is (an empty path gives a final "/"). Each part is
// percent-escaped: "%", spaces, control characters, DEL and every byte
// from 0x80 on, and the characters that separate the parts before the
// path (":", "/" and "@" in the protocol, "/" and "@" in the username and
// the host). So a name is printable ASCII on one line, and decodes back to
// exactly the identity it was made of.

const hexDigits = "0123456789ABCDEF"

// escape appends s to b with "%", the bytes outside printable ASCII and
// the bytes of special escaped as %XX.
func escape(b *strings.Builder, s, special string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || c <= ' ' || c >= 0x7f || strings.IndexByte(special, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
}

// entryName returns the name of the entry of identity id, which must have
// a protocol and a host.
func entryName(id *identity) string {
	var b strings.Builder
	escape(&b, id.protocol, ":/@")
	b.WriteString("://")
	if id.hasUsername {
		escape(&b, id.username, "/@")
		b.WriteByte('@')
	}
	escape(&b, id.host, "/@")
	if id.hasPath {
		b.WriteByte('/')
		escape(&b, id.path, "")
	}
	return b.String()
}

// parseEntryName returns the identity an entry name was made of, and false
// for a name entryName does not make.
func parseEntryName(name string) (identity, bool) {
	var id identity
	proto, rest, ok := strings.Cut(name, "://")
	if !ok {
		return id, false
	}
	hostPart, path, hasPath := strings.Cut(rest, "/")
	user, host, hasUser := strings.Cut(hostPart, "@")
	if !hasUser {
		user, host = "", hostPart
	}
	var oks [4]bool
	id.protocol, oks[0] = unescape(proto)
	id.username, oks[1] = unescape(user)
	id.host, oks[2] = unescape(host)
	id.path, oks[3] = unescape(path)
	id.hasProtocol, id.hasHost, id.hasUsername, id.hasPath = true, true, hasUser, hasPath
	if oks != [4]bool{true, true, true, true} || entryName(&id) != name {
		// Not in the canonical form (an escape where none is made,
		// lower-case hex, a byte left unescaped): another program's.
		return identity{}, false
	}
	return id, true
}

// unescape decodes %XX escapes; false if one is malformed.
func unescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		h := strings.IndexByte(hexDigits, s[i+1])
		l := strings.IndexByte(hexDigits, s[i+2])
		if h < 0 || l < 0 {
			return "", false
		}
		b.WriteByte(byte(h<<4 | l))
		i += 2
	}
	return b.String(), true
}
