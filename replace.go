package keyutils

import "time"

// ReplaceOptions are the attributes ReplaceWith gives the new key before
// it reaches the keyring, so that the key is never found there without
// them.
type ReplaceOptions struct {
	// Timeout is the new key's time to live, as Replace's timeout: counted
	// from the moment it is set and rounded down to whole seconds; 0 means
	// no expiry, and a timeout that is negative, beyond 2^32-1 seconds or
	// between 0 and a second is refused with EINVAL.
	Timeout time.Duration
	// Perm, when not zero, is the new key's permission mask (instead of
	// the one add_key(2) gives a new key of its type). It must be Valid
	// and must grant the process link permission (PosLink or UsrLink),
	// which moving the key into the keyring needs; otherwise ReplaceWith
	// fails with EINVAL before creating anything.
	Perm Perm
}
