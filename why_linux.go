package keyutils

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// maxPossessDepth is the kernel's KEYRING_SEARCH_MAX_DEPTH: a search
// descends at most this many keyrings below the keyring it starts in.
const maxPossessDepth = 6

// Why explains whether the calling thread may do need (one of PermView,
// PermRead, PermWrite, PermSearch, PermLink, PermSetattr) to key, by the
// kernel's rules (see Access). It changes nothing and creates no keyring:
// the thread, process and session keyrings are resolved without creation,
// and possession is worked out by a breadth-first search from them with
// KEYCTL_DESCRIBE and KEYCTL_READ, as the kernel's search would find the
// key. Like the special IDs, the answer is the calling OS thread's: call it
// on a locked thread when the thread keyring matters.
//
// Why does not follow a request-key authorization key (@a) to the
// keyrings of the process that requested the key, as the kernel does for
// the request-key helper: there a key possessed only that way is reported
// as not possessed.
//
// A key the caller may not view cannot be described (neither
// KEYCTL_DESCRIBE nor /proc/keys show it): then Why returns an error
// wrapping ErrPermission, which for PermView is the answer itself.
func Why(key ID, need PermBits) (*Access, error) {
	if need == 0 || need&(need-1) != 0 || need&^PermAll != 0 {
		return nil, newError("why", rawID(key), unix.EINVAL)
	}
	serial, ok := key.(Serial)
	if !ok {
		// A special ID: the keyring it means, created by no one.
		s, err := GetKeyringID(key, false)
		if err != nil {
			return nil, err
		}
		serial = s
	}
	var err error
	a := &Access{Key: serial, Need: need}
	if a.UID, a.GID, a.Groups, err = threadCreds(); err != nil {
		return nil, err
	}
	info, err := Info(serial)
	if err != nil {
		return nil, err
	}
	a.Desc, a.Flags = info.Description, info.Flags
	switch {
	case info.Revoked():
		a.StateErr = ErrRevoked
	case info.Expired:
		a.StateErr = ErrExpired
	case info.Invalidated(), info.Listed && strings.IndexByte(info.Flags, 'D') >= 0:
		a.StateErr = ErrNotFound
	case info.Negative() && need != PermView && need != PermSetattr:
		a.StateErr = ErrNotFound
	}
	var d Describer
	a.possession(serial, &d)
	a.grant()
	return a, nil
}

// possession sets a.Possessed, a.Reachable, a.Chain, a.Top and
// a.Unchecked by a breadth-first search from the thread, process and
// session keyrings.
func (a *Access) possession(key Serial, d *Describer) {
	type node struct {
		serial Serial
		depth  int
		parent int // index in nodes, -1 for a top keyring
		top    Special
	}
	var nodes []node
	seen := map[Serial]bool{}
	searchable := func(desc Description) bool {
		p := desc.Perm
		return (p.Class(Possessor)|p.Class(applicableClass(desc, a.UID, a.GID, a.Groups)))&PermSearch != 0
	}
	chain := func(i int) []Serial {
		var c []Serial
		for ; i >= 0; i = nodes[i].parent {
			c = append(c, nodes[i].serial)
		}
		for l, r := 0, len(c)-1; l < r; l, r = l+1, r-1 {
			c[l], c[r] = c[r], c[l]
		}
		return c
	}
	found := func(i int, desc Description) bool {
		a.Chain, a.Top = chain(i), nodes[i].top
		if searchable(desc) {
			a.Possessed = true
		} else {
			a.Reachable = true
		}
		return true
	}
	for _, top := range [...]Special{ThreadKeyring, ProcessKeyring, SessionKeyring} {
		s, err := GetKeyringID(top, false)
		if err != nil || seen[s] {
			continue
		}
		seen[s] = true
		desc, err := d.Describe(s)
		if err != nil {
			a.Unchecked = append(a.Unchecked, s)
			continue
		}
		if !searchable(desc) {
			continue // the kernel's search fails at the top keyring
		}
		nodes = append(nodes, node{serial: s, parent: -1, top: top})
		if s == key {
			found(len(nodes)-1, desc)
			return
		}
	}
	var buf []byte
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		members, b, err := ReadKeyringInto(n.serial, nil, buf)
		buf = b
		if err != nil {
			a.Unchecked = append(a.Unchecked, n.serial)
			continue
		}
		for _, m := range members {
			if m != key && (n.depth >= maxPossessDepth || seen[m]) {
				continue
			}
			desc, err := d.Describe(m)
			if m == key {
				if err != nil {
					desc = a.Desc
				}
				nodes = append(nodes, node{serial: m, depth: n.depth + 1, parent: i, top: n.top})
				found(len(nodes)-1, desc)
				return
			}
			seen[m] = true
			if errors.Is(err, ErrPermission) {
				// Perhaps a keyring the caller may search but not view.
				a.Unchecked = append(a.Unchecked, m)
				continue
			}
			if err != nil {
				continue // dead (revoked, expired, gone): searched no further
			}
			if desc.Type == "keyring" && searchable(desc) {
				nodes = append(nodes, node{serial: m, depth: n.depth + 1, parent: i, top: n.top})
			}
		}
	}
}

// threadCreds returns the calling thread's fsuid, fsgid and supplementary
// groups from /proc/thread-self/status: the ids the kernel checks key
// permissions against.
func threadCreds() (uid, gid int, groups []int, err error) {
	f, err := os.Open("/proc/thread-self/status")
	if err != nil {
		return 0, 0, nil, err
	}
	defer f.Close()
	uid, gid = -1, -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, _ := strings.Cut(sc.Text(), ":")
		fs := strings.Fields(val)
		switch name {
		case "Uid":
			if len(fs) == 4 {
				uid, _ = strconv.Atoi(fs[3])
			}
		case "Gid":
			if len(fs) == 4 {
				gid, _ = strconv.Atoi(fs[3])
			}
		case "Groups":
			for _, g := range fs {
				if n, err := strconv.Atoi(g); err == nil {
					groups = append(groups, n)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, nil, err
	}
	if uid < 0 || gid < 0 {
		return 0, 0, nil, fmt.Errorf("keyutils: no Uid or Gid line in /proc/thread-self/status")
	}
	return uid, gid, groups, nil
}

// procKeyOf returns the /proc/keys line of key s, or an error wrapping
// os.ErrNotExist when /proc/keys does not list it for the caller.
func procKeyOf(s Serial) (ProcKey, error) {
	f, err := os.Open("/proc/keys")
	if err != nil {
		return ProcKey{}, err
	}
	defer f.Close()
	prefix := fmt.Sprintf("%08x ", uint32(s))
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 8192), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, prefix) {
			return ParseProcKey(line)
		}
	}
	if err := sc.Err(); err != nil {
		return ProcKey{}, err
	}
	return ProcKey{}, os.ErrNotExist
}
