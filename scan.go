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
// descended into, to a depth of 800. Each keyring's member list is read
// once, through one reused payload buffer, and the keys are described
// through one reused description buffer.
func RecursiveKeyScan(root ID, fn func(parent, key Serial, desc string, err error) int) int {
	s := scanner{fn: fn, buf: make([]byte, 1024)}
	r := rawID(root)
	return s.scan(0, Serial(r), 0)
}

type scanner struct {
	fn  func(parent, key Serial, desc string, err error) int
	d   Describer
	buf []byte // keyring payload buffer, reused (members are decoded out)
}

func (s *scanner) scan(parent, key Serial, depth int) int {
	desc, err := s.describe(key)
	sum := 0
	if err == nil && depth < maxScanDepth && isKeyringDesc(desc) {
		ids, buf, rerr := ReadKeyringInto(key, nil, s.buf)
		s.buf = buf
		if rerr == nil {
			for _, id := range ids {
				sum += s.scan(key, id, depth+1)
			}
		}
	}
	return sum + s.fn(parent, key, desc, err)
}

func (s *scanner) describe(key Serial) (string, error) {
	raw, err := s.d.Raw(key)
	if err != nil {
		return "", err
	}
	desc := string(raw)
	if _, err := ParseDescription(desc); err != nil {
		return "", newError("describe", int32(key), err)
	}
	return desc, nil
}

func isKeyringDesc(desc string) bool {
	return len(desc) > 8 && desc[:8] == "keyring;"
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
