package dnsresolver

import (
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
	"golang.org/x/sys/unix"
)

// failTimeout is how long a key stays negative after a failure (1.6.3's
// error(): one second).
const failTimeout = time.Second

// Upcall is key.dns_resolver's upcall mode: it assumes the authority to
// construct key (which request-key holds for it: keyutils.Construct),
// resolves the key's description with its callout info (Resolve), and
// instantiates the key with the payload and its timeout, or rejects it
// (ENODATA, for 60 s) if nothing was found. On any failure it negates the
// key for one second, as 1.6.3 does, and returns an *Error with 1.6.3's
// message.
func (r *Resolver) Upcall(key keyutils.Serial) error {
	c, err := keyutils.Construct(key)
	switch {
	case c == nil:
		return &Error{Msg: "Error: keyctl_assume_authority failed: " + errtext.Of(err), Err: err}
	case err != nil && c.Description.Raw == "":
		c.Negate(failTimeout, nil)
		return &Error{Msg: "Error: keyctl_describe_alloc failed: " + errtext.Of(err), Err: err}
	case err != nil:
		c.Negate(failTimeout, nil)
		return &Error{Msg: "Error: Invalid key callout_info read: " + errtext.Of(err), Err: err}
	}
	res, err := r.Resolve(c.Description.Raw, c.CalloutString())
	if err != nil {
		c.Negate(failTimeout, nil)
		return err
	}
	if res.Rejected {
		if err := c.Reject(time.Duration(res.RejectTimeout)*time.Second, unix.Errno(res.Errno), nil); err != nil {
			c.Negate(failTimeout, nil)
			return &Error{Msg: "Error: nsError: keyctl_reject: " + errtext.Of(err), Err: err}
		}
		return nil
	}
	fn, prefix := "dns_query_a_or_aaaa", "Error: "
	if res.AFS {
		fn, prefix = "afs_instantiate", ""
	}
	if err := keyutils.SetTimeout(key, time.Duration(res.Timeout)*time.Second); err != nil {
		c.Negate(failTimeout, nil)
		return &Error{Msg: prefix + fn + ": keyctl_set_timeout: " + errtext.Of(err), Err: err}
	}
	if err := c.Instantiate(res.Payload, nil); err != nil {
		c.Negate(failTimeout, nil)
		return &Error{Msg: prefix + fn + ": keyctl_instantiate: " + errtext.Of(err), Err: err}
	}
	return nil
}
