//go:build linux

package keyutils_test

import (
	"strconv"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func BenchmarkResolve(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.SessionKeyring.Resolve(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddKey(b *testing.B) {
	ring := testutil.Keyring(b)
	payload := []byte("benchmark payload")
	b.ReportAllocs()
	for b.Loop() {
		// The same description: the key is updated in place, so the
		// quota does not grow.
		if _, err := keyutils.AddKey("user", "bench:add", payload, ring); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	ring := testutil.Keyring(b)
	id := addUser(b, ring, "bench:update", "x")
	payload := []byte("benchmark payload")
	b.ReportAllocs()
	for b.Loop() {
		if err := keyutils.Update(id, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	ring := testutil.Keyring(b)
	id := addUser(b, ring, "bench:read", "benchmark payload")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.Read(id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadInto(b *testing.B) {
	ring := testutil.Keyring(b)
	id := addUser(b, ring, "bench:read", "benchmark payload")
	buf := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.ReadInto(id, buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescribe(b *testing.B) {
	ring := testutil.Keyring(b)
	id := addUser(b, ring, "bench:describe", "x")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.Describe(id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescribeInto(b *testing.B) {
	ring := testutil.Keyring(b)
	id := addUser(b, ring, "bench:describe", "x")
	buf := make([]byte, 256)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.DescribeInto(id, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch searches a keyring of 1000 keys; the keyring is removed
// (cleared and unlinked) when the benchmark ends.
func BenchmarkSearch(b *testing.B) {
	ring := testutil.Keyring(b)
	for i := range 1000 {
		addUser(b, ring, "bench:search:"+strconv.Itoa(i), "x")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.Search(ring, "user", "bench:search:500", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLinkUnlink(b *testing.B) {
	ring := testutil.Keyring(b)
	sub := newRing(b, ring, "bench:sub")
	id := addUser(b, ring, "bench:link", "x")
	b.ReportAllocs()
	for b.Loop() {
		if err := keyutils.Link(id, sub); err != nil {
			b.Fatal(err)
		}
		if err := keyutils.Unlink(id, sub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadKeyringInto(b *testing.B) {
	ring := testutil.Keyring(b)
	for i := range 100 {
		addUser(b, ring, "bench:member:"+strconv.Itoa(i), "x")
	}
	ids := make([]keyutils.Serial, 0, 128)
	buf := make([]byte, 512)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if ids, buf, err = keyutils.ReadKeyringInto(ring, ids, buf); err != nil || len(ids) != 100 {
			b.Fatal(len(ids), err)
		}
	}
}
