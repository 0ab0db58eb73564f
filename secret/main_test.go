//go:build linux

package secret_test

import (
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// TestMain runs the package's tests in a throwaway anonymous session
// keyring (see testutil.Main): the Session anchor of every test, and of
// the programs they start, is private to this test run. Tests of the
// other anchors run their programs as unused uids (testutil.UnusedID),
// whose keyrings nobody else uses, and remove those keyrings afterwards.
func TestMain(m *testing.M) { testutil.Main(m) }
