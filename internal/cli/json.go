//go:build linux

package cli

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

// The --json output of show, list, rlist, describe and why, an extension
// (keyutils 1.6.3 rejects the option): one JSON document per command,
// followed by a newline. The field names are stable; fields may be added.
// README.md documents the schema.

// KeyJSON is one key.
type KeyJSON struct {
	Serial int32 `json:"serial"`
	// Error is set, and the fields below Serial are absent, when the key
	// could not be described (the C tool's "key inaccessible"), e.g.
	// "Permission denied".
	Error string `json:"error,omitempty"`
	Type  string `json:"type,omitempty"`
	// Description is the key's description as a JSON string. When it is
	// not valid UTF-8, each invalid byte is U+FFFD here and
	// DescriptionBytes holds the exact bytes (base64).
	Description      string `json:"description"`
	DescriptionBytes []byte `json:"description_bytes,omitempty"`
	UID              int    `json:"uid"`
	GID              int    `json:"gid"`
	Perm             string `json:"perm"`      // the mask as 8 hex digits, "3f010000"
	PermText         string `json:"perm_text"` // "alswrv-----v------------"
	// From /proc/keys, absent when it does not list the key: the state
	// flags (see keyutils.ProcKey.Flags), their names, the expiry and
	// the reference count.
	Flags string   `json:"flags,omitempty"`
	State []string `json:"state,omitempty"`
	// Timeout is /proc/keys' field: "perm" (never expires), "expd"
	// (expired), or the time left rounded down to its unit ("59s", "4m",
	// "23h", "6d", "2w"); TimeoutSeconds is that time in seconds, to the
	// same precision.
	Timeout        string `json:"timeout,omitempty"`
	TimeoutSeconds *int64 `json:"timeout_seconds,omitempty"`
	Usage          int    `json:"usage,omitempty"`
	// Keys are a keyring's members (show only; absent beyond the depth
	// show prints, and for a keyring that could not be read, with
	// KeysError saying why).
	Keys      []*KeyJSON `json:"keys,omitempty"`
	KeysError string     `json:"keys_error,omitempty"`
}

// ListJSON is list's and rlist's document: the keyring and its members
// (rlist: Members only; list: Keys, described).
type ListJSON struct {
	Keyring int32      `json:"keyring"`
	Members []int32    `json:"members"`
	Keys    []*KeyJSON `json:"keys,omitempty"`
}

// jsonOpt removes a leading "--json" from args when at least min
// arguments follow it (min 0: any number).
func jsonOpt(args []string, min int) ([]string, bool) {
	if len(args) > 0 && len(args) > min && args[0] == "--json" {
		return args[1:], true
	}
	return args, false
}

// writeJSON prints v as one JSON document and a newline (see jsonenc.go).
func (c *ctx) writeJSON(v jsonValue) error {
	_, err := c.out.Write(append(v.appendJSON(nil), '\n'))
	return err
}

// procKeys reads /proc/keys once per command, for the fields describe
// lacks.
func (c *ctx) procKey(s keyutils.Serial) (keyutils.ProcKey, bool) {
	if c.proc == nil {
		c.proc = map[keyutils.Serial]keyutils.ProcKey{}
		keys, _ := keyutils.ReadProcKeys()
		for _, k := range keys {
			c.proc[k.Serial] = k
		}
	}
	k, ok := c.proc[s]
	return k, ok
}

// keyJSON describes key s with d.
func (c *ctx) keyJSON(d *keyutils.Describer, s keyutils.Serial) (*KeyJSON, keyutils.Description) {
	desc, err := d.Describe(s)
	return c.keyJSONOf(s, desc, err), desc
}

// keyJSONOf is key s, described as desc or with the error err.
func (c *ctx) keyJSONOf(s keyutils.Serial, desc keyutils.Description, err error) *KeyJSON {
	k := &KeyJSON{Serial: int32(s)}
	if err != nil {
		k.Error = errtext.Of(err)
		if errors.Is(err, keyutils.ErrBadDescription) {
			k.Error = "unparsable description"
		}
		return k
	}
	k.Type, k.Description = desc.Type, desc.Description
	if !utf8.ValidString(desc.Description) {
		k.DescriptionBytes = []byte(desc.Description)
	}
	k.UID, k.GID, k.Perm, k.PermText = desc.UID, desc.GID, desc.Perm.Hex(), desc.Perm.String()
	if p, ok := c.procKey(s); ok {
		k.Flags, k.Usage = p.Flags, p.Usage
		k.State = flagNames(p)
		switch {
		case p.Permanent:
			k.Timeout = "perm"
		case p.Expired:
			k.Timeout = "expd"
		default:
			sec := int64(p.Timeout.Seconds())
			k.Timeout, k.TimeoutSeconds = procTimeout(p), &sec
		}
	}
	return k
}

