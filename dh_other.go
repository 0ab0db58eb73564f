//go:build !linux

package keyutils

// DHCompute computes a Diffie-Hellman shared secret from three keys
// (KEYCTL_DH_COMPUTE). On this system it fails with ErrUnsupported.
func DHCompute(private, prime, base ID) ([]byte, error) {
	return nil, notLinux("dh_compute", private)
}

// DHComputeKDF is DHCompute with the shared secret passed through a key
// derivation function. On this system it fails with ErrUnsupported.
func DHComputeKDF(private, prime, base ID, hash string, otherInfo []byte, length int) ([]byte, error) {
	return nil, notLinux("dh_compute", private)
}
