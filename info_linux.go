package keyutils

import "time"

// Info returns what is known about key id: its description
// (KEYCTL_DESCRIBE) and its line of /proc/keys, read once each (a /proc/keys that cannot be read leaves Listed false). A key that
// cannot be described because of its state (revoked, expired) but that
// /proc/keys lists is reported without error, with Described false. The
// error is describe's when neither source has the key. Info scans
// /proc/keys, whose length is the number of keys the caller may view: for
// many keys, read it once with ReadProcKeys instead.
func Info(id ID) (KeyInfo, error) {
	s := Serial(rawID(id))
	if _, ok := id.(Special); ok {
		r, err := GetKeyringID(id, false)
		if err != nil {
			return KeyInfo{}, err
		}
		s = r
	}
	k := KeyInfo{Serial: s}
	desc, err := Describe(s)
	if err == nil {
		k.Description, k.Described = desc, true
	}
	now := time.Now()
	if p, perr := procKeyOf(s); perr == nil {
		k.fill(p, now)
	}
	if !k.Described && !k.Listed {
		return KeyInfo{}, err
	}
	return k, nil
}
