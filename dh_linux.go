package keyutils

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// dhParams mirrors struct keyctl_dh_params.
type dhParams struct {
	private, prime, base int32
}

// kdfParams mirrors struct keyctl_kdf_params.
type kdfParams struct {
	hashName     *byte
	otherInfo    *byte
	otherInfoLen uint32
	_            [8]uint32
}

// DHCompute computes the Diffie-Hellman shared secret base^private mod
// prime from three readable "user" keys holding the big-endian numbers
// (KEYCTL_DH_COMPUTE). Kernels built without CONFIG_KEY_DH_OPERATIONS
// answer ErrUnsupported.
func DHCompute(private, prime, base ID) ([]byte, error) {
	p := dhParams{rawID(private), rawID(prime), rawID(base)}
	n, err := dhCompute(&p, nil, nil)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, n)
	n, err = dhCompute(&p, buf, nil)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// DHComputeKDF is DHCompute with the shared secret passed through the
// SP800-56A key derivation function using hash (e.g. "sha256") and
// otherInfo, returning length bytes.
func DHComputeKDF(private, prime, base ID, hash string, otherInfo []byte, length int) ([]byte, error) {
	p := dhParams{rawID(private), rawID(prime), rawID(base)}
	var hb [64]byte
	k := kdfParams{hashName: cstr(hb[:], hash), otherInfoLen: uint32(len(otherInfo))}
	if len(otherInfo) > 0 {
		k.otherInfo = &otherInfo[0]
	}
	buf := make([]byte, length)
	n, err := dhCompute(&p, buf, &k)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

func dhCompute(p *dhParams, buf []byte, k *kdfParams) (int, error) {
	r, _, e := unix.Syscall6(unix.SYS_KEYCTL, unix.KEYCTL_DH_COMPUTE, uintptr(unsafe.Pointer(p)),
		uintptr(bufPtr(buf)), uintptr(len(buf)), uintptr(unsafe.Pointer(k)), 0)
	if e != 0 {
		return 0, newError("dh_compute", p.private, e)
	}
	return int(r), nil
}
