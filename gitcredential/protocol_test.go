package gitcredential

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	type want struct {
		id         identity
		password   string
		hasPass    bool
		expiry     int64
		oauth      string
		authtype   string
		credential string
		ephemeral  bool
		capAuth    bool
	}
	tests := []struct {
		in   string
		want want
	}{
		{"protocol=https\nhost=example.com\n\n", want{id: identity{protocol: "https", host: "example.com", hasProtocol: true, hasHost: true}}},
		// End of input without a blank line; CRLF; empty values are
		// present, not absent.
		{"protocol=https\r\nhost=\r\npath=\r\nusername=", want{id: identity{protocol: "https", hasProtocol: true, hasHost: true, hasPath: true, hasUsername: true}}},
		// A later value replaces the earlier one; "=" in values.
		{"username=a\nusername=b\npassword=x=y\n\n", want{id: identity{username: "b", hasUsername: true}, password: "x=y", hasPass: true}},
		// Nothing after the blank line counts.
		{"host=a\n\nhost=b\n", want{id: identity{host: "a", hasHost: true}}},
		{"\nhost=b\n", want{}},
		{"\r\nhost=b\n", want{}},
		// A NUL ends the line, as in C.
		{"host=a\x00b\n\n", want{id: identity{host: "a", hasHost: true}}},
		// Unknown attributes, and those of later gits that the helper
		// does not use, are ignored.
		{"protocol=https\nwwwauth[]=Basic realm=\"x\"\nstate[]=other:1\ncontinue=1\nquit=1\nfuture=x\nhost=h\n\n",
			want{id: identity{protocol: "https", host: "h", hasProtocol: true, hasHost: true}}},
		{"password_expiry_utc=1700000000\noauth_refresh_token=rt\n", want{expiry: 1700000000, oauth: "rt"}},
		{"password_expiry_utc= 12abc\n", want{expiry: 12}},
		{"password_expiry_utc=0\n", want{}},
		{"password_expiry_utc=-5\n", want{}},
		{"password_expiry_utc=99999999999999999999\n", want{}},
		{"password_expiry_utc=\n", want{}},
		{"capability[]=authtype\ncapability[]=state\nauthtype=Bearer\ncredential=tok\nephemeral=true\n",
			want{authtype: "Bearer", credential: "tok", ephemeral: true, capAuth: true}},
		{"ephemeral=0\n", want{}},
		{"ephemeral=maybe\n", want{ephemeral: true}},
		// url sets the parts, after clearing what came before.
		{"path=x\nusername=old\nurl=https://bob:p%40ss@example.com:8080/org/repo.git/\n",
			want{id: identity{protocol: "https", host: "example.com:8080", path: "org/repo.git", username: "bob", hasProtocol: true, hasHost: true, hasPath: true, hasUsername: true}, password: "p@ss", hasPass: true}},
		{"url=cert:///etc/cert.pem\n", want{id: identity{protocol: "cert", path: "etc/cert.pem", hasProtocol: true, hasHost: true, hasPath: true}}},
		{"url=https://example.com\nusername=a%40b\n", want{id: identity{protocol: "https", host: "example.com", username: "a%40b", hasProtocol: true, hasHost: true, hasUsername: true}}},
		{"url=https://example.com/?q#f\n", want{id: identity{protocol: "https", host: "example.com", path: "?q#f", hasProtocol: true, hasHost: true, hasPath: true}}},
		{"url=https://h%2Fx@example.com/a%20b\n", want{id: identity{protocol: "https", host: "example.com", path: "a b", username: "h/x", hasProtocol: true, hasHost: true, hasPath: true, hasUsername: true}}},
	}
	for _, tt := range tests {
		d, err := parse(strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("parse(%q): %v", tt.in, err)
			continue
		}
		got := want{d.identity, string(d.password), d.hasPassword, d.expiry, string(d.oauthRefreshToken), d.authtype, string(d.credential), d.ephemeral, d.capabilityAuthtype}
		if got != tt.want {
			t.Errorf("parse(%q) =\n%+v; want\n%+v", tt.in, got, tt.want)
		}
		d.wipe()
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"protocol=https\nnot an attribute s3cret\n",
		"password:s3cret\n",
		"url=example.com/s3cret\n",
		"url=https://u:s3cret%0A@example.com\n",
		"url=https://example.com/%0as3cret\n",
	} {
		_, err := parse(strings.NewReader(in))
		if !errors.Is(err, errInput) {
			t.Errorf("parse(%q): %v; want errInput", in, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("parse(%q): %q repeats the input", in, err)
		}
	}
	// Too long.
	_, err := parse(io.MultiReader(strings.NewReader("password="), bytes.NewReader(bytes.Repeat([]byte("x"), maxInput+1))))
	if !errors.Is(err, errInput) || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("parse of %d bytes: %v", maxInput+10, err)
	}
}

// readInput stops at the blank line: a caller that keeps its end of the
// pipe open is answered.
func TestReadStopsAtBlankLine(t *testing.T) {
	r, w := io.Pipe()
	done := make(chan *description)
	go func() {
		d, err := parse(r)
		if err != nil {
			t.Error(err)
		}
		done <- d
	}()
	io.WriteString(w, "protocol=https\n")
	io.WriteString(w, "host=example.com\n\n")
	d := <-done // with w still open
	if d.host != "example.com" {
		t.Errorf("host %q", d.host)
	}
	w.Close()
}

