//go:build linux

package keyring_test

import (
	"os"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
	"github.com/keyutils-go/keyutils/secret/keyring"
)

// TestMain runs the tests in a throwaway session keyring (testutil.Main)
// with the package's functions using it (EnvAnchor=session), so that they
// never touch the machine's persistent or user keyrings. The default
// anchor is tested in package secret, by processes of an unused uid.
func TestMain(m *testing.M) {
	os.Setenv(keyring.EnvAnchor, "session")
	testutil.Main(m)
}
