//go:build !linux

package keyutils

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
