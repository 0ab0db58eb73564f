package keyutils

import (
	"errors"
	"runtime"
)

// batchMin is the number of keys from which a batched lookup (Walker.Batch,
// Describer.DescribeAll) starts its helper thread: below it, starting the
// thread (and the session keyring it joins), about 0.3 ms as measured
// with keyctl show, costs more than it saves in a small session tree,
// where a describe from the caller's thread costs only 1–2 µs more.
// Every batchPer keys more are worth another helper thread, up to
// GOMAXPROCS and maxHelpers, which look up their shares of a batch in
// parallel.
const (
	batchMin   = 256
	batchPer   = 512
	maxHelpers = 4
)

// lookupPool holds the helper threads of one batched lookup.
type lookupPool struct {
	hs     []*lookupHelper
	failed bool // a helper could not be started: start no more
}

// grow starts helpers, if needed, for a batch of n keys.
func (p *lookupPool) grow(n int) {
	want := 0
	if n >= batchMin {
		want = min(1+n/batchPer, maxHelpers, runtime.GOMAXPROCS(0))
	}
	for !p.failed && len(p.hs) < want {
		if len(p.hs) == 0 {
			// One read lock for all the helpers: a second RLock could
			// wait for a JoinProcess that waits for the first.
			lockSessions()
		}
		h, err := startLookupHelper()
		if err != nil {
			p.failed = true
			if len(p.hs) == 0 {
				unlockSessions()
			}
			return
		}
		p.hs = append(p.hs, h)
	}
}

// stop ends the helpers; their threads are discarded.
func (p *lookupPool) stop() {
	for _, h := range p.hs {
		h.stop()
	}
	if len(p.hs) > 0 {
		unlockSessions()
	}
	p.hs = nil
}

// errNotLooked marks a key the helper thread has not looked up.
var errNotLooked = errors.New("keyutils: not looked up")

// lookedUp is one key as a batched lookup found it: its description, and
// for a keyring its members.
type lookedUp struct {
	desc    Description
	err     error // describing failed
	members []Serial
	rerr    error // reading the keyring failed
	read    bool  // members or rerr is set
}

// lookupBatch describes keys (and, if rings, reads the keyrings among them)
// first on p's helpers, each a share of ids, then on the calling thread
// for what they could not look up without possession, and returns the
// results in the order of ids.
func lookupBatch(p *lookupPool, d *Describer, buf *[]byte, ids []Serial, rings bool) []lookedUp {
	res := make([]lookedUp, len(ids))
	for i := range res {
		res[i].err = errNotLooked
	}
	for k, h := range p.hs {
		lo, hi := len(ids)*k/len(p.hs), len(ids)*(k+1)/len(p.hs)
		h.start(func() {
			var hd Describer
			var hbuf []byte
			for i := lo; i < hi; i++ {
				id, r := ids[i], &res[i]
				r.desc, r.err = hd.Describe(id)
				if rings && r.err == nil && r.desc.Type == "keyring" {
					if hbuf == nil {
						hbuf = make([]byte, 1024)
					}
					r.members, hbuf, r.rerr = ReadKeyringInto(id, nil, hbuf)
					r.read = r.rerr == nil
				}
			}
		})
	}
	for _, h := range p.hs {
		h.wait()
	}
	// What failed on the helper thread may succeed with possession: only
	// the caller's own answer counts for it.
	for i, id := range ids {
		r := &res[i]
		if r.err != nil {
			r.desc, r.err = d.Describe(id)
		}
		if rings && r.err == nil && r.desc.Type == "keyring" && !r.read {
			if *buf == nil {
				*buf = make([]byte, 1024)
			}
			r.members, *buf, r.rerr = ReadKeyringInto(id, nil, *buf)
			r.read = true
		}
	}
	return res
}

// DescribeAll describes each key of ids, as Describe does, and returns
// the descriptions and errors in the order of ids.
//
// For many keys (256 or more) it describes them from a helper thread:
// a new OS thread that joins a new, empty anonymous session keyring, is
// used for this call only and then discarded; for more than 512 keys
// from several (one more per 512 keys, up to GOMAXPROCS and 4), each
// describing its share in parallel. The kernel searches the
// caller's keyrings for every key looked up by serial, to learn whether
// the caller possesses it, and in a big session tree that search costs
// far more than the describe (about 20 µs a key in a tree of 10,000 keys,
// against 2 µs); from the helper thread it is trivial. A key that the
// helper thread may not describe, such as one only a possessor may view,
// is described again on the calling thread, with possession, so the
// results are those of Describe. The permission mask a description holds
// is the key's, whichever thread reads it. While the helper thread
// exists, JoinProcess waits for it. If the helper cannot be started (say
// the key quota is exhausted), every key is described on the calling
// thread.
func (d *Describer) DescribeAll(ids []Serial) ([]Description, []error) {
	var p lookupPool
	p.grow(len(ids))
	var buf []byte
	res := lookupBatch(&p, d, &buf, ids, false)
	p.stop()
	descs, errs := make([]Description, len(ids)), make([]error, len(ids))
	for i := range res {
		descs[i], errs[i] = res[i].desc, res[i].err
	}
	return descs, errs
}

// prefetch looks up the tree below root level by level, as Batch
// describes, and keeps the results in w.batch for the walk.
func (w *Walker) prefetch(root Serial) {
	w.batch = map[Serial]*lookedUp{}
	var p lookupPool
	defer p.stop()
	level := []Serial{root}
	for depth := 0; len(level) > 0; depth++ {
		// Each key once, at its shallowest level.
		ids := make([]Serial, 0, len(level))
		for _, id := range level {
			if _, ok := w.batch[id]; !ok {
				w.batch[id] = nil
				ids = append(ids, id)
			}
		}
		p.grow(len(ids))
		res := lookupBatch(&p, &w.d, &w.buf, ids, true)
		var next []Serial
		for i, id := range ids {
			r := &res[i]
			w.batch[id] = r
			if r.read && r.rerr == nil && (w.MaxDepth <= 0 || depth < w.MaxDepth) {
				next = append(next, r.members...)
			}
		}
		level = next
	}
}

// describe describes key, from what prefetch found if it did.
func (w *Walker) describe(key Serial) (Description, error) {
	if r := w.batch[key]; r != nil {
		return r.desc, r.err
	}
	return w.d.Describe(key)
}

// read reads keyring key's members, from what prefetch found if it did.
func (w *Walker) read(key Serial) ([]Serial, error) {
	if r := w.batch[key]; r != nil && r.read {
		return r.members, r.rerr
	}
	members, buf, err := ReadKeyringInto(key, nil, w.buf)
	w.buf = buf
	return members, err
}
