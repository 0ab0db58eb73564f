package gunzip

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// compress returns data gzipped at level, with the header fields of h.
func compress(t testing.TB, data []byte, level int, h *gzip.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	if h != nil {
		w.Header = *h
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// reference decompresses gz with compress/gzip (all members), reading at
// most max+1 bytes of output.
func reference(gz []byte, max int) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, int64(max)+1))
}

// input returns test data of size n and the given kind.
func input(r *rand.Rand, kind string, n int) []byte {
	b := make([]byte, 0, n)
	switch kind {
	case "random":
		for len(b) < n {
			b = append(b, byte(r.Uint32()))
		}
	case "text":
		words := []string{"CONFIG_", "KEYS", "=y\n", "=m\n", "# ", " is not set\n", "the ", "key", "ring", "session", "_", "USER", "request", "\n"}
		for len(b) < n {
			b = append(b, words[r.IntN(len(words))]...)
			if r.IntN(10) == 0 {
				b = strconv.AppendInt(b, r.Int64N(1e6), 10)
			}
		}
	case "runs":
		for len(b) < n {
			c := byte(r.IntN(4))
			for k := r.IntN(600); k > 0; k-- {
				b = append(b, c)
			}
		}
	case "repeats":
		// Random bytes with copies of earlier data at distances up to 32768.
		for len(b) < n {
			if len(b) < 16 || r.IntN(3) == 0 {
				for k := r.IntN(20) + 1; k > 0; k-- {
					b = append(b, byte(r.Uint32()))
				}
				continue
			}
			dist := 1 + r.IntN(min(len(b), 32768))
			if r.IntN(4) == 0 {
				dist = min(len(b), 32768-r.IntN(3))
			}
			from := len(b) - dist
			for k := 3 + r.IntN(300); k > 0; k-- {
				b = append(b, b[from])
				from++
			}
		}
	}
	return b[:n]
}

var levels = []int{flate.HuffmanOnly, flate.NoCompression, flate.BestSpeed, 2, 3, 4, 5, 6, 7, 8, flate.BestCompression}

func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 100, 64 << 10, 1 << 20}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, kind := range []string{"random", "text", "runs", "repeats"} {
		for _, n := range sizes {
			data := input(r, kind, n)
			lv := levels
			if n > 64<<10 {
				// Compressing a MiB at every level takes most of a
				// minute under the race detector; 64 KiB covers the
				// window at every level.
				lv = []int{flate.HuffmanOnly, flate.BestSpeed, flate.DefaultCompression}
			}
			for _, level := range lv {
				gz := compress(t, data, level, nil)
				got, err := Decompress(gz, n)
				if err != nil {
					t.Fatalf("%s/%d/level %d: %v", kind, n, level, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s/%d/level %d: output differs", kind, n, level)
				}
			}
		}
	}
}

func TestMultiMember(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var gz, want []byte
	for i, kind := range []string{"text", "random", "runs", "repeats", "text"} {
		data := input(r, kind, r.IntN(100000))
		if i == 2 {
			data = nil // an empty member
		}
		gz = append(gz, compress(t, data, levels[i%len(levels)], nil)...)
		want = append(want, data...)
		got, err := Decompress(gz, len(want))
		if err != nil {
			t.Fatalf("%d members: %v", i+1, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d members: output differs", i+1)
		}
	}
}

func TestHeaderFields(t *testing.T) {
	data := []byte("CONFIG_KEYS=y\nCONFIG_STATIC_USERMODEHELPER_PATH=\"/sbin/usermode-helper\"\n")
	h := &gzip.Header{Name: "config", Comment: "kernel configuration", Extra: []byte("AB\x04\x00xyzw")}
	gz := compress(t, data, flate.BestCompression, h)
	if gz[3] != flagName|flagComment|flagExtra {
		t.Fatalf("flags %#x", gz[3])
	}
	if got, err := Decompress(gz, 1000); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("got %q, %v", got, err)
	}

	// The same with FHCRC and FTEXT, built by hand.
	end := 10 + 2 + len(h.Extra) + len(h.Name) + 1 + len(h.Comment) + 1
	hc := append([]byte(nil), gz[:end]...)
	hc[3] |= flagHCRC | flagText
	hc = append(hc, 0, 0)
	c := crc32.ChecksumIEEE(hc[:end])
	hc[end], hc[end+1] = byte(c), byte(c>>8)
	hc = append(hc, gz[end:]...)
	want, err := reference(hc, 1000)
	if err != nil || !bytes.Equal(want, data) {
		t.Fatalf("compress/gzip: %q, %v", want, err)
	}
	if got, err := Decompress(hc, 1000); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("with FHCRC: %q, %v", got, err)
	}
	hc[end] ^= 1
	if _, err := Decompress(hc, 1000); !errors.Is(err, errHeaderCRC) {
		t.Fatalf("bad FHCRC: %v", err)
	}
	if _, err := reference(hc, 1000); err == nil {
		t.Fatal("compress/gzip accepts a bad FHCRC")
	}
}

