//go:build linux

package cli

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

// This file holds the commands that walk the session keyring tree: purge,
// reap and unlink without a keyring.

// unlinkAll unlinks key from every keyring in the session tree that links
// it and prints the count.
func (c *ctx) unlinkAll(key keyutils.Serial) {
	n := keyutils.RecursiveSessionKeyScan(func(parent, k keyutils.Serial, _ string, _ error) int {
		if k != key || keyutils.Unlink(k, parent) != nil {
			return 0
		}
		return 1
	})
	c.printf("%d links removed\n", n)
}

func (c *ctx) cmdUnlink(args []string) error {
	if len(args) != 1 && len(args) != 2 {
		return c.usage()
	}
	ids, err := c.keys(args...)
	if err != nil {
		return err
	}
	if len(ids) == 1 {
		c.unlinkAll(ids[0])
		return nil
	}
	if err := keyutils.Unlink(ids[0], ids[1]); err != nil {
		return c.perror("keyctl_unlink", err)
	}
	return nil
}

func (c *ctx) cmdReap(args []string) error {
	verbose := len(args) == 1 && args[0] == "-v"
	if !verbose && len(args) != 0 {
		return c.usage()
	}
	n := keyutils.RecursiveSessionKeyScan(func(parent, key keyutils.Serial, _ string, err error) int {
		if err == nil || errors.Is(err, unix.EACCES) {
			return 0
		}
		if verbose {
			c.printf("Reap %d", int32(key))
		}
		if err := keyutils.Unlink(key, parent); err != nil {
			if verbose {
				c.printf("... failed %s\n", errtext.Of(err))
			}
			return 0
		}
		if verbose {
			c.printf("\n")
		}
		return 1
	})
	c.printf("%d keys reaped\n", n)
	return nil
}

// purgeSpec is what purge looks for.
type purgeSpec struct {
	typ, desc string
	hasDesc   bool
	prefix    bool // -p: desc is a prefix
	fold      bool // -i: ASCII case-independent
	search    bool // -s: use the kernel's search
}

func (c *ctx) cmdPurge(args []string) error {
	var p purgeSpec
	// Only the second character of each option word counts.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		opt := byte(0)
		if len(args[0]) > 1 {
			opt = args[0][1]
		}
		switch opt {
		case 's':
			p.search = true
		case 'p':
			p.prefix = true
		case 'i':
			p.fold = true
		default:
			return c.usage()
		}
		args = args[1:]
	}
	if len(args) < 1 {
		return c.usage()
	}
	p.typ = args[0]
	if len(args) > 1 {
		p.desc, p.hasDesc = args[1], true
	}
	var fn func(parent, key keyutils.Serial, raw string, err error) int
	switch {
	case p.search:
		if len(args) != 2 || p.prefix || p.fold {
			return c.usage()
		}
		fn = p.bySearch
	case len(args) == 1:
		if p.prefix || p.fold {
			return c.usage()
		}
		fn = p.byType
	case len(args) == 2:
		fn = func(parent, key keyutils.Serial, raw string, err error) int {
			return p.byDesc(c, parent, key, raw)
		}
	default:
		return c.usage()
	}
	n := keyutils.RecursiveSessionKeyScan(fn)
	c.printf("purged %d keys\n", n)
	return nil
}

// unlinked unlinks key from parent and returns 1 on success.
func unlinked(key, parent keyutils.Serial) int {
	if keyutils.Unlink(key, parent) != nil {
		return 0
	}
	return 1
}

// byType purges every key of the type (not the root).
func (p *purgeSpec) byType(parent, key keyutils.Serial, raw string, _ error) int {
	if parent == 0 || raw == "" {
		return 0
	}
	typ, _, ok := strings.Cut(raw, ";")
	if !ok || typ != p.typ {
		return 0
	}
	return unlinked(key, parent)
}

// byDesc purges every key of the type whose description (the text after
// the last ';' of the raw description) matches, printing each match first.
func (p *purgeSpec) byDesc(c *ctx, parent, key keyutils.Serial, raw string) int {
	if parent == 0 || raw == "" {
		return 0
	}
	typ, rest, ok := strings.Cut(raw, ";")
	if !ok || typ != p.typ {
		return 0
	}
	i := strings.LastIndexByte(rest, ';')
	if i < 0 {
		return 0
	}
	desc := rest[i+1:]
	if len(desc) < len(p.desc) || (!p.prefix && len(desc) != len(p.desc)) {
		return 0
	}
	head := desc[:len(p.desc)]
	if p.fold {
		if !asciiEqualFold(head, p.desc) {
			return 0
		}
	} else if head != p.desc {
		return 0
	}
	c.printf("%s '%s'\n", typ, desc)
	return unlinked(key, parent)
}

// bySearch empties each keyring of the keys the kernel's search finds for
// type and description, as long as they are linked from that keyring.
func (p *purgeSpec) bySearch(_, ring keyutils.Serial, raw string, _ error) int {
	if !strings.HasPrefix(raw, "keyring;") {
		return 0
	}
	n := 0
	for {
		key, err := keyutils.Search(ring, p.typ, p.desc, nil)
		if err != nil || keyutils.Unlink(key, ring) != nil {
			return n
		}
		n++
	}
}

// asciiEqualFold is strncasecmp(a, b) == 0 in the C locale for equal
// lengths.
func asciiEqualFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
