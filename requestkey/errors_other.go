//go:build !linux

package requestkey

// On systems other than Linux, which have no kernel key retention service
// and never run request-key, the package has the same API, laid out as the
// library's (see its errors_other.go): what compiles everywhere is
// declared once, in files without a build constraint (configuration
// parsing and matching work); X_linux.go holds what needs Linux, and
// X_other.go its stubs: Run and Load fail with an error wrapping
// errors.ErrUnsupported, and Serve fails so through the library's stubs
// without calling its handler.

import (
	"errors"
	"fmt"
	"runtime"
)

// errNotLinux is the cause of Run's and Load's failures on this system.
var errNotLinux = fmt.Errorf("the kernel key retention service is Linux-only, and this is %s: %w", runtime.GOOS, errors.ErrUnsupported)
