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
