package keyutils

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// pkeyQuery mirrors struct keyctl_pkey_query.
type pkeyQuery struct {
	supportedOps uint32
	keySize      uint32
	maxDataSize  uint16
	maxSigSize   uint16
	maxEncSize   uint16
	maxDecSize   uint16
	_            [10]uint32
}

// pkeyParams mirrors struct keyctl_pkey_params.
type pkeyParams struct {
	keyID  int32
	inLen  uint32
	outLen uint32 // or in2_len for verify
	_      [7]uint32
}

// PKeyQuery asks what asymmetric key id supports with the given info
// string, a space-separated list of key=value options such as
// "enc=pkcs1 hash=sha256" (KEYCTL_PKEY_QUERY).
func PKeyQuery(id ID, info string) (PKeyInfo, error) {
	var q pkeyQuery
	var ib [256]byte
	_, _, e := unix.Syscall6(unix.SYS_KEYCTL, unix.KEYCTL_PKEY_QUERY, id32(rawID(id)), 0,
		uintptr(unsafe.Pointer(cstr(ib[:], info))), uintptr(unsafe.Pointer(&q)), 0)
	if e != 0 {
		return PKeyInfo{}, newError("pkey_query", rawID(id), e)
	}
	return PKeyInfo{PKeyOps(q.supportedOps), q.keySize, q.maxDataSize, q.maxSigSize, q.maxEncSize, q.maxDecSize}, nil
}

// PKeyEncrypt encrypts in with asymmetric key id into out and returns the
// length written (KEYCTL_PKEY_ENCRYPT). out should hold
// PKeyInfo.MaxEncSize bytes.
func PKeyEncrypt(id ID, info string, in, out []byte) (int, error) {
	return pkeyOp(unix.KEYCTL_PKEY_ENCRYPT, "pkey_encrypt", id, info, in, out)
}

// PKeyDecrypt decrypts in with asymmetric key id into out and returns the
// length written (KEYCTL_PKEY_DECRYPT). It needs a private key.
func PKeyDecrypt(id ID, info string, in, out []byte) (int, error) {
	return pkeyOp(unix.KEYCTL_PKEY_DECRYPT, "pkey_decrypt", id, info, in, out)
}

// PKeySign signs the digest in with asymmetric key id into out and returns
// the signature's length (KEYCTL_PKEY_SIGN). It needs a private key.
func PKeySign(id ID, info string, in, out []byte) (int, error) {
	return pkeyOp(unix.KEYCTL_PKEY_SIGN, "pkey_sign", id, info, in, out)
}

// PKeyVerify checks signature sig of the digest data with asymmetric key
// id (KEYCTL_PKEY_VERIFY). A bad signature gives ErrRejected.
func PKeyVerify(id ID, info string, data, sig []byte) error {
	_, err := pkeyOp(unix.KEYCTL_PKEY_VERIFY, "pkey_verify", id, info, data, sig)
	return err
}

func pkeyOp(cmd int, op string, id ID, info string, in, out []byte) (int, error) {
	p := pkeyParams{keyID: rawID(id), inLen: uint32(len(in)), outLen: uint32(len(out))}
	var ib [256]byte
	r, _, e := unix.Syscall6(unix.SYS_KEYCTL, uintptr(cmd), uintptr(unsafe.Pointer(&p)),
		uintptr(unsafe.Pointer(cstr(ib[:], info))), uintptr(bufPtr(in)), uintptr(bufPtr(out)), 0)
	if e != 0 {
		return 0, newError(op, rawID(id), e)
	}
	return int(r), nil
}
