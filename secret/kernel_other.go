//go:build !linux

package secret

// kernelKind is nil here: every operation fails with the library's error,
// which wraps errors.ErrUnsupported and says that keyrings are Linux's.
func kernelKind(err error) (kind error, hint string) { return nil, "" }
