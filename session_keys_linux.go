package keyutils

import "os/exec"

// StartWithKeys is Start with keys linked into the session keyring before
// the program starts, as a container runtime gives each container its
// secrets: the program finds them in @s, and possesses them, from its
// first instruction. It returns the session keyring's serial.
//
// The caller must possess the keys, or have link permission on them: on
// the discarded thread they are first linked into that thread's thread
// keyring, which keeps them possessed after the thread has left the
// caller's session keyring, then into the new one. A Special among keys is
// resolved, without creation, for the calling process. For a named Session
// the keys are linked into the existing keyring of that name, if it is
// joined, displacing keys of the same type and description. If linking
// fails the program is not started.
func (s Session) StartWithKeys(cmd *exec.Cmd, keys ...ID) (Serial, error) {
	return onSessionThread(func() (Serial, error) {
		serials := make([]Serial, len(keys))
		for i, k := range keys {
			switch v := k.(type) {
			case Serial:
				serials[i] = v
			case Special:
				r, err := v.Resolve()
				if err != nil {
					return 0, err
				}
				serials[i] = r
			}
			if err := Link(serials[i], ThreadKeyring); err != nil {
				return 0, err
			}
		}
		id, err := s.join()
		if err != nil {
			return 0, err
		}
		for _, k := range serials {
			if err := Link(k, id); err != nil {
				return 0, err
			}
		}
		return id, cmd.Start()
	})
}
