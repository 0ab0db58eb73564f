package keyutils

import (
	"errors"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// Construct assumes the authority to construct key (KEYCTL_ASSUME_AUTHORITY),
// then describes the key and reads the callout info. The authorisation key
// must be reachable from the calling thread's keyrings, as it is in the
// session keyring the kernel gives an upcall program.
//
// If authority was assumed but the key cannot be described or the callout
// info cannot be read, Construct returns the Construction (with Key and
// whatever it could fill in) together with the error, so that the caller
// can still Negate or Reject the key. If authority could not be assumed it
// returns nil and the error, and the calling goroutine is not left locked.
func Construct(key Serial) (*Construction, error) {
	runtime.LockOSThread()
	c, err := construct(key)
	if c == nil {
		runtime.UnlockOSThread()
	} else {
		c.unlock = true
	}
	return c, err
}

// ConstructLocked is Construct for a goroutine that is already locked to
// its OS thread and stays locked while the Construction is in use: by
// runtime.LockOSThread, or because it runs package initialisation, where
// the runtime keeps the main goroutine on the main thread. It neither
// locks nor unlocks the thread. A program's first runtime.LockOSThread
// starts the runtime's template thread, which costs an upcall program a
// few per cent of its run time; cmd/request-key, which runs in init, uses
// ConstructLocked to avoid it.
func ConstructLocked(key Serial) (*Construction, error) { return construct(key) }

// construct is Construct on a locked thread.
func construct(key Serial) (*Construction, error) {
	if err := AssumeAuthority(key); err != nil {
		var ke *Error
		if errors.As(err, &ke) && ke.Errno() == unix.ENOKEY && ke.Detail == "" {
			ke.Detail = "no authorisation key for it is reachable from the calling thread's keyrings: only a program that request-key(8) runs for a key under construction, or one it starts, has one"
		}
		return nil, err
	}
	c := &Construction{Key: key}
	d, err := Describe(key)
	if err != nil {
		return c, err
	}
	c.Description = d
	p, err := Read(ReqKeyAuthKey)
	if err != nil {
		return c, err
	}
	c.Callout = p
	return c, nil
}

// Reject is Negate with the error requests for the key get until it
// expires, e.g. unix.EKEYREJECTED (KEYCTL_REJECT).
func (c *Construction) Reject(timeout time.Duration, errno unix.Errno, ring ID) error {
	return c.finish(func() error { return Reject(c.Key, timeout, errno, ring) })
}
