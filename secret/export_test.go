//go:build linux

package secret

// OpenLinkOnly is Open as it runs on kernels without KEYCTL_MOVE: the
// store's keyring is created by looking, then linking.
func OpenLinkOnly(name string, opts Options) (*Store, error) {
	return open(name, opts, true)
}

// Verdict is the decision behind ErrBlocked and ErrNoKeyrings.
var Verdict = verdict
