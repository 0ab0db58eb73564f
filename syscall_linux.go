package keyutils

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file is the raw layer: thin wrappers around add_key(2),
// request_key(2) and keyctl(2) that add no policy. They take pointers so
// that NULL (a nil pointer) can be expressed where x/sys/unix cannot, and
// they never allocate on success.

// cstr returns a NUL-terminated copy of s. When s fits, the copy is made in
// buf (normally a stack array of the caller) so that no allocation happens.
func cstr(buf []byte, s string) *byte {
	if len(s) < len(buf) {
		n := copy(buf, s)
		buf[n] = 0
		return &buf[0]
	}
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// nulArg returns an EINVAL Error for op when one of ss contains a NUL
// byte: the kernel reads these arguments as C strings, so it would
// silently act on a shorter string than the caller gave.
func nulArg(op string, ss ...string) error {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return &Error{Op: op, Err: unix.EINVAL, Detail: "a key type, description or name contains a NUL byte"}
		}
	}
	return nil
}

// bufPtr returns the address of b's first byte, or nil for an empty slice.
func bufPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

func keyctl(cmd int, a2, a3, a4, a5 uintptr) (int, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_KEYCTL, uintptr(cmd), a2, a3, a4, a5, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), 0
}

// keyctlPtr is keyctl with a pointer in argument 3. The pointer is
// converted to uintptr in the call expression itself, as unsafe.Pointer's
// rules require.
func keyctlPtr(cmd int, a2 uintptr, p3 unsafe.Pointer, a4, a5 uintptr) (int, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_KEYCTL, uintptr(cmd), a2, uintptr(p3), a4, a5, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), 0
}

// keyctlNoWait is keyctlPtr without telling the Go scheduler about the
// system call (unix.RawSyscall6), which saves it 200-300 ns per call. It is
// only for operations that never sleep waiting for something else: those
// that look their key up with KEY_LOOKUP_PARTIAL and so never wait for a
// key under construction (KEYCTL_DESCRIBE, KEYCTL_GET_SECURITY), and
// resolving a special keyring ID without creating it (those keyrings are
// instantiated when created). Every other keyctl operation can block until
// a request-key upcall finishes, which a raw system call must not do: the
// whole program would stall at the next garbage collection.
func keyctlNoWait(cmd int, a2 uintptr, p3 unsafe.Pointer, a4, a5 uintptr) (int, unix.Errno) {
	r, _, e := unix.RawSyscall6(unix.SYS_KEYCTL, uintptr(cmd), a2, uintptr(p3), a4, a5, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), 0
}

func addKey(typ, desc *byte, payload []byte, ring int32) (int32, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_ADD_KEY,
		uintptr(unsafe.Pointer(typ)), uintptr(unsafe.Pointer(desc)),
		uintptr(bufPtr(payload)), uintptr(len(payload)), uintptr(ring), 0)
	if e != 0 {
		return -1, e
	}
	return int32(r), 0
}

func requestKey(typ, desc, callout *byte, dest int32) (int32, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_REQUEST_KEY,
		uintptr(unsafe.Pointer(typ)), uintptr(unsafe.Pointer(desc)),
		uintptr(unsafe.Pointer(callout)), uintptr(dest), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int32(r), 0
}

// id32 converts a (possibly negative) key ID to the unsigned long the
// kernel receives, sign-extended as C does for key_serial_t arguments.
func id32(id int32) uintptr { return uintptr(int64(id)) }
