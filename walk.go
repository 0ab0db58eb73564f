package keyutils

import "errors"

// SkipKeyring is used as a return value from a WalkFunc to say that the
// keyring named in the call is to be skipped: its members are not visited.
// Returned for a key that is not a keyring, it skips the remaining members
// of the key's keyring. It is not returned as an error by any function.
var SkipKeyring = errors.New("skip this keyring")

// SkipAll is used as a return value from a WalkFunc to say that all
// remaining keys are to be skipped. It is not returned as an error by any
// function.
var SkipAll = errors.New("skip everything and stop the walk")

// ErrCycle is passed to a WalkFunc for a keyring that is already on the
// path to it. The kernel refuses links that would make a cycle, so it can
// only be met in a tree that changes during the walk; the keyring is not
// descended into again.
var ErrCycle = errors.New("keyutils: keyring already on the path")

// WalkFunc is the function WalkKeys calls for each key it visits.
//
// path holds the keyrings from the root (path[0]) down to the keyring
// that links key; it is empty for the root itself. path is reused by the
// walk: copy it to keep it beyond the call.
//
// desc is the key's parsed description. err reports a problem with the
// key, and then what fn returns decides whether the walk goes on (nil) or
// stops (any other error, which WalkKeys returns, or SkipAll, or
// SkipKeyring to skip the rest of key's keyring):
//
//   - The key could not be described (it died, the caller may not view
//     it) or its description did not parse: err says why (errors.Is(err,
//     ErrBadDescription) for the latter, desc then holds only Raw) and the
//     key is not descended into. Such keys are reported, not fatal.
//   - A keyring's members could not be read: fn is called a second time
//     for the keyring, with its description and the read error.
//   - A keyring already on the path: err is ErrCycle.
//
// A keyring's members are visited after the call for the keyring, in the
// keyring's order. A key linked from several keyrings is visited once per
// link.
type WalkFunc func(path []Serial, key Serial, desc Description, err error) error

// WalkKeys walks the tree of keys below root, depth-first, calling fn for
// each key, root included, in the manner of io/fs.WalkDir: fn decides with
// SkipKeyring and SkipAll what is visited, and problems with single keys
// are passed to fn rather than ending the walk. Keyrings (type exactly
// "keyring") are descended into. A special ID as root is resolved by the
// kernel, with its rules (see Special); pass a Serial to walk a keyring
// you resolved. Each keyring is read once, and all keys are described
// through one reused buffer (Describer).
func WalkKeys(root ID, fn WalkFunc) error {
	var w Walker
	return w.Walk(root, fn)
}

// Walker is WalkKeys with options, and state that fn may query during the
// walk. The zero value walks without a depth limit. A Walker must not be
// used by several goroutines at once.
type Walker struct {
	// MaxDepth, when positive, is the deepest level visited (the root is
	// level 0): the members of keyrings at level MaxDepth are read (a read
	// error is reported) but not visited.
	MaxDepth int

	// Batch, when set, has the walk look the tree up before it calls
	// fn, level by level, each level of 256 keys or more in one batch
	// from helper threads (see Describer.DescribeAll; smaller levels are
	// looked up on the calling thread): from a thread of a big session
	// tree every lookup by serial makes the kernel search that whole tree
	// for possession, which a thread in an empty session keyring avoids,
	// and several helpers share a big level between CPUs. Keys
	// and keyrings the helper may not view or read without possessing
	// them are looked up again on the calling thread, so fn sees what it
	// would see without Batch: descriptions (with their permission masks)
	// and member lists are the keys' own, and errors are the calling
	// thread's. The differences: the whole tree (to MaxDepth) is looked
	// up first, also below keyrings fn then skips, and a keyring linked
	// from several keyrings is read once. The helper threads are gone
	// before fn is first called, so fn may do anything, JoinProcess
	// included (which waits while they exist). RecursiveKeyScan (keyctl's
	// purge, reap and unlink) and keyctl's show walk this way; keyctl's
	// list uses Describer.DescribeAll.
	Batch bool

	d     Describer
	batch map[Serial]*lookedUp // what prefetch found (Batch)
	buf   []byte
	path  []Serial
	last  []bool // per level: the key being visited is its keyring's last member
	// post, when set, is called after a key's members (RecursiveKeyScan).
	post func(path []Serial, key Serial, desc Description, err error)
	// quietRead: fn gets no second call for a read error.
	quietRead bool
}

// Depth returns, during a call of the WalkFunc, the level of the key
// visited: 0 for the root, len(path).
func (w *Walker) Depth() int { return len(w.path) }

// Last reports, during a call of the WalkFunc, whether the key visited is
// the last member of its keyring (true for the root).
func (w *Walker) Last() bool { return w.last[len(w.path)] }

// visit visits key, whose keyring is the end of w.path.
func (w *Walker) visit(key Serial, fn WalkFunc) error {
	desc, err := w.describe(key)
	if err == nil && desc.Type == "keyring" {
		for _, p := range w.path {
			if p == key {
				err = ErrCycle
			}
		}
	}
	if fn != nil {
		if ferr := fn(w.path, key, desc, err); ferr != nil {
			if ferr == SkipKeyring && err == nil && desc.Type == "keyring" {
				w.postVisit(key, desc, nil)
				return nil // only this keyring's members are skipped
			}
			return ferr
		}
	}
	if err != nil || desc.Type != "keyring" {
		w.postVisit(key, desc, err)
		return nil
	}
	members, rerr := w.read(key)
	if rerr != nil {
		if fn != nil && !w.quietRead {
			if ferr := fn(w.path, key, desc, rerr); ferr != nil {
				if ferr == SkipKeyring {
					ferr = nil
				}
				return ferr
			}
		}
		w.postVisit(key, desc, nil)
		return nil
	}
	if w.MaxDepth <= 0 || len(w.path) < w.MaxDepth {
		w.path = append(w.path, key)
		w.last = append(w.last[:len(w.path)], false)
		for i, m := range members {
			w.last[len(w.path)] = i == len(members)-1
			err := w.visit(m, fn)
			if err == SkipKeyring {
				break // a member that is not a keyring skipped the rest
			}
			if err != nil {
				w.path = w.path[:len(w.path)-1]
				return err
			}
		}
		w.path = w.path[:len(w.path)-1]
	}
	w.postVisit(key, desc, nil)
	return nil
}

func (w *Walker) postVisit(key Serial, desc Description, err error) {
	if w.post != nil {
		w.post(w.path, key, desc, err)
	}
}
