//go:build linux

package cli

import (
	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
)

// This file holds the commands a request-key handler uses to construct a
// key: instantiate, pinstantiate, negate and reject.

func (c *ctx) instantiate(id, ring keyutils.Serial, data []byte) error {
	err := keyutils.Instantiate(id, data, ring)
	keyutils.Wipe(data)
	if err != nil {
		return c.perror("keyctl_instantiate", err)
	}
	return nil
}

func (c *ctx) cmdInstantiate(args []string) error {
	args, hex := hexOpt(args)
	if len(args) != 3 {
		return c.usage()
	}
	ids, err := c.keys(args[0], args[2])
	if err != nil {
		return err
	}
	data, err := c.payload([]byte(args[1]), hex)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	return c.instantiate(ids[0], ids[1], data)
}

func (c *ctx) cmdPinstantiate(args []string) error {
	args, hex := hexOpt(args)
	if len(args) != 2 {
		return c.usage()
	}
	ids, err := c.keys(args...)
	if err != nil {
		return err
	}
	in, err := c.readStdin()
	if err != nil {
		return err
	}
	data, err := c.payload(in, hex)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	return c.instantiate(ids[0], ids[1], data)
}

func (c *ctx) cmdNegate(args []string) error {
	if len(args) != 3 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	t, err := c.timeout(args[1])
	if err != nil {
		return err
	}
	ring, err := c.key(args[2])
	if err != nil {
		return err
	}
	if err := keyutils.Negate(id, t, ring); err != nil {
		return c.perror("keyctl_negate", err)
	}
	return nil
}

// rejectErrno parses reject's <error>: a name or a base-10 number.
func (c *ctx) rejectErrno(s string) (unix.Errno, error) {
	switch s {
	case "rejected":
		return unix.EKEYREJECTED, nil
	case "revoked":
		return unix.EKEYREVOKED, nil
	case "expired":
		return unix.EKEYEXPIRED, nil
	}
	n, err := c.number(s, 10, "error")
	return unix.Errno(n), err
}

func (c *ctx) cmdReject(args []string) error {
	if len(args) != 4 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	t, err := c.timeout(args[1])
	if err != nil {
		return err
	}
	errno, err := c.rejectErrno(args[2])
	if err != nil {
		return err
	}
	ring, err := c.key(args[3])
	if err != nil {
		return err
	}
	if err := keyutils.Reject(id, t, errno, ring); err != nil {
		return c.perror("keyctl_negate", err)
	}
	return nil
}
