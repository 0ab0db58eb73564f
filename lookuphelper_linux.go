package keyutils

import "runtime"

// lookupHelper is a goroutine locked to an OS thread that has joined a new,
// empty anonymous session keyring, on which the batched lookups of
// Walker.Batch and Describer.DescribeAll run. The kernel looks up every key
// given by serial in the caller's keyrings, to learn whether the caller
// possesses it: from a thread of a big session tree that search costs more
// than the operation (tens of µs a key in a tree of 10,000), from this
// thread it finds at once that nothing is possessed. What the thread
// reads is what the caller may see without possessing the key; what it
// cannot, the caller looks up again on its own thread.
//
// The caller must hold sessionMu for reading from before the thread
// joins until stop has returned (JoinProcess would move the thread too;
// lookupPool does it). The thread is discarded, never returned to the
// runtime: its goroutine exits locked.
type lookupHelper struct {
	req    chan func()
	done   chan struct{}
	exited chan struct{}
}

// startLookupHelper starts a lookupHelper; stop it with stop.
func startLookupHelper() (*lookupHelper, error) {
	h := &lookupHelper{req: make(chan func()), done: make(chan struct{}), exited: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		defer close(h.exited)
		runtime.LockOSThread() // never unlocked: the thread is discarded
		if _, err := joinAnonymousSessionKeyring(); err != nil {
			errc <- err
			return
		}
		errc <- nil
		for f := range h.req {
			f()
			h.done <- struct{}{}
		}
	}()
	if err := <-errc; err != nil {
		return nil, err
	}
	return h, nil
}

// start has the helper thread run f; wait waits for it to finish.
func (h *lookupHelper) start(f func()) { h.req <- f }

// wait waits for the function start gave the helper.
func (h *lookupHelper) wait() { <-h.done }

// stop ends the helper, and returns when its goroutine has ended; its
// thread is discarded.
func (h *lookupHelper) stop() {
	close(h.req)
	<-h.exited
}

// lockSessions and unlockSessions hold sessionMu for reading for the
// helpers of a lookupPool.
func lockSessions()   { sessionMu.RLock() }
func unlockSessions() { sessionMu.RUnlock() }
