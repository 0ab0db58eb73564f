package keyutils_test

import (
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
)

// The fuzz targets check that the parsers of strings from the kernel never
// panic, keep the raw input, and agree with the formatters where a round
// trip exists. Plain `go test` runs their seeds.

func FuzzParseDescription(f *testing.F) {
	for _, s := range []string{"user;0;0;3f010000;foo", "keyring;0;0;3f030000;_ses", "user;1;2;0;a;b;c",
		"user;-1;-1;0;", "", ";;;;", "a;b;c;d;e", "user;0;0;3f010000", "user;99999999999999999999;0;0;x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := keyutils.ParseDescription(raw)
		if d.Raw != raw {
			t.Fatalf("Raw = %q, want %q", d.Raw, raw)
		}
		if err != nil {
			return
		}
		if strings.Count(raw, ";") < 4 || d.Type == "" || strings.Contains(d.Type, ";") {
			t.Fatalf("accepted %q as %+v", raw, d)
		}
		if !strings.HasSuffix(raw, ";"+d.Description) {
			t.Fatalf("description %q is not the tail of %q", d.Description, raw)
		}
	})
}

func FuzzParseProcKey(f *testing.F) {
	for _, s := range []string{
		"1a9cf52b I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: empty",
		"36349c00 I------     1   2d 1f030000     0 65534 keyring   _persistent.0: empty",
		"0000000a I--Q---     2  59s 3f010000  1000  1000 user      a: b: 5",
		"ffffffff IR-----     1 expd 3f010000     0     0 user      x: 1",
		"00000010 I------     1   3m 3f010000     0     0 asymmetri name: X509.rsa []",
		"", "1 2 3 4 5 6 7 8", "1 - 1 0s 0 0 0 t", "1 - 1 99999999999w 0 0 0 t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		k, err := keyutils.ParseProcKey(line)
		if k.Raw != line {
			t.Fatalf("Raw = %q, want %q", k.Raw, line)
		}
		if err != nil {
			return
		}
		if k.Timeout < 0 {
			t.Fatalf("negative timeout %v from %q", k.Timeout, line)
		}
		if k.Type == "" || strings.Contains(k.Type, " ") {
			t.Fatalf("bad type %q from %q", k.Type, line)
		}
	})
}

func FuzzParseKeyUser(f *testing.F) {
	for _, s := range []string{"    0:     9 8/8 3/1000000 40/25000000", " 1000:     1 1/1 1/200 9/20000",
		"", "0: 1 1/1 1/1 1/1", ":::: / / /", "0: 1 1/1/1 1/1 1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		u, err := keyutils.ParseKeyUser(line)
		if err != nil && u != (keyutils.KeyUser{}) {
			t.Fatalf("error %v with a non-zero result %+v", err, u)
		}
	})
}

func FuzzParsePerm(f *testing.F) {
	for _, s := range []string{"0x3f010000", "037", "42", "alswrv-----v------------", "------------------------",
		"alswrvalswrvalswrvalswrv", "", "0x", "-1", "vrwsla------------------"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := keyutils.ParsePerm(s)
		if err != nil {
			return
		}
		// Every mask parses back from both of its forms; the string form
		// only shows the defined bits.
		if q, err := keyutils.ParsePerm("0x" + p.Hex()); err != nil || q != p {
			t.Fatalf("Hex round trip of %#x: %#x, %v", uint32(p), uint32(q), err)
		}
		if q, err := keyutils.ParsePerm(p.String()); err != nil || q != p&(keyutils.PosAll|keyutils.UsrAll|keyutils.GrpAll|keyutils.OthAll) {
			t.Fatalf("String round trip of %#x (%q): %#x, %v", uint32(p), p.String(), uint32(q), err)
		}
		if len(p.String()) != 24 || len(p.Hex()) != 8 {
			t.Fatalf("%#x formats as %q, %q", uint32(p), p.String(), p.Hex())
		}
	})
}
