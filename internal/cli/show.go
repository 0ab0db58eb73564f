//go:build linux

package cli

import (
	"errors"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

func (c *ctx) cmdShow(args []string) error {
	if args, ok := jsonOpt(args, 0); ok {
		return c.showJSON(args)
	}
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
	t := tree{c: c, hex: hex, cr: c.credentials(), w: keyutils.Walker{MaxDepth: maxShowLevel, Batch: true}}
	return t.w.Walk(root, t.node)
}

// maxShowLevel is the deepest level show prints, as the C tool: the root
// plus eight nested levels (indent position 29). The keyrings at that
// level are still read, as the C tool reads them.
const maxShowLevel = 8

// tree prints keyctl show's tree, walking it with a keyutils.Walker.
// indent reproduces the C tool's static indent buffer: when a keyring at
// depth d lists its members, positions d..d+3 become spaces (or the buffer
// becomes " " at depth 0), position d becomes '|' if the keyring has later
// siblings, and the buffer ends at the members' depth. (Depth is the
// indent position: 0 for the root, 1 for its members, then 4 more a
// level.)
type tree struct {
	c      *ctx
	hex    bool
	cr     *creds
	w      keyutils.Walker
	indent [64]byte
	ilen   int
	more   [maxShowLevel + 1]bool // per level: the keyring visited there has later siblings
	line   []byte                 // the line being printed, reused
}

// textDepth is the indent position of level l.
func textDepth(l int) int {
	if l == 0 {
		return 0
	}
	return 4*l - 3
}

// node prints key, at level len(path).
func (t *tree) node(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
	c := t.c
	level := len(path)
	if err != nil && desc.Type == "keyring" && !errors.Is(err, keyutils.ErrCycle) {
		// The second call for a keyring: its members could not be read.
		return c.perror("keyctl_read_alloc", err)
	}
	if errors.Is(err, keyutils.ErrBadDescription) {
		return c.unparsable(key)
	}
	if level > 0 {
		// The parent's loop over its members, before this one.
		pd := textDepth(level - 1)
		if pd == 0 {
			t.indent[0] = ' '
		} else {
			copy(t.indent[pd:pd+4], "    ")
			if t.more[level-1] {
				t.indent[pd] = '|'
			}
		}
		t.ilen = textDepth(level)
	}
	t.more[level] = !t.w.Last()
	if err != nil && !errors.Is(err, keyutils.ErrCycle) {
		c.printf("%d: key inaccessible (%s)\n", int32(key), errtext.Of(err))
		return nil
	}
	// " %s  %5d %5d  %s%s%s: %s\n" after the serial, formatted by hand:
	// fmt costs about as much as the describe.
	b := t.line[:0]
	if t.hex {
		b = appendHex8(b, uint32(key))
	} else {
		b = appendPadInt(b, int64(int32(key)), 10)
	}
	b = append(b, ' ')
	b = appendMask8(b, t.cr, desc.Perm, desc.UID, desc.GID)
	b = append(b, ' ', ' ')
	b = appendPadInt(b, int64(desc.UID), 5)
	b = append(b, ' ')
	b = appendPadInt(b, int64(desc.GID), 5)
	b = append(b, ' ', ' ')
	b = append(b, t.indent[:t.ilen]...)
	if level > 0 {
		b = append(b, "\\_ "...)
	}
	b = append(b, c.keyText(desc.Type)...)
	b = append(b, ':', ' ')
	b = append(b, c.keyText(desc.Description)...)
	b = append(b, '\n')
	c.out.Write(b)
	t.line = b
	return nil
}
