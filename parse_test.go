package keyutils_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
)

func TestPermString(t *testing.T) {
	tests := []struct {
		p   keyutils.Perm
		s   string
		hex string
	}{
		{0, "------------------------", "00000000"},
		{0x3f010000, "alswrv-----v------------", "3f010000"},
		{0x3f3f3f3f, "alswrvalswrvalswrvalswrv", "3f3f3f3f"},
		{0x1f0b0000, "-lswrv--s-rv------------", "1f0b0000"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.s {
			t.Errorf("%#x.String() = %q, want %q", uint32(tt.p), got, tt.s)
		}
		if got := tt.p.Hex(); got != tt.hex {
			t.Errorf("%#x.Hex() = %q, want %q", uint32(tt.p), got, tt.hex)
		}
		for _, in := range []string{tt.s, "0x" + tt.hex} {
			if got, err := keyutils.ParsePerm(in); err != nil || got != tt.p {
				t.Errorf("ParsePerm(%q) = %#x, %v; want %#x", in, uint32(got), err, uint32(tt.p))
			}
		}
	}
	p := keyutils.PosRead | keyutils.UsrWrite | keyutils.GrpSearch | keyutils.OthLink
	if got := p.String(); got != "----r----w----s----l----" {
		t.Errorf("String() = %q", got)
	}
	if p.Class(keyutils.Group) != keyutils.PermSearch || p.Class(keyutils.Other) != keyutils.PermLink {
		t.Error("Class")
	}
	if got := keyutils.Perm(0).With(keyutils.User, keyutils.PermView|keyutils.PermRead); got != keyutils.UsrView|keyutils.UsrRead {
		t.Errorf("With = %#x", uint32(got))
	}
	if got := keyutils.Perm(0).With(keyutils.Other, 0xff); got != keyutils.OthAll {
		t.Errorf("With(0xff) = %#x, want only the six bits", uint32(got))
	}
	if s := keyutils.PermAll.String(); s != "alswrv" {
		t.Errorf("PermAll.String() = %q", s)
	}
	if s := (keyutils.PermView | keyutils.PermSetattr).String(); s != "a----v" {
		t.Errorf("PermBits.String() = %q", s)
	}
	for _, p := range []keyutils.Perm{keyutils.PosAll, keyutils.UsrAll, keyutils.GrpAll, keyutils.OthAll, 0x3f3f3f3f} {
		if !p.Valid() {
			t.Errorf("%#x.Valid() = false", uint32(p))
		}
	}
}

func TestParsePerm(t *testing.T) {
	good := map[string]keyutils.Perm{
		"0x3f010000":               0x3f010000,
		"0X3F010000":               0x3f010000,
		"037":                      037,
		"42":                       42,
		"0":                        0,
		"0xffffffff":               0xffffffff, // parses; the kernel refuses it
		"alswrv-----v------------": 0x3f010000,
	}
	for in, want := range good {
		if got, err := keyutils.ParsePerm(in); err != nil || got != want {
			t.Errorf("ParsePerm(%q) = %#x, %v; want %#x", in, uint32(got), err, uint32(want))
		}
	}
	for _, in := range []string{"", "x", "0x", "0x100000000", "-1", "alswrv", "vrwsla------------------",
		"alswrv-----v-----------a", "alswrv-----v-----------", " 42", "0x3f01000g"} {
		if p, err := keyutils.ParsePerm(in); err == nil {
			t.Errorf("ParsePerm(%q) = %#x, want an error", in, uint32(p))
		}
	}
}

func TestParseDescription(t *testing.T) {
	tests := []struct {
		raw  string
		want keyutils.Description
		err  bool
	}{
		{"user;0;0;3f010000;foo", keyutils.Description{Type: "user", UID: 0, GID: 0, Perm: 0x3f010000, Description: "foo"}, false},
		{"user;1000;100;3f010000;a;b;c", keyutils.Description{Type: "user", UID: 1000, GID: 100, Perm: 0x3f010000, Description: "a;b;c"}, false},
		{"keyring;0;0;3f030000;", keyutils.Description{Type: "keyring", Perm: 0x3f030000}, false},
		{"user;-1;-1;0;x", keyutils.Description{Type: "user", UID: -1, GID: -1, Description: "x"}, false},
		{"user;4294967295;4294967295;0;x", keyutils.Description{Type: "user", UID: -1, GID: -1, Description: "x"}, false},
		{"", keyutils.Description{UID: -1, GID: -1}, true},
		{"user", keyutils.Description{UID: -1, GID: -1}, true},
		{"user;0;0;3f010000", keyutils.Description{UID: -1, GID: -1}, true},
		{";0;0;3f010000;x", keyutils.Description{UID: -1, GID: -1}, true},
		{"user;x;0;3f010000;x", keyutils.Description{UID: -1, GID: -1}, true},
		{"user;0;0;zz;x", keyutils.Description{UID: -1, GID: -1}, true},
		{"user;0;0;123456789;x", keyutils.Description{UID: -1, GID: -1}, true},
	}
	for _, tt := range tests {
		got, err := keyutils.ParseDescription(tt.raw)
		tt.want.Raw = tt.raw
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDescription(%q) = %+v, %v; want %+v, error %v", tt.raw, got, err, tt.want, tt.err)
		}
		if err != nil && !errors.Is(err, keyutils.ErrBadDescription) {
			t.Errorf("ParseDescription(%q) error %v is not ErrBadDescription", tt.raw, err)
		}
	}
}

