//go:build linux

package dnsresolver

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"golang.org/x/sys/unix"
)

// Upcall without the authority request-key gives (run by hand): an error
// with the errno, and the key untouched. The kernel path is tested end to
// end by cmd/key.dns_resolver's TestUpcall.
func TestUpcallWithoutAuthority(t *testing.T) {
	ring := testutil.Keyring(t)
	id, err := keyutils.AddKey("user", "dnsresolver-test", []byte("x"), ring)
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{Hosts: &Hosts{}, ResolvConf: DefaultResolvConf()}
	err = r.Upcall(id)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, unix.ENOKEY) || !strings.HasPrefix(e.Msg, "Error: keyctl_assume_authority failed: ") {
		t.Errorf("Upcall: %v", err)
	}
	if got, err := keyutils.Read(id); err != nil || string(got) != "x" {
		t.Errorf("key changed: %q, %v", got, err)
	}
}
