//go:build linux

package keyutils_test

import (
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// TestMain runs the package's tests in a throwaway anonymous session
// keyring (see testutil.Main): every @s below is private to this test run.
func TestMain(m *testing.M) { testutil.Main(m) }
