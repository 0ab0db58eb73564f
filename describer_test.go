//go:build linux

package keyutils_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestDescriber(t *testing.T) {
	ring := testutil.Keyring(t)
	long := strings.Repeat("d", 1000) // longer than the initial buffer
	var d keyutils.Describer
	for _, desc := range []string{"short", long, "a;b;c", "again"} {
		id := addUser(t, ring, desc, "v")
		got, err := d.Describe(id)
		if err != nil {
			t.Fatalf("Describe(%.10q): %v", desc, err)
		}
		if got.Type != "user" || got.Description != desc {
			t.Errorf("Describe = %q %.10q, want user %.10q", got.Type, got.Description, desc)
		}
		raw, err := d.Raw(id)
		if err != nil || string(raw) != got.Raw {
			t.Errorf("Raw = %.20q, %v; want %.20q", raw, err, got.Raw)
		}
	}
	if _, err := d.Describe(keyutils.Serial(2147483000)); !errors.Is(err, keyutils.ErrNotFound) {
		t.Errorf("Describe(missing key): %v, want ErrNotFound", err)
	}
	id := addUser(t, ring, "allocs", "v")
	if n := testing.AllocsPerRun(50, func() { d.Raw(id) }); n != 0 {
		t.Errorf("Describer.Raw allocates %v times per call, want 0", n)
	}
}
