package keyutils

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file holds the key-construction side of request_key(2): what an
// upcall handler such as /sbin/request-key does with the key under
// construction. All of it needs the authority the kernel grants through
// the authorisation key (see AssumeAuthority); without it the kernel
// answers EPERM.

// Instantiate sets the payload of the key under construction id and links
// it into ring, which may be nil (KEYCTL_INSTANTIATE).
func Instantiate(id ID, payload []byte, ring ID) error {
	_, e := keyctlPtr(unix.KEYCTL_INSTANTIATE, id32(rawID(id)), bufPtr(payload), uintptr(len(payload)), id32(rawID(ring)))
	return check("instantiate", id, e)
}

// InstantiateIov is Instantiate with the payload given in pieces
// (KEYCTL_INSTANTIATE_IOV). On kernels without it the pieces are joined
// and passed to Instantiate, as libkeyutils does.
func InstantiateIov(id ID, payload [][]byte, ring ID) error {
	iov := make([]unix.Iovec, len(payload))
	for i, p := range payload {
		if len(p) > 0 {
			iov[i].Base = &p[0]
			iov[i].SetLen(len(p))
		}
	}
	var p unsafe.Pointer
	if len(iov) > 0 {
		p = unsafe.Pointer(&iov[0])
	}
	_, e := keyctlPtr(unix.KEYCTL_INSTANTIATE_IOV, id32(rawID(id)), p, uintptr(len(iov)), id32(rawID(ring)))
	if e == unix.EOPNOTSUPP {
		// One allocation of the final size: growing by append would drop
		// partial copies of the payload without wiping them.
		size := 0
		for _, b := range payload {
			size += len(b)
		}
		all := make([]byte, 0, size)
		for _, b := range payload {
			all = append(all, b...)
		}
		err := Instantiate(id, all, ring)
		Wipe(all)
		return err
	}
	return check("instantiate_iov", id, e)
}

// Negate marks the key under construction id as negative for timeout
// (rounded down to seconds): requests for it fail with ErrNotFound until it
// expires. It is linked into ring if that is not nil (KEYCTL_NEGATE).
func Negate(id ID, timeout time.Duration, ring ID) error {
	s, err := seconds("negate", id, timeout)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_NEGATE, id32(rawID(id)), s, id32(rawID(ring)), 0)
	return check("negate", id, e)
}

// Reject is Negate with the error that requests for the key get until it
// expires, e.g. unix.EKEYREJECTED, unix.EKEYREVOKED or unix.EKEYEXPIRED
// (KEYCTL_REJECT). On kernels without KEYCTL_REJECT it negates, as
// libkeyutils does.
func Reject(id ID, timeout time.Duration, errno unix.Errno, ring ID) error {
	s, err := seconds("reject", id, timeout)
	if err != nil {
		return err
	}
	_, e := keyctl(unix.KEYCTL_REJECT, id32(rawID(id)), s, uintptr(errno), id32(rawID(ring)))
	if e == unix.EOPNOTSUPP {
		return Negate(id, timeout, ring)
	}
	return check("reject", id, e)
}

// AssumeAuthority makes the calling thread act with the authority to
// construct key id, whose authorisation key must be in its keyrings
// (KEYCTL_ASSUME_AUTHORITY); ReqKeyAuthKey (@a) then names the
// authorisation key. Serial(0) gives the authority up. Authority belongs to
// the calling OS thread: lock it (runtime.LockOSThread) around the whole
// construction.
func AssumeAuthority(id ID) error {
	_, e := keyctl(unix.KEYCTL_ASSUME_AUTHORITY, id32(rawID(id)), 0, 0, 0)
	return check("assume_authority", id, e)
}

// SetReqKeyKeyring sets the calling thread's default request-key keyring
// and returns the previous setting; ReqKeyNoChange only reads it.
func SetReqKeyKeyring(d ReqKeyDefault) (ReqKeyDefault, error) {
	r, e := keyctl(unix.KEYCTL_SET_REQKEY_KEYRING, uintptr(int64(d)), 0, 0, 0)
	if e != 0 {
		return 0, newError("set_reqkey_keyring", 0, e)
	}
	return ReqKeyDefault(r), nil
}
