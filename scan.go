package keyutils

// maxScanDepth is libkeyutils' recursion limit for RecursiveKeyScan.
const maxScanDepth = 800

// RecursiveKeyScan walks the tree of keys below root depth-first,
// post-order (a keyring's members before the keyring), calling fn once per
// link, and returns the sum of fn's results; it is libkeyutils'
// recursive_key_scan. root is passed with parent 0. desc is the raw
// description string ("type;uid;gid;perm;description"); when describing
// the key failed or its description did not parse, desc is "" and err says
// why. Keyrings (type exactly "keyring") whose payload can be read are
// descended into, to a depth of 800. It is WalkKeys with the callback
// after a keyring's members instead of before: each keyring's member list
// is read once, through one reused payload buffer, and the keys are
// described through one reused description buffer. The tree is looked up
// level by level from a helper thread first (see Walker.Batch), which
// makes the scan of a big session tree several times faster.
func RecursiveKeyScan(root ID, fn func(parent, key Serial, desc string, err error) int) int {
	sum := 0
	w := Walker{MaxDepth: maxScanDepth, Batch: true, quietRead: true}
	w.post = func(path []Serial, key Serial, desc Description, err error) {
		var parent Serial
		if len(path) > 0 {
			parent = path[len(path)-1]
		}
		raw := desc.Raw
		switch {
		case err == ErrCycle:
			err = nil // reported as a keyring not descended into
		case err != nil:
			raw = ""
		}
		sum += fn(parent, key, raw, err)
	}
	w.Walk(root, nil)
	return sum
}

// RecursiveSessionKeyScan is RecursiveKeyScan from the calling thread's
// session keyring, resolved without creating one; it returns 0 when there
// is none.
func RecursiveSessionKeyScan(fn func(parent, key Serial, desc string, err error) int) int {
	s, err := SessionKeyring.Resolve()
	if err != nil {
		return 0
	}
	return RecursiveKeyScan(s, fn)
}
