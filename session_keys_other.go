//go:build !linux

package keyutils

import "os/exec"

// StartWithKeys is Start with keys linked into the session keyring before
// the program starts. On this system it fails with ErrUnsupported and does
// not start cmd.
func (s Session) StartWithKeys(cmd *exec.Cmd, keys ...ID) (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}
