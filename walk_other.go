//go:build !linux

package keyutils

// Walk is WalkKeys with w's options. On this system it fails with
// ErrUnsupported.
func (w *Walker) Walk(root ID, fn WalkFunc) error { return notLinux("walk", root) }
