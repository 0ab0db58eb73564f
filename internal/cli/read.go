//go:build linux

package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

// This file holds the commands that read payloads and descriptions: read,
// pipe, print, list, rlist, describe and rdescribe.

// readKey reads the payload of the single key argument.
func (c *ctx) readKey(args []string) ([]byte, error) {
	if len(args) != 1 {
		return nil, c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return nil, err
	}
	data, err := keyutils.Read(id)
	if err != nil {
		return nil, c.perror("keyctl_read_alloc", err)
	}
	return data, nil
}

func (c *ctx) cmdRead(args []string) error {
	data, err := c.readKey(args)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	if len(data) == 0 {
		c.printf("No data in key\n")
		return nil
	}
	c.printf("%d bytes of data in key:\n", len(data))
	writeHexdump(c.out, data)
	return nil
}

func (c *ctx) cmdPrint(args []string) error {
	data, err := c.readKey(args)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	writePrint(c.out, data)
	return nil
}

func (c *ctx) cmdPipe(args []string) error {
	data, err := c.readKey(args)
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	// The C tool write(2)s the payload unbuffered.
	if err := c.out.Flush(); err != nil {
		return c.perror("write", err)
	}
	c.out.Write(data)
	if err := c.out.Flush(); err != nil {
		return c.perror("write", err)
	}
	return nil
}

// readKeyring is readKey for list and rlist: the payload, whatever the
// key's type, taken as an array of serials.
func (c *ctx) readKeyring(args []string) ([]keyutils.Serial, error) {
	if len(args) != 1 {
		return nil, c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return nil, err
	}
	ids, err := keyutils.ReadKeyring(id)
	if err != nil {
		return nil, c.perror("keyctl_read_alloc", err)
	}
	return ids, nil
}

func (c *ctx) cmdRlist(args []string) error {
	if args, ok := jsonOpt(args, 1); ok {
		return c.listJSON(args, true)
	}
	ids, err := c.readKeyring(args)
	if err != nil {
		return err
	}
	// Formatted by hand, a chunk at a time: fmt costs more than the
	// read for a big keyring.
	line := make([]byte, 0, 4096)
	for i, id := range ids {
		if i > 0 {
			line = append(line, ' ')
		}
		line = strconv.AppendInt(line, int64(int32(id)), 10)
		if len(line) > 4000 {
			c.out.Write(line)
			line = line[:0]
		}
	}
	c.out.Write(append(line, '\n'))
	return nil
}

func (c *ctx) cmdList(args []string) error {
	if args, ok := jsonOpt(args, 1); ok {
		return c.listJSON(args, false)
	}
	ids, err := c.readKeyring(args)
	if err != nil {
		return err
	}
	switch len(ids) {
	case 0:
		c.printf("keyring is empty\n")
		return nil
	case 1:
		c.printf("1 key in keyring:\n")
	default:
		c.printf("%d keys in keyring:\n", len(ids))
	}
	var d keyutils.Describer
	descs, errs := d.DescribeAll(ids)
	cr := c.credentials()
	var line []byte
	for i, id := range ids {
		desc, err := descs[i], errs[i]
		if err != nil && !errors.Is(err, keyutils.ErrBadDescription) {
			c.printf("%9d: key inaccessible (%s)\n", int32(id), errtext.Of(err))
			continue
		}
		if err != nil {
			return c.unparsable(id)
		}
		// "%9d: %s %5d %5d %s: %s\n", formatted by hand: fmt costs
		// about as much as the describe.
		line = appendPadInt(line[:0], int64(int32(id)), 9)
		line = append(line, ':', ' ')
		line = appendMask8(line, cr, desc.Perm, desc.UID, desc.GID)
		line = append(line, ' ')
		line = appendPadInt(line, int64(desc.UID), 5)
		line = append(line, ' ')
		line = appendPadInt(line, int64(desc.GID), 5)
		line = append(line, ' ')
		line = append(line, c.keyText(desc.Type)...)
		line = append(line, ':', ' ')
		line = append(line, c.keyText(desc.Description)...)
		c.out.Write(append(line, '\n'))
	}
	return nil
}

// unparsable reports a description that does not have the kernel's form.
func (c *ctx) unparsable(id keyutils.Serial) error {
	return c.fail(exitUnparsable, "Unparsable description obtained for key %d", int32(id))
}

func (c *ctx) cmdDescribe(args []string) error {
	if args, ok := jsonOpt(args, 1); ok {
		return c.describeJSON(args)
	}
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	var d keyutils.Describer
	desc, err := d.Describe(id)
	if errors.Is(err, keyutils.ErrBadDescription) {
		return c.unparsable(id)
	}
	if err != nil {
		return c.perror("keyctl_describe_alloc", err)
	}
	c.printf("%9d: %s %5d %5d %s: %s\n", int32(id), desc.Perm.String(), desc.UID, desc.GID, c.keyText(desc.Type), c.keyText(desc.Description))
	return nil
}

func (c *ctx) cmdRdescribe(args []string) error {
	if len(args) != 1 && len(args) != 2 {
		return c.usage()
	}
	if len(args) == 2 && args[1] == "" {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	raw, err := keyutils.DescribeRaw(id)
	if err != nil {
		return c.perror("keyctl_describe", err)
	}
	if len(args) == 2 {
		raw = strings.ReplaceAll(raw, ";", args[1][:1])
	}
	fmt.Fprintf(c.out, "%s\n", c.keyText(raw))
	return nil
}
