//go:build linux

package dnsresolver

import (
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }
