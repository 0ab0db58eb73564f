//go:build !linux

package keyutils

import "os/exec"

// Join makes the calling OS thread join s (KEYCTL_JOIN_SESSION_KEYRING).
// On this system it fails with ErrUnsupported.
func (s Session) Join() (Serial, error) { return 0, notLinux("join_session_keyring", nil) }

// Start starts cmd in s. On this system it fails with ErrUnsupported and
// does not start cmd.
func (s Session) Start(cmd *exec.Cmd) (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// Exec replaces the calling process with the program at path in s. On
// this system it fails with ErrUnsupported and does not exec.
func (s Session) Exec(path string, argv, envv []string) error {
	return notLinux("join_session_keyring", nil)
}

// JoinProcess moves every OS thread of the calling process into s. On this
// system it fails with ErrUnsupported.
func (s Session) JoinProcess() (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}

// ToParent gives s to the parent of the calling process. On this system
// it fails with ErrUnsupported.
func (s Session) ToParent() (Serial, error) {
	return 0, notLinux("join_session_keyring", nil)
}
