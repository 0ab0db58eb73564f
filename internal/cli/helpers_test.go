package cli

import (
	"bufio"
	"io"

	"github.com/keyutils-go/keyutils"
)

func newTestWriter(w io.Writer) *bufio.Writer { return bufio.NewWriter(w) }

func permOf(p uint32) keyutils.Perm { return keyutils.Perm(p) }
