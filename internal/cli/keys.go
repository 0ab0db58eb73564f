//go:build linux

package cli

import (
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/version"
)

// This file holds the commands that create, find and change keys.

func (c *ctx) cmdVersion(args []string) error {
	c.printf("%s\n", version.Line("keyctl"))
	return nil
}

func (c *ctx) printSerial(id keyutils.Serial) { c.printf("%d\n", int32(id)) }

func (c *ctx) cmdID(args []string) error {
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	r, err := keyutils.GetKeyringID(id, false)
	if err != nil {
		return c.perror("keyctl_get_keyring_ID", err)
	}
	c.printSerial(r)
	return nil
}

// addKey is the end of add, padd and newring. It wipes data once the
// kernel has it; the callers wipe it on every other path.
func (c *ctx) addKey(typ, desc string, data []byte, ringArg string) error {
	ring, err := c.key(ringArg)
	if err != nil {
		return err
	}
	id, err := keyutils.AddKey(typ, desc, data, ring)
	keyutils.Wipe(data)
	if err != nil {
		return c.perror("add_key", err)
	}
	c.printSerial(id)
	return nil
}

func (c *ctx) cmdAdd(args []string) error {
	args, hex := hexOpt(args)
	if len(args) != 4 {
		return c.usage()
	}
	data, err := c.payload([]byte(args[2]), hex)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	return c.addKey(args[0], args[1], data, args[3])
}

