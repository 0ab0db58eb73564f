package gitcredential

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/keyutils-go/keyutils"
)

// maxInput bounds a credential description read from git: far more than
// git sends (a few short attributes and the WWW-Authenticate headers of
// one response).
const maxInput = 1 << 20

// An identity is what identifies a stored credential: protocol, host,
// path and username, each of which may be absent (has* false), which git
// tells from empty ("host=" for a URL without a host).
type identity struct {
	protocol, host, path, username             string
	hasProtocol, hasHost, hasPath, hasUsername bool
}

// matches reports whether a stored credential of identity have answers a
// request for want, as git's credential_match does: every attribute want
// has must be present in have with the same value; an attribute want
// lacks matches anything.
func (want *identity) matches(have *identity) bool {
	check := func(wok bool, w string, hok bool, h string) bool { return !wok || hok && w == h }
	return check(want.hasProtocol, want.protocol, have.hasProtocol, have.protocol) &&
		check(want.hasHost, want.host, have.hasHost, have.host) &&
		check(want.hasPath, want.path, have.hasPath, have.path) &&
		check(want.hasUsername, want.username, have.hasUsername, have.username)
}

// A description is a credential description as git's credential helper
// protocol carries it (git-credential(1), "INPUT/OUTPUT FORMAT"): the
// identity, and the secrets and their metadata. The secret fields share the
// memory of the buffer the description was read into, which wipe clears.
type description struct {
	identity
	password           []byte
	hasPassword        bool
	expiry             int64 // password_expiry_utc, Unix seconds; 0: none
	oauthRefreshToken  []byte
	hasOAuth           bool
	authtype           string
	hasAuthtype        bool
	credential         []byte
	hasCredential      bool
	ephemeral          bool
	capabilityAuthtype bool // capability[]=authtype: the sender understands authtype, credential, ephemeral

	buf   []byte   // what was read; wiped by wipe
	extra [][]byte // secrets decoded into memory of their own; wiped by wipe
}

// wipe clears the memory that the secrets were read into.
func (d *description) wipe() {
	keyutils.Wipe(d.buf)
	for _, b := range d.extra {
		keyutils.Wipe(b)
	}
	d.buf, d.extra, d.password, d.oauthRefreshToken, d.credential = nil, nil, nil, nil, nil
}

// errInput is a malformed description. Its messages never quote the input:
// a line that is not an attribute may be a secret typed in the wrong form.
var errInput = errors.New("invalid credential description")

