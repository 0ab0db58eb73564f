package keyutils

// NewKeyring creates a keyring named name linked into ring and returns its
// serial. A keyring of that name already in ring is replaced by the new
// one (its link, not its serial, is reused).
func NewKeyring(name string, ring ID) (Serial, error) {
	return AddKey("keyring", name, nil, ring)
}
