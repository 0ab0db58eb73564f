//go:build linux

package cli

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// readOnly are the commands FuzzDispatch runs with fuzzed arguments: they
// do not change keys, link keys or exec programs. Any other known name is
// replaced by an unknown one.
var readOnly = map[string]bool{
	"id": true, "describe": true, "rdescribe": true, "list": true, "rlist": true,
	"read": true, "print": true, "pipe": true, "show": true, "security": true,
	"supports": true, "--version": true, "pkey_query": true, "dh_compute": true,
}

func FuzzDispatch(f *testing.F) {
	for _, s := range []string{"", "id @s", "id", "show -x", "show -x -x", "sho", "describe @s",
		"rdescribe @s x", "list 0", "id %user:", "id %:", "id 0x", "id ' 42'", "supports --raw",
		"pkey_query 0 0 a", "read @bad", "print 99999999999999999999", "dh_compute 1 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{"keyctl"}, strings.Split(line, " ")...)
		if line == "" {
			args = args[:1]
		}
		for _, cmd := range commands() {
			if cmd.name == args[1%len(args)] && !readOnly[cmd.name] {
				args[1] = "not-" + args[1]
			}
		}
		if len(args) > 2 && (args[1] == "request" || args[1] == "search") {
			return
		}
		var out, errw bytes.Buffer
		code := Main(args, IO{Stdout: &out, Stderr: &errw, Env: func(string) (string, bool) { return "", false }})
		if code < 0 || code > 3 {
			t.Fatalf("%q: exit status %d", args, code)
		}
		if code == 2 && errw.Len() == 0 {
			t.Fatalf("%q: exit 2 without a message", args)
		}
	})
}

// FuzzParseKeyID checks strtoul against strconv where both apply and that
// the key parser never panics.
func FuzzParseKeyID(f *testing.F) {
	for _, s := range []string{"-3", "4294967293", "18446744073709551613", "99999999999999999999",
		"99999999999", "4294967296", "-0", "", "-4294967293", " 42", "+3", "0x", "08", "0x1g", " ",
		"12abc", "0x7fffffff", "017", "@s", "@aa", "%user:x", "%", "-", "\t\n12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, rest, overflow := strtoul(s, 0)
		if !strings.HasSuffix(s, rest) {
			t.Fatalf("strtoul(%q): rest %q is not a suffix", s, rest)
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil && (len(s) < 2 || s[0] != '0') {
			if rest != "" || overflow || v != u {
				t.Fatalf("strtoul(%q) = %d, %q; strconv says %d", s, v, rest, u)
			}
		}
		if strings.HasPrefix(s, "%") {
			return // would search the keyrings and /proc/keys
		}
		c := &ctx{errw: &bytes.Buffer{}}
		c.key(s)
	})
}

func TestStrtoul(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"-3", -3, true}, {"4294967293", -3, true}, {"18446744073709551613", -3, true},
		{"99999999999999999999", -1, true}, {"99999999999", 1215752191, true},
		{"4294967296", 0, true}, {"-0", 0, true}, {"", 0, true}, {"-4294967293", 3, true},
		{" 42", 42, true}, {"+3", 3, true}, {"0x10", 16, true}, {"010", 8, true},
		{"08", 0, false}, {"0x", 0, false}, {"0x1g", 0, false}, {" ", 0, false}, {"12abc", 0, false},
	} {
		v, ok := parseUlong(tc.in, 0)
		if ok != tc.ok || (ok && int32(uint32(v)) != tc.want) {
			t.Errorf("parseUlong(%q) = %d, %v; want %d, %v", tc.in, int32(uint32(v)), ok, tc.want, tc.ok)
		}
	}
}

// TestWatchFD checks atoi's (int)strtol semantics: saturation at
// LONG_MIN/LONG_MAX before the truncation to int.
func TestWatchFD(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"3", 3}, {" 4x", 4}, {"x", 0}, {"", 0}, {"-1", -1}, {"4294967299", 3}, {"-4294967297", -1},
		{"9223372036854775807", -1}, {"9223372036854775808", -1}, {"9223372036854775811", -1},
		{"99999999999999999999", -1}, {"-9223372036854775808", 0}, {"-9223372036854775809", 0},
		{"-99999999999999999999", 0}, {"-", 0}, {"0x10", 0},
	} {
		if got := watchFD(tc.in); got != tc.want {
			t.Errorf("watchFD(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	var b bytes.Buffer
	w := newTestWriter(&b)
	writeHexdump(w, []byte("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
	writePrint(w, []byte("abc\n"))
	writePrint(w, []byte("plain text"))
	w.Flush()
	want := "61626364 65666768 696a6b6c 6d6e6f70 71727374 75767778 797a3031 32333435\n" +
		"36373839 41424344 45464748 494a4b4c 4d4e4f50 51525354 55565758 595a3031\n" +
		"32333435 36373839\n:hex:6162630a\nplain text\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	cr := &creds{loaded: true, uid: 0, gid: 0}
	for _, tc := range []struct {
		perm     uint32
		uid, gid int
		want     string
	}{
		{0x3f010000, 0, 0, "--alswrv"}, {0x01030507, 0, 0, "------rv"}, {0x3f010000, 5, 5, "--alswrv"},
		{0x01000000 | 0x0700, 5, 0, "-----wrv"}, {0x00000001, 5, 6, "-------v"},
	} {
		if got := mask8(cr, permOf(tc.perm), tc.uid, tc.gid); got != tc.want {
			t.Errorf("mask8(%08x, %d, %d) = %q, want %q", tc.perm, tc.uid, tc.gid, got, tc.want)
		}
	}
}
