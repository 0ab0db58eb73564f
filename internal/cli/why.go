//go:build linux

package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
	"github.com/keyutils-go/keyutils/internal/syslog"
)

// cmdWhy is "keyctl why [--json] <key> [view|read|write|search|link|setattr]",
// an extension: it explains keyutils.Why's verdict on one permission
// (read when none is named) and exits 0 when the operation would be
// allowed, 1 when not.
func (c *ctx) cmdWhy(args []string) error {
	args, asJSON := jsonOpt(args, 1)
	if len(args) != 1 && len(args) != 2 {
		return c.extensionUsage("why")
	}
	need := keyutils.PermRead
	if len(args) == 2 {
		b, ok := keyutils.ParsePermBit(args[1])
		if !ok {
			return c.fail(exitUsage, "Unknown permission: '%s' (view, read, write, search, link or setattr)", args[1])
		}
		need = b
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	var key keyutils.ID = id
	if id < 0 {
		key = keyutils.Special(id)
	}
	a, err := keyutils.Why(key, need)
	if asJSON {
		return c.whyJSON(id, need, a, err)
	}
	if errors.Is(err, keyutils.ErrPermission) {
		c.printf("key %d: the caller may not view it, so nothing more can be told\n", int32(id))
		if need == keyutils.PermView {
			c.printf("view: denied\n")
		} else {
			c.printf("%s: cannot be told, the key's mask is unknown\n", keyutils.PermBitName(need))
		}
		c.printf("to allow: ask the key's owner to grant view (keyctl setperm)\n")
		return exitFail
	}
	if err != nil {
		return c.perror("why", err)
	}
	c.printWhy(a)
	if !a.OK() {
		return exitFail
	}
	return nil
}

// printWhy prints the explanation of a, one finding a line.
func (c *ctx) printWhy(a *keyutils.Access) {
	d := a.Desc
	c.printf("key %d: %s %s, owner %d, group %d, mask %s %s\n", int32(a.Key), whyText(d.Type), whyQuote(d),
		d.UID, d.GID, "0x"+d.Perm.Hex(), d.Perm)
	c.printf("state: %s\n", stateText(a))
	groups := make([]string, len(a.Groups))
	for i, g := range a.Groups {
		groups[i] = fmt.Sprint(g)
	}
	c.printf("caller: uid %d, gid %d, groups [%s]\n", a.UID, a.GID, strings.Join(groups, " "))
	var dsc keyutils.Describer
	switch {
	case a.Possessed:
		c.printf("possession: possessed: %s\n", c.chainText(a, &dsc))
	case a.Reachable:
		c.printf("possession: not possessed: reached by %s, but the key grants the caller no search\n", c.chainText(a, &dsc))
	default:
		c.printf("possession: not possessed: not reachable from @t, @p or @s through keyrings the caller may search (at most 6 deep)\n")
	}
	if len(a.Unchecked) > 0 {
		c.printf("possession: keyrings that could not be described or read on the way: %v\n", a.Unchecked)
	}
	p := d.Perm
	who := map[keyutils.PermClass]string{
		keyutils.User:  "the caller owns the key",
		keyutils.Group: fmt.Sprintf("the caller is in group %d", d.GID),
		keyutils.Other: "the caller is neither the owner nor in the key's group",
	}[a.Class]
	if a.Class == keyutils.Other && d.GID != -1 && p.Class(keyutils.Group) == 0 {
		who += " (or the group rights are empty, and then the kernel applies the other rights)"
	}
	pos := "not applied: not possessed"
	if a.Possessed {
		pos = "applied: possessed"
	}
	c.printf("rights: %s rights %s (%s); possessor rights %s (%s); granted %s\n",
		keyutils.PermClassName(a.Class), p.Class(a.Class), who, p.Class(keyutils.Possessor), pos, a.Granted)
	name := keyutils.PermBitName(a.Need)
	switch {
	case a.Allowed && a.Need == keyutils.PermRead && a.Possessed && a.Granted&a.Need == 0:
		c.printf("%s: allowed: the caller possesses the key, and a possessor may read without the read right\n", name)
	case a.Allowed && a.ByPossession:
		c.printf("%s: allowed by the possessor rights\n", name)
	case a.Allowed:
		c.printf("%s: allowed by the %s rights\n", name, keyutils.PermClassName(a.Class))
	default:
		c.printf("%s: denied: needs %s, the caller has %s\n", name, a.Need, a.Granted)
	}
	if a.Allowed && a.StateErr != nil {
		c.printf("%s: fails anyway: %s\n", name, errtext.Of(a.StateErr))
	}
	if a.Allowed && a.Need == keyutils.PermSetattr && !a.Owner {
		c.printf("setattr: keyctl setperm also needs the caller to own the key (or CAP_SYS_ADMIN); chown to another uid needs CAP_SYS_ADMIN\n")
	}
	for _, r := range a.Remedies {
		c.printf("to allow: %s\n", remedyText(a, r))
	}
}

// remedyText is one "to allow:" line.
func remedyText(a *keyutils.Access, r keyutils.Remedy) string {
	var s string
	switch r.Kind {
	case keyutils.RemedyLink:
		s = fmt.Sprintf("keyctl link %d %s (the possessor rights %s would apply", int32(r.Key), r.Keyring, a.Desc.Perm.Class(keyutils.Possessor))
		if r.Feasible {
			s += "; the caller may link the key, and needs write on the keyring)"
		} else {
			s += "; the caller lacks link on the key: its owner can do it)"
		}
	case keyutils.RemedySetPerm:
		s = fmt.Sprintf("keyctl setperm %d 0x%s (%s)", int32(r.Key), r.Perm.Hex(), r.Perm)
		if r.Feasible {
			s += " (the caller may do this)"
		} else {
			s += " (by the key's owner, who needs setattr, or CAP_SYS_ADMIN)"
		}
	case keyutils.RemedySession:
		s = "run inside a session whose keyrings reach the key (e.g. keyctl session <name> for a named session keyring that holds it), not from another login, tmux, sudo or container session"
	}
	return s
}

// chainText prints a possession chain: "@s 123 -> keyring "x" 456 -> key 789".
func (c *ctx) chainText(a *keyutils.Access, d *keyutils.Describer) string {
	var b strings.Builder
	for i, s := range a.Chain {
		switch {
		case i == 0:
			fmt.Fprintf(&b, "%s %d", a.Top, int32(s))
		case i == len(a.Chain)-1:
			fmt.Fprintf(&b, " -> key %d", int32(s))
		default:
			b.WriteString(" -> ")
			if desc, err := d.Describe(s); err == nil {
				fmt.Fprintf(&b, "%s %s %d", whyText(desc.Type), whyQuote(desc), int32(s))
			} else {
				fmt.Fprintf(&b, "keyring %d", int32(s))
			}
		}
	}
	return b.String()
}

// stateText describes the key's state flags.
func stateText(a *keyutils.Access) string {
	if a.Flags == "" {
		return "not listed in /proc/keys"
	}
	var words []string
	for _, f := range []struct {
		c    byte
		name string
	}{{'I', "instantiated"}, {'R', "revoked"}, {'D', "dead"}, {'U', "under construction"}, {'N', "negative"}, {'i', "invalidated"}} {
		if strings.IndexByte(a.Flags, f.c) >= 0 {
			words = append(words, f.name)
		}
	}
	if a.StateErr == keyutils.ErrExpired {
		words = append(words, "expired")
	}
	s := strings.Join(words, ", ") + " (flags " + a.Flags + ")"
	if a.StateErr != nil {
		s += ": operations on it fail with " + errtext.Of(a.StateErr)
	}
	return s
}

// whyText escapes key-derived text for why's output, whatever it goes to.
func whyText(s string) string { return syslog.Escape(s) }

func whyQuote(d keyutils.Description) string {
	if d.Raw == "" && d.Description == "" {
		return "(description not available)"
	}
	return `"` + syslog.Escape(d.Description) + `"`
}
