//go:build linux

package cli

import (
	"bytes"
	"encoding/hex"
	"io"
	"testing"
)

// FuzzUnhex: keyctl's -x payload decoder never panics, accepts exactly
// hex pairs separated by C whitespace, decodes them as encoding/hex does,
// and fails with one of its two fixed messages, which never echo the
// (secret) input.
func FuzzUnhex(f *testing.F) {
	for _, s := range []string{"", "00", "0a 0B\t\n", "abc", "zz", " 4", "4 4", "ff\v\f\r00", "6162636465666768"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var stderr bytes.Buffer
		c := &ctx{out: newStdout(io.Discard), errw: &stderr}
		out, err := c.unhex(in)
		var compact []byte
		for _, b := range in {
			if !isSpace(b) {
				compact = append(compact, b)
			}
		}
		if err != nil {
			if err != exitFail {
				t.Fatalf("unhex(%q): error %v, want exit status 1", in, err)
			}
			if msg := stderr.String(); msg != "Short hex doublet\n" && msg != "Bad hex doublet\n" {
				t.Fatalf("unhex(%q): stderr %q", in, msg)
			}
			return
		}
		if stderr.Len() != 0 {
			t.Fatalf("unhex(%q) succeeded but wrote %q", in, stderr.String())
		}
		want, derr := hex.DecodeString(string(compact))
		if derr != nil || !bytes.Equal(out, want) {
			t.Fatalf("unhex(%q) = %x, encoding/hex gives %x, %v", in, out, want, derr)
		}
	})
}