// readInput reads a description from r up to its end: a blank line or the
// end of the input. It reads no further than the blank line, so that a
// caller that keeps the pipe open waiting for the answer is answered.
func readInput(r io.Reader) ([]byte, error) {
	buf := make([]byte, 0, 4096)
	lineStart := 0
	for {
		// Does a line read end the description?
		for {
			i := bytes.IndexByte(buf[lineStart:], '\n')
			if i < 0 {
				break
			}
			if line := buf[lineStart : lineStart+i]; len(line) == 0 || string(line) == "\r" {
				return buf, nil // parse stops at the blank line
			}
			lineStart += i + 1
		}
		if len(buf) == cap(buf) {
			if len(buf) >= maxInput {
				keyutils.Wipe(buf)
				return nil, fmt.Errorf("%w: longer than %d bytes", errInput, maxInput)
			}
			grown := make([]byte, len(buf), 2*cap(buf))
			copy(grown, buf)
			keyutils.Wipe(buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			keyutils.Wipe(buf)
			return nil, err
		}
	}
}

// parse reads a description from r as git's credential_read does: one
// "key=value" attribute a line (a final "\r" is dropped, a line ends at a
// NUL byte as in C), up to a blank line or the end of the input; a later
// attribute of the same key replaces the earlier one, "url" sets the parts
// of a URL after clearing what was read before (git's credential_from_url),
// and unknown attributes are ignored. A line without "=" is an error.
func parse(r io.Reader) (*description, error) {
	buf, err := readInput(r)
	if err != nil {
		return nil, err
	}
	return parseBytes(buf)
}

// parseBytes parses the description in buf, which it takes over: the
// description's wipe clears it.
func parseBytes(buf []byte) (*description, error) {
	d := &description{buf: buf}
	rest := buf
	for n := 1; len(rest) > 0; n++ {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if i := bytes.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		if len(line) == 0 {
			break
		}
		key, value, ok := bytes.Cut(line, []byte("="))
		if !ok {
			d.wipe()
			return nil, fmt.Errorf("%w: line %d is not key=value", errInput, n)
		}
		if err := d.set(string(key), value); err != nil {
			d.wipe()
			return nil, fmt.Errorf("%w: line %d: %v", errInput, n, err)
		}
	}
	return d, nil
}

// set records attribute key. Secrets keep sharing value's memory.
func (d *description) set(key string, value []byte) error {
	switch key {
	case "protocol":
		d.protocol, d.hasProtocol = string(value), true
	case "host":
		d.host, d.hasHost = string(value), true
	case "path":
		d.path, d.hasPath = string(value), true
	case "username":
		d.username, d.hasUsername = string(value), true
	case "password":
		d.password, d.hasPassword = value, true
	case "password_expiry_utc":
		d.expiry = parseExpiry(value)
	case "oauth_refresh_token":
		d.oauthRefreshToken, d.hasOAuth = value, true
	case "authtype":
		d.authtype, d.hasAuthtype = string(value), true
	case "credential":
		d.credential, d.hasCredential = value, true
	case "ephemeral":
		d.ephemeral = parseBool(string(value))
	case "capability[]":
		if string(value) == "authtype" {
			d.capabilityAuthtype = true
		}
	case "url":
		return d.setURL(value)
	}
	// Anything else (wwwauth[], state[], continue, quit, attributes of
	// later gits) is ignored, as git-credential(1) says.
	return nil
}

// parseExpiry reads password_expiry_utc as git does (parse_timestamp):
// the leading decimal digits; none, 0 or an overflow mean no expiry.
func parseExpiry(v []byte) int64 {
	v = bytes.TrimLeft(v, " \t\n\v\f\r")
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			break
		}
		if n > (1<<63-1-int64(c-'0'))/10 {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// parseBool reads a boolean attribute (ephemeral) as git's config does:
// true, yes, on or a non-zero number are true; false, no, off, 0 and the
// empty string are false. Anything else, which git refuses, is taken as
// true: for ephemeral, that errs on the side of not storing.
func parseBool(v string) bool {
	switch strings.ToLower(v) {
	case "false", "no", "off", "0", "":
		return false
	}
	return true
}

// setURL sets the identity, username and password from a URL, as git's
// credential_from_url does: "proto://[user[:pass]@]host[/path]", with
// percent-escapes decoded, the path's leading and trailing slashes
// trimmed, and everything read before cleared.
func (d *description) setURL(u []byte) error {
	// u may hold a password: only the other parts become strings.
	protoEnd := bytes.Index(u, []byte("://"))
	if protoEnd <= 0 {
		return errors.New("url has no scheme")
	}
	*d = description{buf: d.buf, extra: d.extra, capabilityAuthtype: d.capabilityAuthtype}
	d.protocol, d.hasProtocol = string(u[:protoEnd]), true
	cp := u[protoEnd+3:]
	slash := bytes.IndexAny(cp, "/?#")
	if slash < 0 {
		slash = len(cp)
	}
	host := cp
	if at := bytes.IndexByte(cp, '@'); at >= 0 && at < slash {
		userinfo := cp[:at]
		host = cp[at+1:]
		slash -= at + 1
		user, pass, hasPass := bytes.Cut(userinfo, []byte(":"))
		d.username, d.hasUsername = string(urlDecode(user)), true
		if hasPass {
			// Decoded into memory of its own, which wipe clears
			// (the URL itself is in d.buf).
			p := urlDecode(pass)
			d.extra = append(d.extra, p)
			d.password, d.hasPassword = p, true
		}
	}
	d.host, d.hasHost = string(urlDecode(host[:slash])), true
	if path := bytes.TrimLeft(host[slash:], "/"); len(path) > 0 {
		path = urlDecode(path)
		for len(path) > 1 && path[len(path)-1] == '/' {
			path = path[:len(path)-1]
		}
		d.path, d.hasPath = string(path), true
	}
	for _, part := range []string{d.protocol, d.host, d.path, d.username} {
		if strings.IndexByte(part, '\n') >= 0 {
			return errors.New("url has a newline in a component")
		}
	}
	if bytes.IndexByte(d.password, '\n') >= 0 {
		return errors.New("url has a newline in a component")
	}
	return nil
}

// urlDecode returns s with its %XX escapes decoded, in new memory;
// malformed escapes are left as they are (git's url_decode).
func urlDecode(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok := unhex(s[i+1]); ok {
				if l, ok := unhex(s[i+2]); ok {
					out = append(out, h<<4|l)
					i += 2
					continue
				}
			}
		}
		out = append(out, s[i])
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
