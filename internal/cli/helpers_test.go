//go:build linux

package cli

import (
	"io"

	"github.com/keyutils-go/keyutils"
)

func newTestWriter(w io.Writer) *stdout { return newStdout(w) }

func permOf(p uint32) keyutils.Perm { return keyutils.Perm(p) }