// procTimeout returns the timeout field of p's /proc/keys line.
func procTimeout(p keyutils.ProcKey) string {
	// The fourth field of the line.
	f := p.Raw
	for i := 0; i < 3; i++ {
		for len(f) > 0 && f[0] != ' ' {
			f = f[1:]
		}
		for len(f) > 0 && f[0] == ' ' {
			f = f[1:]
		}
	}
	for i := 0; i < len(f); i++ {
		if f[i] == ' ' {
			return f[:i]
		}
	}
	return f
}

// flagNames names the state flags of p.
func flagNames(p keyutils.ProcKey) []string {
	var s []string
	for _, f := range []struct {
		c    byte
		name string
	}{{'I', "instantiated"}, {'R', "revoked"}, {'D', "dead"}, {'Q', "quota"}, {'U', "under_construction"}, {'N', "negative"}, {'i', "invalidated"}} {
		if p.Has(f.c) {
			s = append(s, f.name)
		}
	}
	if p.Expired {
		s = append(s, "expired")
	}
	return s
}

// describeJSON is "describe --json <key>".
func (c *ctx) describeJSON(args []string) error {
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	if id < 0 {
		// The serial the special ID means, created by no one.
		if s, err := keyutils.GetKeyringID(keyutils.Special(id), false); err == nil {
			id = s
		}
	}
	var d keyutils.Describer
	k, _ := c.keyJSON(&d, id)
	if k.Error != "" {
		c.writeJSON(k)
		return exitFail
	}
	return c.writeJSON(k)
}

// listJSON is "list --json <keyring>" and, with raw, "rlist --json".
func (c *ctx) listJSON(args []string, raw bool) error {
	if len(args) != 1 {
		return c.usage()
	}
	id, err := c.key(args[0])
	if err != nil {
		return err
	}
	ring := id
	if id < 0 {
		if ring, err = keyutils.GetKeyringID(keyutils.Special(id), false); err != nil {
			return c.perror("keyctl_read_alloc", err)
		}
	}
	ids, err := keyutils.ReadKeyring(ring)
	if err != nil {
		return c.perror("keyctl_read_alloc", err)
	}
	l := ListJSON{Keyring: int32(ring), Members: make([]int32, len(ids))}
	var d keyutils.Describer
	for i, m := range ids {
		l.Members[i] = int32(m)
		if !raw {
			k, _ := c.keyJSON(&d, m)
			l.Keys = append(l.Keys, k)
		}
	}
	if !raw && l.Keys == nil {
		l.Keys = []*KeyJSON{}
	}
	return c.writeJSON(l)
}

// maxJSONDepth bounds show --json's nesting: keyrings at this level are
// listed without their members.
const maxJSONDepth = 64

