package secret

import "runtime"

// onNewThread runs f on a new goroutine locked to its OS thread and
// returns f's results. The goroutine exits without unlocking, so the
// runtime terminates the thread instead of reusing it: f may use the
// thread's own thread keyring (@t), which nothing else can reach and
// which the kernel destroys with the thread.
func onNewThread[T any](f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		v, err := f()
		ch <- result{v, err}
	}()
	r := <-ch
	return r.v, r.err
}
