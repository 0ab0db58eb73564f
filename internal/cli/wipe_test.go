//go:build linux

package cli

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Payload output passes through stdout's buffer only, and the buffer is
// wiped as it is flushed, also in line mode and after a write error.
func TestStdoutWipesBuffer(t *testing.T) {
	secret := []byte("s3cret\x01payload")
	for _, line := range []bool{false, true} {
		var b bytes.Buffer
		w := newStdout(&b)
		w.line = line
		writePrint(w, secret)
		writeHexdump(w, secret)
		w.Write(secret)
		w.WriteByte('\n')
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if !allZero(w.buf) {
			t.Errorf("line=%v: buffer not wiped after Flush: %q", line, w.buf)
		}
		want := ":hex:" + "73336372657401" + "7061796c6f6164" + "\n" +
			"73336372 65740170 61796c6f 6164\n" + string(secret) + "\n"
		if b.String() != want {
			t.Errorf("line=%v: output %q, want %q", line, b.String(), want)
		}
	}

	w := newStdout(failWriter{})
	w.Write(secret)
	if err := w.Flush(); err == nil {
		t.Fatal("Flush to a failing writer succeeded")
	}
	w.close()
	if !allZero(w.buf) {
		t.Errorf("buffer not wiped by close after a write error: %q", w.buf)
	}
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errors.New("broken") }

// recordingReader hands out data in chunks of at most max bytes, then
// fails with err (io.EOF for a clean end), and records every buffer it was
// given.
type recordingReader struct {
	data []byte
	max  int
	err  error
	seen [][]byte
}

func (r *recordingReader) Read(p []byte) (int, error) {
	r.seen = append(r.seen, p)
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p[:min(len(p), r.max)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// The buffers readStdin outgrows are wiped, and everything when reading
// fails.
func TestReadStdinWipes(t *testing.T) {
	data := bytes.Repeat([]byte("k"), 10000)
	r := &recordingReader{data: data, max: 5000, err: io.EOF}
	c := &ctx{in: r, out: newStdout(io.Discard), errw: io.Discard}
	got, err := c.readStdin()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("readStdin = %d bytes, %v", len(got), err)
	}
	// Every buffer read into that is not the result's has been outgrown
	// (two of them: 4 KiB, then 8 KiB, for 10000 bytes).
	sameArray := func(a, b []byte) bool { return &a[:cap(a)][cap(a)-1] == &b[:cap(b)][cap(b)-1] }
	outgrown := 0
	for _, p := range r.seen {
		if !sameArray(p, got) {
			outgrown++
			if !allZero(p) {
				t.Errorf("outgrown buffer of %d bytes not wiped", cap(p))
			}
		}
	}
	if outgrown != 2 {
		t.Errorf("%d reads into outgrown buffers, want 2", outgrown)
	}

	r = &recordingReader{data: []byte("half a secret"), max: 100, err: errors.New("broken")}
	c = &ctx{in: r, out: newStdout(io.Discard), errw: io.Discard}
	if _, err := c.readStdin(); err == nil {
		t.Fatal("readStdin with a failing reader succeeded")
	}
	if !allZero(r.seen[0]) {
		t.Errorf("data read before the error not wiped: %q", r.seen[0])
	}
}

// Hex input is wiped once decoded, and the partial result when it is bad.
func TestPayloadWipesHex(t *testing.T) {
	c := &ctx{out: newStdout(io.Discard), errw: io.Discard}
	in := []byte("7365 6372 6574")
	out, err := c.payload(in, true)
	if err != nil || string(out) != "secret" {
		t.Fatalf("payload = %q, %v", out, err)
	}
	if !allZero(in) {
		t.Errorf("hex text not wiped: %q", in)
	}
	in = []byte("736563zz")
	if _, err := c.payload(in, true); err == nil {
		t.Fatal("bad hex accepted")
	}
	if !allZero(in) {
		t.Errorf("bad hex text not wiped: %q", in)
	}
}