// bitWriter writes DEFLATE bit streams by hand.
type bitWriter struct {
	b  []byte
	nb uint
}

// bits writes the n-bit value v, least significant bit first.
func (w *bitWriter) bits(v uint32, n uint) {
	for i := uint(0); i < n; i++ {
		if w.nb%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v>>i&1) << (w.nb % 8)
		w.nb++
	}
}

// code writes the n-bit Huffman code c, most significant bit first.
func (w *bitWriter) code(c uint32, n uint) {
	for i := n; i > 0; i-- {
		w.bits(c>>(i-1)&1, 1)
	}
}

// member wraps a raw DEFLATE stream that decodes to data in a gzip member.
func member(deflate, data []byte) []byte {
	gz := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	gz = append(gz, deflate...)
	c := crc32.ChecksumIEEE(data)
	n := len(data)
	return append(gz, byte(c), byte(c>>8), byte(c>>16), byte(c>>24), byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
}

// fixedMatch is a final fixed-Huffman block of literal lit (if >= 0)
// then a match of length 3, distance 1.
func fixedMatch(lit int) []byte {
	var w bitWriter
	w.bits(1, 1) // BFINAL
	w.bits(1, 2) // fixed
	if lit >= 0 {
		w.code(uint32(0x30+lit), 8)
	}
	w.code(1, 7) // 257: length 3
	w.code(0, 5) // distance 1
	w.code(0, 7) // end of block
	return w.b
}

func TestErrors(t *testing.T) {
	data := []byte("hello, hello, hello, world\n")
	good := compress(t, data, flate.BestCompression, nil)
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	n := len(good)

	var w bitWriter
	w.bits(1, 1)
	w.bits(2, 2)   // dynamic
	w.bits(0, 5)   // 257 literal/length codes
	w.bits(0, 5)   // 1 distance code
	w.bits(15, 4)  // 19 code length codes
	for range 19 { // all of length 1: over-subscribed
		w.bits(1, 3)
	}
	oversub := w.b
	w = bitWriter{}
	w.bits(1, 1)
	w.bits(2, 2)
	w.bits(0, 5)
	w.bits(0, 5)
	w.bits(0, 4) // 4 code length codes (16, 17, 18, 0): lengths 2, 2, 0, 0
	w.bits(2, 3)
	w.bits(2, 3)
	w.bits(0, 3)
	w.bits(0, 3)
	incomplete := w.b
	w = bitWriter{}
	w.bits(1, 1)
	w.bits(3, 2) // reserved
	w.bits(0, 16)
	reserved := w.b

	tests := []struct {
		name string
		gz   []byte
		max  int
		want error
	}{
		{"empty", nil, 100, errEmpty},
		{"bad magic", mod(func(b []byte) []byte { b[1] = 0x8c; return b }), 100, errMagic},
		{"bad CM", mod(func(b []byte) []byte { b[2] = 7; return b }), 100, errMethod},
		{"reserved flag 0x20", mod(func(b []byte) []byte { b[3] |= 0x20; return b }), 100, errFlags},
		{"reserved flag 0x80", mod(func(b []byte) []byte { b[3] |= 0x80; return b }), 100, errFlags},
		{"flipped CRC", mod(func(b []byte) []byte { b[n-8] ^= 0x10; return b }), 100, errChecksum},
		{"wrong ISIZE", mod(func(b []byte) []byte { b[n-4]++; return b }), 100, errSize},
		{"ISIZE mod 2^32", mod(func(b []byte) []byte { b[n-1] = 1; return b }), 100, errSize},
		{"too large", good, len(data) - 1, ErrTooLarge},
		{"too large, zero", good, 0, ErrTooLarge},
		{"too large, negative", good, -1, ErrTooLarge},
		{"trailing zeros", append(mod(func(b []byte) []byte { return b }), 0, 0, 0, 0), 100, errMagic},
		{"trailing garbage", append(mod(func(b []byte) []byte { return b }), "garbage after the member"...), 100, errMagic},
		{"trailing partial header", append(mod(func(b []byte) []byte { return b }), 0x1f, 0x8b, 8), 100, errTruncated},
		{"distance too far", member(fixedMatch(-1), nil), 100, errDistance},
		{"over-subscribed", member(oversub, nil), 100, errOversub},
		{"incomplete", member(incomplete, nil), 100, errIncomplete},
		{"block type 3", member(reserved, nil), 100, errBlockType},
		{"stored NLEN", member([]byte{1, 5, 0, 0xfa, 0xfe, 'a', 'b', 'c', 'd', 'e'}, []byte("abcde")), 100, errStoredLen},
		{"stored truncated", member([]byte{1, 5, 0, 0xfa, 0xff, 'a', 'b'}, nil)[:17], 100, errTruncated},
	}
	// A member ending in a match whose distance reaches into the member
	// before it.
	first := compress(t, []byte("x"), flate.BestSpeed, nil)
	tests = append(tests, struct {
		name string
		gz   []byte
		max  int
		want error
	}{"distance across members", append(first, member(fixedMatch(-1), []byte("xxx"))...), 100, errDistance})

	for _, tt := range tests {
		got, err := Decompress(tt.gz, tt.max)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %q, %v; want %v", tt.name, got, err, tt.want)
		}
		if err != nil && got != nil {
			t.Errorf("%s: output with error", tt.name)
		}
	}

	// The hand-made streams are right when valid.
	if got, err := Decompress(member(fixedMatch('a'), []byte("aaaa")), 4); err != nil || string(got) != "aaaa" {
		t.Errorf("fixed match: %q, %v", got, err)
	}
	if got, err := Decompress(member([]byte{1, 5, 0, 0xfa, 0xff, 'a', 'b', 'c', 'd', 'e'}, []byte("abcde")), 5); err != nil || string(got) != "abcde" {
		t.Errorf("stored: %q, %v", got, err)
	}
	if got, err := Decompress(good, len(data)); err != nil || !bytes.Equal(got, data) {
		t.Errorf("max == size: %q, %v", got, err)
	}
}

