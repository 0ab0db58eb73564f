//go:build linux

package requestkey

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/keyutils-go/keyutils/internal/trustfile"
)

// TestSkipError: package trustfile's refusals become request-key's
// *Error "Ignoring <path>: <reason>", wrapping ErrUntrusted or
// ErrNotRegular; other errors are left alone. (The rule itself is tested
// in internal/trustfile, and through Load by TestLoadUntrusted and
// TestLoadNotRegular.)
func TestSkipError(t *testing.T) {
	for _, tc := range []struct {
		refused *trustfile.Refused
		want    error
	}{
		{&trustfile.Refused{Path: "/etc/request-key.conf", Reason: "owned by uid 7, not root", Err: trustfile.ErrUntrusted}, ErrUntrusted},
		{&trustfile.Refused{Path: "/etc/request-key.conf", Reason: "not a regular file", Err: trustfile.ErrNotRegular}, ErrNotRegular},
	} {
		err := skipError(tc.refused)
		var e *Error
		if !errors.As(err, &e) || e.Error() != "Ignoring /etc/request-key.conf: "+tc.refused.Reason || e.Err != tc.want {
			t.Errorf("skipError(%v) = %#v", tc.refused, err)
		}
	}
	pe := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrPermission}
	if err := skipError(pe); err != pe {
		t.Errorf("skipError(%v) = %v", pe, err)
	}
	if err := skipError(nil); err != nil {
		t.Errorf("skipError(nil) = %v", err)
	}
}