// wipe clears the secrets read.
func TestWipe(t *testing.T) {
	d, err := parse(strings.NewReader("password=s3cret\noauth_refresh_token=rt\nurl=https://u:p4ss@h\n"))
	if err != nil {
		t.Fatal(err)
	}
	buf, extra := d.buf, d.extra
	d.wipe()
	if bytes.Contains(buf, []byte("s3cret")) || len(extra) != 1 || bytes.Contains(extra[0], []byte("p4ss")) {
		t.Errorf("after wipe: %q, %q", buf, extra)
	}
}

func TestMatches(t *testing.T) {
	full := identity{protocol: "https", host: "h", path: "p", username: "u", hasProtocol: true, hasHost: true, hasPath: true, hasUsername: true}
	noPath := identity{protocol: "https", host: "h", username: "u", hasProtocol: true, hasHost: true, hasUsername: true}
	noUser := identity{protocol: "https", host: "h", hasProtocol: true, hasHost: true}
	emptyUser := identity{protocol: "https", host: "h", hasProtocol: true, hasHost: true, hasUsername: true}
	tests := []struct {
		want, have identity
		ok         bool
	}{
		{identity{}, full, true},
		{noUser, full, true},
		{noUser, noPath, true},
		{noPath, full, true},       // a request without a path: any path
		{full, noPath, false},      // with a path: not a credential without one
		{noPath, noUser, false},    // with a username: not a credential without one
		{emptyUser, noUser, false}, // "username=" is not absent
		{noUser, emptyUser, true},
		{emptyUser, emptyUser, true},
		{identity{protocol: "http", hasProtocol: true}, full, false},
		{identity{host: "H", hasHost: true}, full, false},
		{identity{username: "U", hasUsername: true}, full, false},
		{identity{path: "p", hasPath: true}, full, true},
	}
	for _, tt := range tests {
		if got := tt.want.matches(&tt.have); got != tt.ok {
			t.Errorf("%+v matches %+v = %v, want %v", tt.want, tt.have, got, tt.ok)
		}
	}
}

func TestEntryName(t *testing.T) {
	tests := []struct {
		id   identity
		name string
	}{
		{identity{protocol: "https", host: "example.com", hasProtocol: true, hasHost: true}, "https://example.com"},
		{identity{protocol: "https", host: "example.com:8080", username: "alice", path: "org/repo.git", hasProtocol: true, hasHost: true, hasUsername: true, hasPath: true},
			"https://alice@example.com:8080/org/repo.git"},
		{identity{protocol: "https", host: "h", hasProtocol: true, hasHost: true, hasUsername: true, hasPath: true}, "https://@h/"},
		{identity{protocol: "cert", path: "etc/c.pem", hasProtocol: true, hasHost: true, hasPath: true}, "cert:///etc/c.pem"},
		{identity{protocol: "a:b/c@d", host: "h@x/y", username: "u@v/w:z", path: "p q/%/\x1b\n\u00e9", hasProtocol: true, hasHost: true, hasUsername: true, hasPath: true},
			"a%3Ab%2Fc%40d://u%40v%2Fw:z@h%40x%2Fy/p%20q/%25/%1B%0A%C3%A9"},
	}
	for _, tt := range tests {
		if got := entryName(&tt.id); got != tt.name {
			t.Errorf("entryName(%+v) = %q, want %q", tt.id, got, tt.name)
		}
		if id, ok := parseEntryName(tt.name); !ok || id != tt.id {
			t.Errorf("parseEntryName(%q) = %+v, %v; want %+v", tt.name, id, ok, tt.id)
		}
	}
	for _, name := range []string{"", "https:/h", "https://h%2", "https://h%zz", "https://h%2f", "https://h%41", "https://a b", "x", "https://u@v@h"} {
		if id, ok := parseEntryName(name); ok {
			t.Errorf("parseEntryName(%q) = %+v; want not one of ours", name, id)
		}
	}
}

// Every identity has a name of printable ASCII that decodes back to it.
func FuzzEntryName(f *testing.F) {
	f.Add("https", "example.com", "org/repo.git", "alice", true, true)
	f.Add("a:b", "h@/", "", "", false, true)
	f.Add("", "", "/", "@", true, false)
	f.Fuzz(func(t *testing.T, protocol, host, path, username string, hasPath, hasUsername bool) {
		id := identity{protocol: protocol, host: host, path: path, username: username, hasProtocol: true, hasHost: true, hasPath: hasPath, hasUsername: hasUsername}
		if !hasPath {
			id.path = ""
		}
		if !hasUsername {
			id.username = ""
		}
		name := entryName(&id)
		for i := 0; i < len(name); i++ {
			if name[i] <= ' ' || name[i] >= 0x7f {
				t.Fatalf("entryName(%+v) = %q: byte %#x", id, name, name[i])
			}
		}
		got, ok := parseEntryName(name)
		if !ok || got != id {
			t.Fatalf("parseEntryName(entryName(%+v)) = %+v, %v", id, got, ok)
		}
	})
}

// Any input parses or fails without repeating what is after the key of a
// line, and without a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("protocol=https\nhost=example.com\nusername=a\npassword=b\n\n"))
	f.Add([]byte("url=https://u:p@h/x\n"))
	f.Add([]byte("garbage\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := parse(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, errInput) {
				t.Fatalf("parse(%q): %v, not errInput", in, err)
			}
			return
		}
		d.wipe()
	})
}
