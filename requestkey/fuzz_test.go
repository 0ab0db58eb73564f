//go:build linux

package requestkey

import (
	"errors"
	"testing"

	"github.com/keyutils-go/keyutils"
)

// FuzzParseConfig: no configuration text makes parsing, matching or macro
// expansion panic, and every error names a file and line or is a no-match.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("create user debug:* * /bin/keyctl negate %k 30 %S\n"), "debug:1", "x")
	f.Add([]byte("create user a*c * |/bin/cat\nnegate * * * /bin/x %{user:k}"), "abc", "y")
	f.Add([]byte("#@timeout 5\n create\ncreate user\ncreate user * * x %"), "d", "")
	f.Fuzz(func(t *testing.T, conf []byte, desc, callout string) {
		c := &Config{}
		if err := c.Parse("f", conf); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "f" || e.Line < 1 {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		_ = c.Check()
		u := upcall("user", desc, callout)
		r, _, err := c.Lookup(u, nil)
		if err != nil {
			return
		}
		noKeys := func(string, string) (keyutils.Serial, []byte, error) { return 0, nil, macroError("no keys") }
		if _, err := r.command(u, nil, noKeys); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "f" || e.Line != r.Line {
				t.Fatalf("bad error %v", err)
			}
		}
	})
}
