package gunzip

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"testing"
)

// check compares Decompress with compress/gzip on gz.
func check(t *testing.T, gz []byte, max int) {
	t.Helper()
	want, werr := reference(gz, max)
	got, err := Decompress(gz, max)
	switch {
	case werr == nil && len(want) <= max:
		if err != nil {
			if errors.Is(err, errFlags) {
				return // compress/gzip ignores reserved flag bits
			}
			t.Fatalf("compress/gzip reads %d bytes, Decompress fails: %v", len(want), err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("output differs from compress/gzip (%d and %d bytes)", len(got), len(want))
		}
	case err == nil:
		if werr == nil { // compress/gzip read more than max bytes
			t.Fatalf("Decompress reads %d bytes, compress/gzip reads more than max %d", len(got), max)
		}
		if errors.Is(werr, gzip.ErrHeader) && longString(gz) {
			return // compress/gzip rejects names and comments over 511 bytes
		}
		t.Fatalf("Decompress reads %d bytes, compress/gzip fails: %v", len(got), werr)
	}
}

// longString reports whether a member of the valid gzip file gz has a
// name or comment longer than 511 bytes.
func longString(gz []byte) bool {
	d := decoder{in: gz, max: 1 << 30}
	for d.pos < len(gz) {
		start := d.pos
		if d.header() != nil {
			return false
		}
		flg, p := gz[start+3], start+10
		if flg&flagExtra != 0 {
			p += 2 + int(gz[p]) + int(gz[p+1])<<8
		}
		for _, f := range [2]byte{flagName, flagComment} {
			if flg&f != 0 {
				n := bytes.IndexByte(gz[p:], 0)
				if n > 511 {
					return true
				}
				p += n + 1
			}
		}
		if d.inflate(len(d.out)) != nil {
			return false
		}
		d.pos += 8
	}
	return false
}

func FuzzDecompress(f *testing.F) {
	data := []byte("CONFIG_KEYS=y\nCONFIG_STATIC_USERMODEHELPER=y\nCONFIG_STATIC_USERMODEHELPER_PATH=\"\"\n# CONFIG_KEYS_DEBUG is not set\n")
	for _, level := range levels {
		f.Add(compress(f, data, level, nil))
	}
	f.Add(compress(f, bytes.Repeat([]byte("abcabcab"), 5000), flate.BestSpeed, nil))
	f.Add(compress(f, data, flate.DefaultCompression, &gzip.Header{Name: "config", Comment: "c", Extra: []byte{1, 2, 0, 0}}))
	f.Add(append(compress(f, data[:10], 9, nil), compress(f, nil, 0, nil)...))
	f.Add(member(fixedMatch('a'), []byte("aaaa")))
	f.Add(member([]byte{1, 5, 0, 0xfa, 0xff, 'a', 'b', 'c', 'd', 'e'}, []byte("abcde")))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, gz []byte) {
		check(t, gz, 1<<20)
	})
}

// FuzzInflate compares the DEFLATE decoder with compress/flate on raw
// streams, which random inputs reach more easily than whole gzip files
// (whose CRC must match): both must accept the same streams, with the same
// output and the same end of stream.
func FuzzInflate(f *testing.F) {
	data := []byte("CONFIG_KEYS=y\nCONFIG_STATIC_USERMODEHELPER=y\nCONFIG_STATIC_USERMODEHELPER_PATH=\"\"\n# CONFIG_KEYS_DEBUG is not set\n")
	for _, level := range levels {
		gz := compress(f, data, level, nil)
		f.Add(gz[10 : len(gz)-8])
	}
	f.Add(fixedMatch('a'))
	f.Add(fixedMatch(-1))
	f.Add([]byte{1, 5, 0, 0xfa, 0xff, 'a', 'b', 'c', 'd', 'e'})
	const max = 1 << 20
	f.Fuzz(func(t *testing.T, raw []byte) {
		br := bytes.NewReader(raw)
		want, werr := io.ReadAll(io.LimitReader(flate.NewReader(br), max+1))
		d := decoder{in: raw, max: max}
		err := d.inflate(0)
		switch {
		case werr == nil && len(want) <= max:
			if err != nil {
				t.Fatalf("compress/flate reads %d bytes, inflate fails: %v", len(want), err)
			}
			if !bytes.Equal(d.out, want) {
				t.Fatalf("output differs from compress/flate (%d and %d bytes)", len(d.out), len(want))
			}
			if end := len(raw) - br.Len(); d.pos != end {
				t.Fatalf("stream ends at %d, compress/flate says %d", d.pos, end)
			}
			// And as a gzip member.
			got, err := Decompress(member(raw[:d.pos], want), max)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("as gzip: %d bytes, %v", len(got), err)
			}
		case err == nil:
			t.Fatalf("inflate reads %d bytes, compress/flate: %d bytes, %v", len(d.out), len(want), werr)
		}
	})
}
