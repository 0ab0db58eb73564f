//go:build linux

package cli

import (
	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
)

// This file holds dh_compute, dh_compute_kdf and dh_compute_kdf_oi.

// maxDHLen bounds the output length dh_compute_kdf allocates; larger
// lengths fail as the C tool's malloc would.
const maxDHLen = 1 << 31

func (c *ctx) printDH(data []byte) {
	defer keyutils.Wipe(data)
	c.printf("%d bytes of data in result:\n", len(data))
	writeHexdump(c.out, data)
}

func (c *ctx) cmdDHCompute(args []string) error {
	if len(args) != 3 {
		return c.usage()
	}
	ids, err := c.keys(args...)
	if err != nil {
		return err
	}
	data, err := keyutils.DHCompute(ids[0], ids[1], ids[2])
	if err != nil {
		return c.perror("keyctl_dh_compute_alloc", err)
	}
	c.printDH(data)
	return nil
}

// dhLen parses <len> as the C tool does: strtoul base 10 with trailing
// junk ignored; only ULONG_MAX is an error.
func (c *ctx) dhLen(s string) (int, error) {
	n, _, overflow := strtoul(s, 10)
	if n == ^uint64(0) {
		errno := unix.Errno(0)
		if overflow {
			errno = unix.ERANGE
		}
		return 0, c.perror("dh_compute: cannot convert generated length value", errno)
	}
	if n >= maxDHLen {
		return 0, c.perror("dh_compute: cannot allocate memory", unix.ENOMEM)
	}
	return int(n), nil
}

// dhKDF is the end of dh_compute_kdf and dh_compute_kdf_oi.
func (c *ctx) dhKDF(args []string, hex, otherInfo bool) error {
	if len(args) != 5 {
		return c.usage()
	}
	ids, err := c.keys(args[:3]...)
	if err != nil {
		return err
	}
	n, err := c.dhLen(args[3])
	if err != nil {
		return err
	}
	var oi []byte
	if otherInfo {
		in, err := c.readStdin()
		if err != nil {
			return err
		}
		if oi, err = c.payload(in, hex); err != nil {
			return err
		}
		defer keyutils.Wipe(oi)
	}
	data, err := keyutils.DHComputeKDF(ids[0], ids[1], ids[2], args[4], oi, n)
	if err != nil {
		return c.perror("keyctl_dh_compute_kdf", err)
	}
	c.printDH(data)
	return nil
}

func (c *ctx) cmdDHComputeKDF(args []string) error { return c.dhKDF(args, false, false) }

func (c *ctx) cmdDHComputeKDFOI(args []string) error {
	args, hex := hexOpt(args)
	return c.dhKDF(args, hex, true)
}
