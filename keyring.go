package keyutils

// MoveFlags modify Move.
type MoveFlags uint

// MoveExclusive makes Move fail with fs.ErrExist (EEXIST) when the
// destination already holds a key of the same type and description, instead
// of displacing it.
const MoveExclusive MoveFlags = 1 // KEYCTL_MOVE_EXCL

// RestrictKeyring restricts which keys may be linked into keyring ring
// (KEYCTL_RESTRICT_KEYRING). With keyType "" the keyring refuses all
// further links; otherwise restriction is interpreted by that key type
// (for "asymmetric": "builtin_trusted", "key_or_keyring:<id>[:chain]", ...).
// An empty restriction is passed as NULL. See RestrictKeyringArgs to pass
// empty strings as such.
func RestrictKeyring(ring ID, keyType, restriction string) error {
	var t, r *string
	if keyType != "" {
		t = &keyType
	}
	if restriction != "" {
		r = &restriction
	}
	return RestrictKeyringArgs(ring, t, r)
}