func (c *ctx) cmdPadd(args []string) error {
	args, hex := hexOpt(args)
	if len(args) != 3 {
		return c.usage()
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
	return c.addKey(args[0], args[1], data, args[2])
}

func (c *ctx) cmdNewring(args []string) error {
	if len(args) != 2 {
		return c.usage()
	}
	return c.addKey("keyring", args[0], nil, args[1])
}

// request is the end of request, request2 and prequest2: a nil callout
// means no upcall.
func (c *ctx) request(typ, desc string, callout *string, dest []string) error {
	var d keyutils.ID
	if len(dest) > 0 {
		id, err := c.key(dest[0])
		if err != nil {
			return err
		}
		d = id
	}
	var id keyutils.Serial
	var err error
	if callout == nil {
		id, err = keyutils.RequestKey(typ, desc, d)
	} else {
		id, err = keyutils.RequestKeyWithCallout(typ, desc, *callout, d)
	}
	if err != nil {
		return c.perror("request_key", err)
	}
	c.printSerial(id)
	return nil
}

func (c *ctx) cmdRequest(args []string) error {
	if len(args) != 2 && len(args) != 3 {
		return c.usage()
	}
	return c.request(args[0], args[1], nil, args[2:])
}

func (c *ctx) cmdRequest2(args []string) error {
	if len(args) != 3 && len(args) != 4 {
		return c.usage()
	}
	return c.request(args[0], args[1], &args[2], args[3:])
}

func (c *ctx) cmdPrequest2(args []string) error {
	if len(args) != 2 && len(args) != 3 {
		return c.usage()
	}
	in, err := c.readStdin()
	if err != nil {
		return err
	}
	defer keyutils.Wipe(in)
	// The C tool uses the buffer as a C string.
	info := string(in)
	for i := 0; i < len(in); i++ {
		if in[i] == 0 {
			info = string(in[:i])
			break
		}
	}
	return c.request(args[0], args[1], &info, args[2:])
}

func (c *ctx) update(id keyutils.Serial, data []byte) error {
	err := keyutils.Update(id, data)
	keyutils.Wipe(data)
	if err != nil {
		return c.perror("keyctl_update", err)
	}
	return nil
}

func (c *ctx) cmdUpdate(args []string) error {
	args, hex := hexOpt(args)
	if len(args) != 2 {
		return c.usage()
	}
	data, err := c.payload([]byte(args[1]), hex)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	return c.update(id, data)
}

func (c *ctx) cmdPupdate(args []string) error {
	args, hex := hexOpt(args)
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
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
	return c.update(id, data)
}

// oneKey runs op on the single key argument, reporting failure under label.
func (c *ctx) oneKey(args []string, label string, op func(keyutils.ID) error) error {
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	if err := op(id); err != nil {
		return c.perror(label, err)
	}
	return nil
}

func (c *ctx) cmdRevoke(args []string) error {
	return c.oneKey(args, "keyctl_revoke", keyutils.Revoke)
}

func (c *ctx) cmdClear(args []string) error {
	return c.oneKey(args, "keyctl_clear", keyutils.Clear)
}

func (c *ctx) cmdInvalidate(args []string) error {
	return c.oneKey(args, "keyctl_invalidate", keyutils.Invalidate)
}

func (c *ctx) cmdLink(args []string) error {
	if len(args) != 2 {
		return c.usage()
	}
	ids, err := c.keys(args...)
	if err != nil {
		return err
	}
	if err := keyutils.Link(ids[0], ids[1]); err != nil {
		return c.perror("keyctl_link", err)
	}
	return nil
}

func (c *ctx) cmdMove(args []string) error {
	flags := keyutils.MoveExclusive
	if len(args) > 3 && args[0] == "-f" {
		flags = 0
		args = args[1:]
	}
	if len(args) != 3 {
		return c.usage()
	}
	ids, err := c.keys(args...)
	if err != nil {
		return err
	}
	if err := keyutils.Move(ids[0], ids[1], ids[2], flags); err != nil {
		return c.perror("keyctl_move", err)
	}
	return nil
}

func (c *ctx) cmdSearch(args []string) error {
	if len(args) != 3 && len(args) != 4 {
		return c.usage()
	}
	ring, err := c.key(args[0])
	if err != nil {
		return err
	}
	var dest keyutils.ID
	if len(args) == 4 {
		d, err := c.key(args[3])
		if err != nil {
			return err
		}
		dest = d
	}
	id, err := keyutils.Search(ring, args[1], args[2], dest)
	if err != nil {
		return c.perror("keyctl_search", err)
	}
	c.printSerial(id)
	return nil
}

func (c *ctx) cmdRestrictKeyring(args []string) error {
	if len(args) < 1 || len(args) > 3 {
		return c.usage()
	}
	ring, err := c.key(args[0])
	if err != nil {
		return err
	}
	// The C tool passes the words it was given, and NULL for missing ones;
	// the kernel answers differently for an empty and a missing word.
	var words [2]*string
	for i := range args[1:] {
		words[i] = &args[1+i]
	}
	if err := keyutils.RestrictKeyringArgs(ring, words[0], words[1]); err != nil {
		return c.perror("keyctl_restrict_keyring", err)
	}
	return nil
}

// chown is chown and chgrp: -1 (0xffffffff) leaves a field unchanged.
func (c *ctx) chown(args []string, what string) error {
	if len(args) != 2 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	n, err := c.number(args[1], 0, what)
	if err != nil {
		return err
	}
	uid, gid := int(int32(n)), -1
	if what == "gid" {
		uid, gid = -1, int(int32(n))
	}
	if err := keyutils.Chown(id, uid, gid); err != nil {
		return c.perror("keyctl_chown", err)
	}
	return nil
}

func (c *ctx) cmdChown(args []string) error { return c.chown(args, "uid") }

func (c *ctx) cmdChgrp(args []string) error { return c.chown(args, "gid") }

func (c *ctx) cmdSetperm(args []string) error {
	if len(args) != 2 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	mask, err := c.number(args[1], 0, "permissions")
	if err != nil {
		return err
	}
	if err := keyutils.SetPerm(id, keyutils.Perm(mask)); err != nil {
		return c.perror("keyctl_setperm", err)
	}
	return nil
}

// timeout parses a timeout argument (strtoul base 10, 32 bits).
func (c *ctx) timeout(s string) (time.Duration, error) {
	n, err := c.number(s, 10, "timeout")
	return time.Duration(n) * time.Second, err
}

func (c *ctx) cmdTimeout(args []string) error {
	if len(args) != 2 {
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
	if err := keyutils.SetTimeout(id, t); err != nil {
		return c.perror("keyctl_set_timeout", err)
	}
	return nil
}

func (c *ctx) cmdSecurity(args []string) error {
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	label, err := keyutils.GetSecurity(id)
	if err != nil {
		return c.perror("keyctl_getsecurity", err)
	}
	c.printf("%s\n", c.keyText(label))
	return nil
}

func (c *ctx) cmdGetPersistent(args []string) error {
	if len(args) != 1 && len(args) != 2 {
		return c.usage()
	}
	ring, err := c.key(args[0])
	if err != nil {
		return err
	}
	uid := -1
	if len(args) == 2 {
		n, err := c.number(args[1], 0, "uid")
		if err != nil {
			return err
		}
		uid = int(int32(n))
	}
	id, err := keyutils.GetPersistent(uid, ring)
	if err != nil {
		return c.perror("keyctl_get_persistent", err)
	}
	c.printSerial(id)
	return nil
}