func TestParseProcKey(t *testing.T) {
	tests := []struct {
		line string
		want keyutils.ProcKey
	}{
		{"1a9cf52b I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: empty",
			keyutils.ProcKey{Serial: 0x1a9cf52b, Flags: "I------", Usage: 1, Permanent: true, Perm: 0x1f0b0000,
				Type: "keyring", Text: ".builtin_trusted_keys: empty"}},
		{"36349c00 I------     1   2d 1f030000     0 65534 keyring   _persistent.0: empty",
			keyutils.ProcKey{Serial: 0x36349c00, Flags: "I------", Usage: 1, Timeout: 48 * time.Hour, Perm: 0x1f030000,
				GID: 65534, Type: "keyring", Text: "_persistent.0: empty"}},
		{"0000000a I--Q---     2  59s 3f010000  1000  1000 user      a: b: 5",
			keyutils.ProcKey{Serial: 10, Flags: "I--Q---", Usage: 2, Timeout: 59 * time.Second, Perm: 0x3f010000,
				UID: 1000, GID: 1000, Type: "user", Text: "a: b: 5"}},
		{"ffffffff IR-----     1 expd 3f010000     0     0 user      x: 1",
			keyutils.ProcKey{Serial: -1, Flags: "IR-----", Usage: 1, Expired: true, Perm: 0x3f010000,
				Type: "user", Text: "x: 1"}},
		{"00000010 I------     1   3m 3f010000     0     0 asymmetri name: X509.rsa 1234abcd []",
			keyutils.ProcKey{Serial: 16, Flags: "I------", Usage: 1, Timeout: 3 * time.Minute, Perm: 0x3f010000,
				Type: "asymmetri", Text: "name: X509.rsa 1234abcd []"}},
		{"00000010 I------     1   5h 3f010000     0     0 user      x: 1",
			keyutils.ProcKey{Serial: 16, Flags: "I------", Usage: 1, Timeout: 5 * time.Hour, Perm: 0x3f010000, Type: "user", Text: "x: 1"}},
		{"00000010 I------     1   2w 3f010000     0     0 user      x",
			keyutils.ProcKey{Serial: 16, Flags: "I------", Usage: 1, Timeout: 14 * 24 * time.Hour, Perm: 0x3f010000, Type: "user", Text: "x"}},
		{"00000010 I------     1 999999999w 3f010000     0     0 user      x", // saturates
			keyutils.ProcKey{Serial: 16, Flags: "I------", Usage: 1, Timeout: math.MaxInt64, Perm: 0x3f010000, Type: "user", Text: "x"}},
		{"00000010 I------     1 perm 3f010000     0     0 user",
			keyutils.ProcKey{Serial: 16, Flags: "I------", Usage: 1, Permanent: true, Perm: 0x3f010000, Type: "user"}},
	}
	for _, tt := range tests {
		got, err := keyutils.ParseProcKey(tt.line)
		tt.want.Raw = tt.line
		if err != nil || got != tt.want {
			t.Errorf("ParseProcKey(%q) =\n%+v, %v; want\n%+v", tt.line, got, err, tt.want)
		}
	}
	k, _ := keyutils.ParseProcKey(tests[0].line)
	if !k.Has('I') || k.Has('R') || k.Has('-') != true {
		t.Errorf("Has on %q", k.Flags)
	}
	if !k.HasDescription(".builtin_trusted_keys") || k.HasDescription(".builtin") || k.HasDescription(".builtin_trusted_keys: empty!") {
		t.Error("HasDescription")
	}
	bad := []string{
		"", " ", "garbage",
		"1a9cf52b I------     1 perm 1f0b0000     0     0",
		"zzzzzzzz I------     1 perm 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     x perm 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     1 forever 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     1 5 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     1 5y 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     1 s 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     1 -5s 1f0b0000     0     0 keyring x",
		"1a9cf52b I------     1 perm 1f0b000g     0     0 keyring x",
		"1a9cf52b I------     1 perm 1f0b0000     a     0 keyring x",
		"1a9cf52b I------     1 perm 1f0b0000     0     - keyring x",
		"123456789 I------     1 perm 1f0b0000     0     0 keyring x",
	}
	for _, line := range bad {
		if k, err := keyutils.ParseProcKey(line); !errors.Is(err, keyutils.ErrBadProcLine) || k.Raw != line {
			t.Errorf("ParseProcKey(%q) = %+v, %v; want ErrBadProcLine", line, k, err)
		}
	}
}

func TestParseKeyUser(t *testing.T) {
	got, err := keyutils.ParseKeyUser("    0:     9 8/8 3/1000000 40/25000000")
	want := keyutils.KeyUser{UID: 0, Usage: 9, Keys: 8, Instantiated: 8, QuotaKeys: 3, MaxKeys: 1000000, QuotaBytes: 40, MaxBytes: 25000000}
	if err != nil || got != want {
		t.Fatalf("ParseKeyUser = %+v, %v; want %+v", got, err, want)
	}
	got, err = keyutils.ParseKeyUser(" 1000:     1 1/1 1/200 9/20000")
	if err != nil || got.UID != 1000 || got.MaxKeys != 200 || got.MaxBytes != 20000 {
		t.Fatalf("ParseKeyUser(1000) = %+v, %v", got, err)
	}
	for _, line := range []string{"", "0:", "    0:     9 8/8 3/1000000", "    0:     9 8/8 3 40/25000000",
		"    x:     9 8/8 3/1000000 40/25000000", "    0:     9 8/8 3/ 40/25000000", "    0:     9 8/8 3/1000000 40/2x"} {
		if u, err := keyutils.ParseKeyUser(line); !errors.Is(err, keyutils.ErrBadProcLine) || u != (keyutils.KeyUser{}) {
			t.Errorf("ParseKeyUser(%q) = %+v, %v; want ErrBadProcLine", line, u, err)
		}
	}
}
