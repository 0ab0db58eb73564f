//go:build linux

package requestkey

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
)

// FuzzExpandMacro: macro expansion of one argument never panics; a
// %{type:desc} argument is exactly the key's payload when that is
// printable and an error otherwise; the payload handed over by the key
// lookup is wiped in both cases; and neither the error nor the debug log
// ever contains the payload.
func FuzzExpandMacro(f *testing.F) {
	f.Add("%{user:k}", []byte("s3cret-payload"), "desc", "callout")
	f.Add("%{user:k}", []byte("s3cret\x01payload"), "desc", "")
	f.Add("%{user:}", []byte("x"), "", "")
	f.Add("%{:k}", []byte("x"), "", "")
	f.Add("%{user:k}x", []byte("x"), "", "")
	f.Add("%{userk}", []byte("x"), "", "")
	f.Add("%{user:k", []byte("x"), "", "")
	f.Add("%", []byte(nil), "", "")
	f.Add("%%d", []byte(nil), "", "")
	f.Add("%c", []byte(nil), "d", "callout")
	f.Add("%z", []byte(nil), "", "")
	f.Add("%zz", []byte(nil), "", "")
	f.Add("plain", []byte(nil), "", "")
	f.Fuzz(func(t *testing.T, tok string, payload []byte, desc, callout string) {
		u := upcall("user", desc, callout)
		var logbuf bytes.Buffer
		log := &Logger{Verbose: 2, Stderr: &logbuf}
		p := append([]byte(nil), payload...)
		var handed []byte
		calls := 0
		ks := func(typ, d string) (keyutils.Serial, []byte, error) {
			calls++
			handed = p
			return 42, p, nil
		}
		arg, fromKey, err := expand(tok, u, log, ks)
		if calls > 1 {
			t.Fatalf("%q: key looked up %d times", tok, calls)
		}
		if len(handed) > 0 && bytes.ContainsFunc(handed, func(r rune) bool { return r != 0 }) {
			t.Fatalf("%q: payload not wiped after expansion: %q", tok, handed)
		}
		secret := string(payload)
		// The payload may legitimately appear where the other inputs hold
		// it; only check recognisable payloads found nowhere else.
		leakCheck := len(secret) >= 4 && !strings.Contains(tok+"\x00"+desc+"\x00"+callout, secret)
		if leakCheck && strings.Contains(logbuf.String(), secret) {
			t.Fatalf("%q: payload %q in the log:\n%s", tok, secret, logbuf.String())
		}
		if err != nil {
			if leakCheck && strings.Contains(err.Error(), secret) {
				t.Fatalf("%q: payload %q in error %v", tok, secret, err)
			}
			if arg != "" || fromKey {
				t.Fatalf("%q: error %v with result %q, %v", tok, err, arg, fromKey)
			}
			return
		}
		if fromKey {
			if calls != 1 || arg != secret {
				t.Fatalf("%q: key argument %q, payload %q (%d lookups)", tok, arg, secret, calls)
			}
			for _, b := range payload {
				if b < 0x20 || b > 0x7e {
					t.Fatalf("%q: non-printable payload %q accepted", tok, payload)
				}
			}
		} else if calls != 0 {
			t.Fatalf("%q: key looked up for a non-key argument", tok)
		}
	})
}
