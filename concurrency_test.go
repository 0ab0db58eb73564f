//go:build linux

package keyutils_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// allowed reports whether err is nil or one of targets: the only outcomes a
// racing operation on a shared key may have.
func allowed(err error, targets ...error) bool {
	if err == nil {
		return true
	}
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// lostToRevoke reports whether err is what an operation on a key that
// another goroutine has just revoked may get: ErrNotFound, ErrRevoked, or
// ErrPermission explained as the loss of possession (a revoked key is no
// longer found through the caller's keyrings, so only its user rights
// apply).
func lostToRevoke(err error) bool {
	var ke *keyutils.Error
	return allowed(err, keyutils.ErrNotFound, keyutils.ErrRevoked) ||
		errors.Is(err, keyutils.ErrPermission) && errors.As(err, &ke) && strings.Contains(ke.Detail, "no longer valid")
}

// sharedPayload is what the workers write into shared keys: a reader must
// only ever see one of these, whole.
func sharedPayload(worker, n int) []byte {
	return []byte(fmt.Sprintf("shared:%d:%d:%s", worker, n, strings.Repeat("x", n%700)))
}

func validSharedPayload(p []byte) bool {
	f := strings.SplitN(string(p), ":", 4)
	if len(f) != 4 || f[0] != "shared" {
		return false
	}
	n, err := strconv.Atoi(f[2])
	return err == nil && f[3] == strings.Repeat("x", n%700)
}

// TestConcurrentKeyOperations runs workers that add, read, update, revoke,
// search, link and unlink keys in one shared keyring and in a private
// keyring each, while other goroutines start programs in new session
// keyrings (Session.Run, Session.Start) and threads locked for the purpose
// resolve @s. Under -race this checks the library's own memory safety; on
// the kernel side it checks that racing operations only ever fail with the
// errors the races explain (a key revoked or unlinked by someone else),
// that readers never see a torn payload, that a private keyring behaves as
// if nobody else existed, and that no thread ever sees its session keyring
// change.
func TestConcurrentKeyOperations(t *testing.T) {
	shared := testutil.Keyring(t)
	me := mySession(t)
	sesBefore := members(t, keyutils.SessionKeyring)

	const workers, ops = 8, 400
	var wg sync.WaitGroup
	var stop atomic.Bool
	var sessionRuns, threadChecks atomic.Int64
	checkSession := func(where string) {
		s, err := keyutils.SessionKeyring.Resolve()
		if err != nil || s != me {
			t.Errorf("%s: @s resolved to %v, %v; want %v", where, s, err, me)
		}
	}

	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			private, err := keyutils.NewKeyring("private:"+strconv.Itoa(w), shared)
			if err != nil {
				t.Errorf("worker %d: NewKeyring: %v", w, err)
				return
			}
			mine := map[string]string{} // the private keyring as it must be
			for n := range ops {
				desc := "k" + strconv.Itoa(rng.IntN(5))
				switch op := rng.IntN(8); op {
				case 0, 1: // add or update-by-add in the shared keyring
					_, err := keyutils.AddKey("user", desc, sharedPayload(w, n), shared)
					if !allowed(err, keyutils.ErrRevoked) {
						t.Errorf("worker %d: AddKey(%s) shared: %v", w, desc, err)
					}
				case 2: // search and read a shared key
					id, err := keyutils.Search(shared, "user", desc, nil)
					if err == nil {
						var p []byte
						p, err = keyutils.Read(id)
						if err == nil && !validSharedPayload(p) {
							t.Errorf("worker %d: torn payload %.40q", w, p)
						}
					}
					if !lostToRevoke(err) {
						t.Errorf("worker %d: search+read %s: %v", w, desc, err)
					}
				case 3: // update a shared key
					id, err := keyutils.Search(shared, "user", desc, nil)
					if err == nil {
						err = keyutils.Update(id, sharedPayload(w, n))
					}
					if !lostToRevoke(err) {
						t.Errorf("worker %d: update %s: %v", w, desc, err)
					}
				case 4: // revoke a shared key, now and then
					if rng.IntN(3) != 0 {
						break
					}
					id, err := keyutils.Search(shared, "user", desc, nil)
					if err == nil {
						err = keyutils.Revoke(id)
					}
					if !lostToRevoke(err) {
						t.Errorf("worker %d: revoke %s: %v", w, desc, err)
					}
				case 5: // link a shared key into the private keyring and back out
					id, err := keyutils.Search(shared, "user", desc, nil)
					if err == nil {
						err = keyutils.Link(id, private)
						if err == nil {
							err = keyutils.Unlink(id, private)
						}
					}
					if !lostToRevoke(err) {
						t.Errorf("worker %d: link %s: %v", w, desc, err)
					}
				case 6, 7: // the private keyring: exact results only
					pdesc := "p" + desc
					v := strconv.Itoa(w) + "/" + strconv.Itoa(n)
					id, err := keyutils.AddKey("user", pdesc, []byte(v), private)
					if err != nil {
						t.Errorf("worker %d: AddKey private: %v", w, err)
						break
					}
					mine[pdesc] = v
					other := "pk" + strconv.Itoa(rng.IntN(5))
					if want, ok := mine[other]; ok {
						oid, err := keyutils.Search(private, "user", other, nil)
						var p []byte
						if err == nil {
							p, err = keyutils.Read(oid)
						}
						if err != nil || string(p) != want {
							t.Errorf("worker %d: private %s = %q, %v; want %q", w, other, p, err, want)
						}
					}
					if p, err := keyutils.Read(id); err != nil || string(p) != v {
						t.Errorf("worker %d: private read %q, %v; want %q", w, p, err, v)
					}
				}
				if n%25 == 0 {
					checkSession(fmt.Sprintf("worker %d", w))
				}
			}
			ids, err := keyutils.ReadKeyring(private)
			if err != nil || len(ids) != len(mine) {
				t.Errorf("worker %d: private keyring holds %v (%v), want %d keys", w, ids, err, len(mine))
			}
		}()
	}

	// Session operations, concurrently: each starts `true` in a new
	// anonymous session keyring from a discarded thread.
	var sessWG sync.WaitGroup
	for i := range 2 {
		sessWG.Add(1)
		go func() {
			defer sessWG.Done()
			for j := 0; j < 6 || !stop.Load(); j++ {
				var err error
				var s keyutils.Serial
				if (i+j)%2 == 0 {
					s, err = keyutils.Session{}.Run(exec.Command("true"))
				} else {
					cmd := exec.Command("true")
					if s, err = (keyutils.Session{}).Start(cmd); err == nil {
						err = cmd.Wait()
					}
				}
				if err != nil {
					t.Errorf("session %d: %v", i, err)
					return
				}
				if s == me {
					t.Errorf("session %d: the new session is ours (%v)", i, s)
				}
				sessionRuns.Add(1)
				checkSession("session goroutine")
			}
		}()
	}
	// Fresh OS threads (locked and then discarded) and reused ones, all
	// resolving @s and asking CurrentSession.
	for i := range 3 {
		sessWG.Add(1)
		go func() {
			defer sessWG.Done()
			for j := 0; j < 50 || !stop.Load(); j++ {
				done := make(chan struct{})
				go func() {
					defer close(done)
					if j%2 == 0 {
						runtime.LockOSThread() // exits locked: a new thread next time
					}
					checkSession(fmt.Sprintf("thread checker %d", i))
					info, err := keyutils.CurrentSession()
					if err != nil || info.Serial != me || !info.Own {
						t.Errorf("thread checker %d: CurrentSession = %+v, %v; want own %v", i, info, err, me)
					}
				}()
				<-done
				threadChecks.Add(1)
			}
		}()
	}

	wg.Wait()
	stop.Store(true)
	sessWG.Wait()
	t.Logf("%d session runs, %d thread checks", sessionRuns.Load(), threadChecks.Load())

	// The shared keyring holds at most one link per description, every
	// live key in it holds a whole payload, and @s is as it was.
	seen := map[string]bool{}
	for _, id := range members(t, shared) {
		d, err := keyutils.Describe(id)
		if err != nil {
			continue // revoked and being collected
		}
		if seen[d.Type+":"+d.Description] {
			t.Errorf("two links to %s:%s in the shared keyring", d.Type, d.Description)
		}
		seen[d.Type+":"+d.Description] = true
		if d.Type != "user" {
			continue
		}
		if p, err := keyutils.Read(id); err == nil && !validSharedPayload(p) {
			t.Errorf("shared key %v holds %.40q", id, p)
		}
	}
	if after := members(t, keyutils.SessionKeyring); !slices.Equal(after, sesBefore) {
		t.Errorf("@s changed during the test: %v, was %v", after, sesBefore)
	}
}

