package keyutils

import (
	"bytes"
	"errors"
	"runtime"
	"time"
)

// ErrConstructionDone is returned by the methods of a Construction that
// has already been finished by a successful Instantiate, InstantiateIov,
// Negate or Reject.
var ErrConstructionDone = errors.New("keyutils: key construction already finished")

// Requester describes the process whose request_key(2) started a key
// construction, as the kernel passes it on the command line of
// /sbin/request-key. Construct cannot learn it from the kernel; an upcall
// program that has it fills it in.
type Requester struct {
	UID, GID int    // the requester's fsuid and fsgid
	Thread   Serial // its thread keyring, 0 if none
	Process  Serial // its process keyring, 0 if none
	Session  Serial // its session keyring (or user-session keyring)
}

// Construction is a key under construction together with the authority to
// construct it: what an upcall program such as /sbin/request-key holds
// while it decides what the key should be.
//
// A Construction is created by Construct and must be finished exactly
// once, by Instantiate, InstantiateIov, Negate or Reject. A failed call
// does not finish it, so a handler can fall back to Negate when
// Instantiate fails; any call after a successful one returns
// ErrConstructionDone. A program that exits without finishing leaves the
// key to the kernel, which negates it for 60 seconds.
//
// The authority belongs to an OS thread, not to the process. Construct
// therefore locks the calling goroutine to its thread
// (runtime.LockOSThread), and a Construction must only be used from that
// goroutine. Programs started from that goroutine (os/exec) inherit the
// authority, so they can finish the key themselves, as keyctl(1) does when
// named in request-key.conf. A successful finish gives the authority up
// and unlocks the thread again (ConstructLocked's leaves the thread as it
// was).
type Construction struct {
	// Key is the key under construction.
	Key Serial
	// Description is the key's parsed description; Description.Type and
	// Description.Description are what request_key(2) was asked for.
	Description Description
	// Callout is the callout info given to request_key(2), read from the
	// authorisation key's payload (ReqKeyAuthKey).
	Callout []byte
	// Requester is the zero value unless the caller sets it; see Requester.
	Requester Requester

	done   bool
	unlock bool // Construct locked the thread: a successful finish unlocks it
}

// Instantiate gives the key payload and links it into ring, which may be
// nil (KEYCTL_INSTANTIATE).
func (c *Construction) Instantiate(payload []byte, ring ID) error {
	return c.finish(func() error { return Instantiate(c.Key, payload, ring) })
}

// InstantiateIov is Instantiate with the payload in pieces
// (KEYCTL_INSTANTIATE_IOV), which the kernel joins.
func (c *Construction) InstantiateIov(payload [][]byte, ring ID) error {
	return c.finish(func() error { return InstantiateIov(c.Key, payload, ring) })
}

// Negate makes the key negative for timeout: requests for it fail with
// ErrNotFound until it expires (KEYCTL_NEGATE). It is linked into ring if
// that is not nil.
func (c *Construction) Negate(timeout time.Duration, ring ID) error {
	return c.finish(func() error { return Negate(c.Key, timeout, ring) })
}

// Done reports whether the Construction has been finished.
func (c *Construction) Done() bool { return c.done }

// CalloutString returns the callout info up to its first NUL byte, as C
// programs see it.
func (c *Construction) CalloutString() string {
	b := c.Callout
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func (c *Construction) finish(op func() error) error {
	if c.done {
		return ErrConstructionDone
	}
	if err := op(); err != nil {
		return err
	}
	c.done = true
	if AssumeAuthority(Serial(0)) == nil && c.unlock {
		runtime.UnlockOSThread()
	}
	return nil
}