// TestTruncated cuts files at every offset: each prefix must fail cleanly.
func TestTruncated(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	data := input(r, "text", 3000)
	h := &gzip.Header{Name: "n", Comment: "c", Extra: []byte{1, 2, 0, 0}}
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.HuffmanOnly, flate.BestCompression} {
		gz := compress(t, data, level, h)
		first := len(gz) // a whole first member is a valid file
		gz = append(gz, compress(t, data[:100], level, nil)...)
		for i := range len(gz) {
			if i == first {
				continue
			}
			got, err := Decompress(gz[:i], 1<<20)
			if err == nil {
				t.Fatalf("level %d: prefix of %d/%d bytes decompressed to %d bytes", level, i, len(gz), len(got))
			}
		}
	}
}

// TestCorrupt flips bits in valid files: the result must agree with
// compress/gzip.
func TestCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	data := input(r, "repeats", 5000)
	for _, level := range levels {
		gz := compress(t, data, level, nil)
		for range 300 {
			b := append([]byte(nil), gz...)
			for k := 1 + r.IntN(3); k > 0; k-- {
				i := r.IntN(len(b))
				b[i] ^= 1 << r.IntN(8)
			}
			check(t, b, 1<<16)
		}
	}
}

func TestProcConfig(t *testing.T) {
	gz, err := os.ReadFile("/proc/config.gz")
	if err != nil {
		t.Skip("no /proc/config.gz")
	}
	want, err := reference(gz, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decompress(gz, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("output differs from compress/gzip")
	}
	t.Logf("%d bytes -> %d bytes", len(gz), len(got))
}

func TestCRC(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	b := input(r, "random", 1000)
	for _, n := range []int{0, 1, 7, 100, 1000} {
		if got, want := crcUpdate(0, b[:n]), crc32.ChecksumIEEE(b[:n]); got != want {
			t.Errorf("crc32 of %d bytes: %#x, want %#x", n, got, want)
		}
	}
}

func BenchmarkDecompress(b *testing.B) {
	for _, src := range []string{"config", "text200k"} {
		var gz []byte
		if src == "config" {
			var err error
			if gz, err = os.ReadFile("/proc/config.gz"); err != nil {
				continue
			}
		} else {
			gz = compress(b, input(rand.New(rand.NewPCG(11, 12)), "text", 200<<10), flate.DefaultCompression, nil)
		}
		want, _ := reference(gz, 64<<20)
		b.Run(src+"/gunzip", func(b *testing.B) {
			b.SetBytes(int64(len(want)))
			for b.Loop() {
				if _, err := Decompress(gz, 64<<20); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(src+"/compress-gzip", func(b *testing.B) {
			b.SetBytes(int64(len(want)))
			for b.Loop() {
				if _, err := reference(gz, 64<<20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