// TestConcurrentReadIntoSharedBuffers: ReadInto into per-goroutine
// buffers while the key is updated with payloads of two sizes: every
// complete read returns one of the payloads exactly; a short buffer
// reports the needed size with ErrShortBuffer.
func TestConcurrentReadIntoSharedBuffers(t *testing.T) {
	ring := testutil.Keyring(t)
	small, large := bytes.Repeat([]byte("s"), 16), bytes.Repeat([]byte("L"), 3000)
	id := addUser(t, ring, "flip", string(small))
	var readers, updater sync.WaitGroup
	var stop atomic.Bool
	updater.Add(1)
	go func() {
		defer updater.Done()
		for i := 0; !stop.Load(); i++ {
			p := small
			if i%2 == 0 {
				p = large
			}
			if err := keyutils.Update(id, p); err != nil {
				t.Errorf("Update: %v", err)
				return
			}
		}
	}()
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			buf := make([]byte, 64)
			for range 300 {
				n, err := keyutils.ReadInto(id, buf)
				switch {
				case errors.Is(err, keyutils.ErrShortBuffer):
					if n != len(large) {
						t.Errorf("short buffer: need %d, want %d", n, len(large))
					}
				case err != nil:
					t.Errorf("ReadInto: %v", err)
				case !bytes.Equal(buf[:n], small):
					t.Errorf("ReadInto = %q", buf[:n])
				}
				p, err := keyutils.Read(id)
				if err != nil || !(bytes.Equal(p, small) || bytes.Equal(p, large)) {
					t.Errorf("Read = %.20q (%d bytes), %v", p, len(p), err)
				}
			}
		}()
	}
	readers.Wait()
	stop.Store(true)
	updater.Wait()
}