// showJSON is "show --json [<keyring>]": the tree below the keyring, each
// keyring with its members nested in "keys".
func (c *ctx) showJSON(args []string) error {
	if len(args) > 1 {
		return c.usage()
	}
	var id keyutils.ID = keyutils.SessionKeyring
	if len(args) == 1 {
		s, err := c.key(args[0])
		if err != nil {
			return err
		}
		id = keyRef(s)
	}
	root, err := keyutils.GetKeyringID(id, false)
	if err != nil {
		return c.perror("Unable to dump key", err)
	}
	// The walk visits a keyring before its members: stack[l] is the
	// keyring visited last at level l.
	var top *KeyJSON
	var stack []*KeyJSON
	w := keyutils.Walker{MaxDepth: maxJSONDepth, Batch: true}
	err = w.Walk(root, func(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
		level := len(path)
		if err != nil && desc.Type == "keyring" && !errors.Is(err, keyutils.ErrCycle) {
			// The second call for a keyring: its members could not be read.
			stack[level].Keys, stack[level].KeysError = nil, errtext.Of(err)
			return nil
		}
		if errors.Is(err, keyutils.ErrCycle) {
			err = nil // described, not descended into again
		}
		k := c.keyJSONOf(key, desc, err)
		if level == 0 {
			top = k
		} else {
			stack[level-1].Keys = append(stack[level-1].Keys, k)
		}
		if err == nil && desc.Type == "keyring" {
			if level < maxJSONDepth {
				k.Keys = []*KeyJSON{}
			}
			stack = append(stack[:level], k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.writeJSON(top)
}

// keyRef is the ID of a parsed key argument: a Special for the special
// IDs, so that the library resolves them without creating a keyring.
func keyRef(id keyutils.Serial) keyutils.ID {
	if id < 0 {
		return keyutils.Special(id)
	}
	return id
}

// WhyJSON is why's document: keyutils.Access with names for its
// enumerations. Key.Error is set, and the fields after Allowed absent, when
// the caller may not view the key.
type WhyJSON struct {
	Key     *KeyJSON `json:"key"`
	Need    string   `json:"need"`    // "view", "read", "write", "search", "link" or "setattr"
	Allowed bool     `json:"allowed"` // the permission check passes
	// OK: allowed and the key's state does not make the operation fail;
	// keyctl why exits 0 exactly when OK.
	OK              bool         `json:"ok"`
	StateError      string       `json:"state_error,omitempty"`
	Caller          *Caller      `json:"caller,omitempty"`
	Possessed       bool         `json:"possessed"`
	Reachable       bool         `json:"reachable"`                  // reached by a search, but the key grants no search
	Top             string       `json:"top,omitempty"`              // "@t", "@p" or "@s": where Chain starts
	Chain           []int32      `json:"chain,omitempty"`            // serials from Top's keyring to the key
	Unchecked       []int32      `json:"unchecked,omitempty"`        // keyrings that could not be described or read
	Class           string       `json:"class,omitempty"`            // "user", "group" or "other": the class applied besides the possessor's
	ClassRights     string       `json:"class_rights,omitempty"`     // e.g. "-----v"
	PossessorRights string       `json:"possessor_rights,omitempty"` // e.g. "alswrv"
	Granted         string       `json:"granted,omitempty"`          // rights the caller has
	ByPossession    bool         `json:"by_possession"`
	Owner           bool         `json:"owner"` // the caller owns the key (setperm needs it, or CAP_SYS_ADMIN)
	Remedies        []RemedyJSON `json:"remedies,omitempty"`
}

// Caller is the ids the kernel checks: fsuid, fsgid, supplementary groups.
type Caller struct {
	UID    int   `json:"uid"`
	GID    int   `json:"gid"`
	Groups []int `json:"groups"`
}

// RemedyJSON is a change that would allow the operation.
type RemedyJSON struct {
	Kind     string `json:"kind"`              // "link", "setperm" or "session"
	Command  string `json:"command,omitempty"` // the keyctl command line, for link and setperm
	Perm     string `json:"perm,omitempty"`    // setperm: the new mask, 8 hex digits
	Feasible bool   `json:"feasible"`          // the caller could make the change itself
}

// whyJSON prints why's document.
func (c *ctx) whyJSON(id keyutils.Serial, need keyutils.PermBits, a *keyutils.Access, err error) error {
	w := WhyJSON{Need: keyutils.PermBitName(need)}
	if err != nil && !errors.Is(err, keyutils.ErrPermission) {
		return c.perror("why", err)
	}
	if err != nil {
		if id < 0 {
			if s, err := keyutils.GetKeyringID(keyutils.Special(id), false); err == nil {
				id = s
			}
		}
		w.Key = &KeyJSON{Serial: int32(id), Error: errtext.Of(err)}
		c.writeJSON(w)
		return exitFail
	}
	var d keyutils.Describer
	w.Key, _ = c.keyJSON(&d, a.Key)
	if w.Key.Error != "" {
		// Revoked, expired: describe fails, /proc/keys has the rest.
		w.Key = &KeyJSON{Serial: int32(a.Key), Type: a.Desc.Type, UID: a.Desc.UID, GID: a.Desc.GID,
			Perm: a.Desc.Perm.Hex(), PermText: a.Desc.Perm.String(), Flags: a.Flags}
		if p, ok := c.procKey(a.Key); ok {
			w.Key.State, w.Key.Usage = flagNames(p), p.Usage
		}
	}
	w.Allowed, w.OK = a.Allowed, a.OK()
	if a.StateErr != nil {
		w.StateError = errtext.Of(a.StateErr)
	}
	groups := a.Groups
	if groups == nil {
		groups = []int{}
	}
	w.Caller = &Caller{UID: a.UID, GID: a.GID, Groups: groups}
	w.Possessed, w.Reachable = a.Possessed, a.Reachable
	if a.Chain != nil {
		w.Top = a.Top.String()
		for _, s := range a.Chain {
			w.Chain = append(w.Chain, int32(s))
		}
	}
	for _, s := range a.Unchecked {
		w.Unchecked = append(w.Unchecked, int32(s))
	}
	w.Class = keyutils.PermClassName(a.Class)
	w.ClassRights = a.Desc.Perm.Class(a.Class).String()
	w.PossessorRights = a.Desc.Perm.Class(keyutils.Possessor).String()
	w.Granted = a.Granted.String()
	w.ByPossession, w.Owner = a.ByPossession, a.Owner
	for _, r := range a.Remedies {
		rj := RemedyJSON{Kind: r.Kind.String(), Feasible: r.Feasible}
		switch r.Kind {
		case keyutils.RemedyLink:
			rj.Command = fmt.Sprintf("keyctl link %d %s", int32(r.Key), r.Keyring)
		case keyutils.RemedySetPerm:
			rj.Perm = r.Perm.Hex()
			rj.Command = fmt.Sprintf("keyctl setperm %d 0x%s", int32(r.Key), r.Perm.Hex())
		}
		w.Remedies = append(w.Remedies, rj)
	}
	if err := c.writeJSON(w); err != nil {
		return err
	}
	if !a.OK() {
		return exitFail
	}
	return nil
}
