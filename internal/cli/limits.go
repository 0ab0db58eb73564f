//go:build linux

package cli

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

// This file holds "keyctl --test", the kernel limit tests. Their output is
// unbuffered in the C tool, so every mark is flushed.

// maxTestFailures is how many failures the tests tolerate before aborting.
const maxTestFailures = 20

// testCommands is the --test sub-command table.
func testCommands() []command {
	return []command{
		{"limits", []string{""}},
		{"limits2", []string{""}},
	}
}

func (c *ctx) testUsage() error {
	c.errw.Write([]byte(usageText("--test ", testCommands())))
	return exitUsage
}

func (c *ctx) cmdTest(args []string) error {
	if len(args) == 0 {
		return c.testUsage()
	}
	for _, t := range testCommands() {
		if t.name == args[0] {
			if len(args) != 1 {
				return c.testUsage()
			}
			if t.name == "limits" {
				return c.testLimits(nil)
			}
			return c.testLimits2(nil)
		}
	}
	return c.fail(exitUsage, "Unknown test command")
}

// threadRing is @t passed raw, so that the kernel creates the thread
// keyring of the calling thread on demand.
var threadRing = keyutils.Serial(int32(keyutils.ThreadKeyring))

// mark writes progress output and flushes it.
func (c *ctx) mark(format string, a ...any) {
	c.printf(format, a...)
	c.out.Flush()
}

// testLimits checks the kernel's limits on type and description lengths.
func (c *ctx) testLimits(_ []string) error {
	failures := 0
	fail := func(format string, a ...any) error {
		c.out.Flush()
		c.fail(0, format, a...)
		if failures++; failures > maxTestFailures {
			return c.fail(exitFail, "Aborting with too many failures")
		}
		return nil
	}
	text := func(err error) string { return errtext.Of(err) }
	for i := 0; i < 8192; i++ {
		if i%32 == 0 {
			if i > 0 {
				c.mark("\n")
			}
			c.mark("TEST SIZE %d", i)
		}
		s := strings.Repeat("a", i)
		want := unix.ENODEV
		if i == 0 || i >= 32 {
			want = unix.EINVAL
		}
		var ferr error
		if id, err := keyutils.AddKey(s, "wibble", []byte("a"), threadRing); err == nil {
			keyutils.Unlink(id, threadRing)
			ferr = fail("%d type unexpectedly succeeded", i)
		} else if !errors.Is(err, want) {
			ferr = fail("%d type failed: %s", i, text(err))
		}
		if ferr != nil {
			return ferr
		}
		c.mark(".")
		id, err := keyutils.AddKey("user", s, []byte("a"), threadRing)
		switch {
		case i == 0 || i >= 4096:
			if err == nil {
				keyutils.Unlink(id, threadRing)
				ferr = fail("%d desc unexpectedly succeeded", i)
			} else if !errors.Is(err, unix.EINVAL) {
				ferr = fail("%d desc wrong error: %s", i, text(err))
			}
		case err != nil:
			ferr = fail("%d desc failed: %s", i, text(err))
		default:
			if err := keyutils.Unlink(id, threadRing); err != nil {
				ferr = fail("Unlink failed: %s", text(err))
			}
		}
		if ferr != nil {
			return ferr
		}
		c.mark("_")
	}
	c.mark("\n")
	if failures > 0 {
		return exitFail
	}
	return nil
}

// testLimits2 checks the kernel's limit on user key payload sizes.
func (c *ctx) testLimits2(_ []string) error {
	const sizes = 1030 * 1024
	failures := 0
	buf := make([]byte, sizes)
	for i := range buf {
		buf[i] = 'a'
	}
	for i := 0; i < sizes; i++ {
		if i%2048 == 0 {
			c.mark("TEST SIZE %7d ", i)
		}
		id, err := keyutils.AddKey("user", "test", buf[:i], threadRing)
		bad := ""
		switch {
		case i == 0 || i > 32767:
			if err == nil {
				keyutils.Unlink(id, threadRing)
				bad = "unexpectedly succeeded"
			} else if !errors.Is(err, unix.EINVAL) {
				bad = "wrong error: " + errtext.Of(err)
			}
		case err != nil && !errors.Is(err, unix.EDQUOT):
			bad = "failed: " + errtext.Of(err)
		}
		if bad != "" {
			c.out.Flush()
			c.fail(0, "%d desc %s", i, bad)
			if failures++; failures > maxTestFailures {
				return c.fail(exitFail, "Aborting with too many failures")
			}
		}
		if i%64 == 63 {
			c.mark(".")
		}
		if i%2048 == 2047 {
			c.mark("\n")
		}
	}
	if failures > 0 {
		return exitFail
	}
	return nil
}
