//go:build linux

package cli

import (
	"errors"
	"fmt"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

// maxShowDepth is the deepest indent position show prints: root plus eight
// nested levels.
const maxShowDepth = 8 * 4

func (c *ctx) cmdShow(args []string) error {
	args, hex := hexOpt(args)
	if len(args) > 1 {
		return c.usage()
	}
	var id keyutils.Serial = keyutils.Serial(int32(keyutils.SessionKeyring))
	if len(args) == 1 {
		var err error
		if id, err = c.key(args[0]); err != nil {
			return err
		}
		c.printf("Keyring\n")
	} else {
		c.printf("Session Keyring\n")
	}
	root, err := keyutils.GetKeyringID(id, false)
	if err != nil {
		return c.perror("Unable to dump key", err)
	}
	t := tree{c: c, hex: hex, cr: c.credentials(), buf: make([]byte, 1024)}
	return t.node(root, 0, false)
}

// tree prints keyctl show's tree. indent reproduces the C tool's static
// indent buffer: when a keyring at depth d lists its members, positions
// d..d+3 become spaces (or the buffer becomes " " at depth 0), position d
// becomes '|' if the keyring has later siblings, and the buffer ends at the
// members' depth.
type tree struct {
	c      *ctx
	hex    bool
	cr     *creds
	d      keyutils.Describer
	indent [64]byte
	ilen   int
	buf    []byte // keyring payload buffer, reused (members are decoded out)
}

// node prints key at depth and, if it is a keyring, its members. more says
// whether key has later siblings in its parent.
func (t *tree) node(key keyutils.Serial, depth int, more bool) error {
	if depth > maxShowDepth {
		return nil
	}
	c := t.c
	desc, err := t.d.Describe(key)
	if errors.Is(err, keyutils.ErrBadDescription) {
		return c.unparsable(key)
	}
	if err != nil {
		c.printf("%d: key inaccessible (%s)\n", int32(key), errtext.Of(err))
		return nil
	}
	if t.hex {
		c.printf("0x%08x", uint32(key))
	} else {
		c.printf("%10d", int32(key))
	}
	branch := ""
	if depth > 0 {
		branch = "\\_ "
	}
	fmt.Fprintf(c.out, " %s  %s  %s%s%s: %s\n", mask8(t.cr, desc.Perm, desc.UID, desc.GID),
		pad5(desc.UID)+" "+pad5(desc.GID), t.indent[:t.ilen], branch, c.keyText(desc.Type), c.keyText(desc.Description))
	if desc.Type != "keyring" {
		return nil
	}
	members, buf, err := keyutils.ReadKeyringInto(key, nil, t.buf)
	t.buf = buf
	if err != nil {
		return c.perror("keyctl_read_alloc", err)
	}
	for i, m := range members {
		child := depth + 4
		if depth == 0 {
			t.indent[0] = ' '
			child = 1
		} else {
			copy(t.indent[depth:depth+4], "    ")
			if more {
				t.indent[depth] = '|'
			}
		}
		t.ilen = child
		if err := t.node(m, child, i+1 < len(members)); err != nil {
			return err
		}
	}
	return nil
}
