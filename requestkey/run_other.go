//go:build !linux

package requestkey

// Run handles one upcall from the kernel. On this system it returns an
// *Error wrapping errors.ErrUnsupported.
func Run(args []string, o *Options) error {
	return &Error{Msg: errNotLinux.Error(), Err: errNotLinux}
}
