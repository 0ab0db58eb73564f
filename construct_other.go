//go:build !linux

package keyutils

import (
	"syscall"
	"time"
)

// Instantiate sets the payload of the key under construction id
// (KEYCTL_INSTANTIATE). On this system it fails with ErrUnsupported.
func Instantiate(id ID, payload []byte, ring ID) error { return notLinux("instantiate", id) }

// InstantiateIov is Instantiate with the payload given in pieces
// (KEYCTL_INSTANTIATE_IOV). On this system it fails with ErrUnsupported.
func InstantiateIov(id ID, payload [][]byte, ring ID) error {
	return notLinux("instantiate_iov", id)
}

// Negate marks the key under construction id as negative for timeout
// (KEYCTL_NEGATE). On this system it fails with ErrUnsupported.
func Negate(id ID, timeout time.Duration, ring ID) error { return notLinux("negate", id) }

// Reject is Negate with the error that requests for the key get
// (KEYCTL_REJECT); errno is a unix.Errno on Linux, where it is the same
// type as syscall.Errno. On this system it fails with ErrUnsupported.
func Reject(id ID, timeout time.Duration, errno syscall.Errno, ring ID) error {
	return notLinux("reject", id)
}

// AssumeAuthority makes the calling thread act with the authority to
// construct key id (KEYCTL_ASSUME_AUTHORITY). On this system it fails with
// ErrUnsupported.
func AssumeAuthority(id ID) error { return notLinux("assume_authority", id) }

// SetReqKeyKeyring sets the calling thread's default request-key keyring
// (KEYCTL_SET_REQKEY_KEYRING). On this system it fails with
// ErrUnsupported.
func SetReqKeyKeyring(d ReqKeyDefault) (ReqKeyDefault, error) {
	return 0, notLinux("set_reqkey_keyring", nil)
}
