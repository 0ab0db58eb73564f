//go:build !linux

package keyutils

// PKeyOps is the set of public-key operations a key supports.
type PKeyOps uint32

// The operations of KEYCTL_PKEY_QUERY's supported_ops.
const (
	PKeyEncryptOp PKeyOps = 0x01
	PKeyDecryptOp PKeyOps = 0x02
	PKeySignOp    PKeyOps = 0x04
	PKeyVerifyOp  PKeyOps = 0x08
)

// PKeyInfo is what KEYCTL_PKEY_QUERY reports about an asymmetric key.
type PKeyInfo struct {
	Ops         PKeyOps // operations the key supports with the given info
	KeySize     uint32  // in bits
	MaxDataSize uint16  // largest input to sign or encrypt
	MaxSigSize  uint16  // size of a signature
	MaxEncSize  uint16  // size of an encrypted blob
	MaxDecSize  uint16  // largest decrypted output
}

// PKeyQuery asks what asymmetric key id supports (KEYCTL_PKEY_QUERY). On
// this system it fails with ErrUnsupported.
func PKeyQuery(id ID, info string) (PKeyInfo, error) {
	return PKeyInfo{}, notLinux("pkey_query", id)
}

// PKeyEncrypt encrypts in with asymmetric key id (KEYCTL_PKEY_ENCRYPT). On
// this system it fails with ErrUnsupported.
func PKeyEncrypt(id ID, info string, in, out []byte) (int, error) {
	return 0, notLinux("pkey_encrypt", id)
}

// PKeyDecrypt decrypts in with asymmetric key id (KEYCTL_PKEY_DECRYPT). On
// this system it fails with ErrUnsupported.
func PKeyDecrypt(id ID, info string, in, out []byte) (int, error) {
	return 0, notLinux("pkey_decrypt", id)
}

// PKeySign signs the digest in with asymmetric key id (KEYCTL_PKEY_SIGN).
// On this system it fails with ErrUnsupported.
func PKeySign(id ID, info string, in, out []byte) (int, error) {
	return 0, notLinux("pkey_sign", id)
}

// PKeyVerify checks signature sig of the digest data with asymmetric key
// id (KEYCTL_PKEY_VERIFY). On this system it fails with ErrUnsupported.
func PKeyVerify(id ID, info string, data, sig []byte) error {
	return notLinux("pkey_verify", id)
}
