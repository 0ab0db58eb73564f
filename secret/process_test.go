//go:build linux

package secret_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// storeName returns a store name unique to the test and this test run.
func storeName(t *testing.T, suffix string) string {
	name := strings.NewReplacer("/", ".", " ", "_").Replace(t.Name())
	return fmt.Sprintf("%s.%d.%s", name, os.Getpid(), suffix)
}

// principals returns the runners a cross-process test runs as: root,
// then an unused uid with the default quota (200 keys, 20,000 bytes).
func principals(t *testing.T) []func(t *testing.T) runner {
	return []func(t *testing.T) runner{
		func(t *testing.T) runner { return asRoot(t) },
		func(t *testing.T) runner { return asUser(t, testutil.ExecutableForAll(t), 0) },
	}
}

// What one process stores, another process of the same user reads: in the
// same session for the Session anchor; for the other anchors (as the
// unused uid only, to leave the machine's own keyrings alone) also from a
// process in another session keyring, which does not possess the anchor.
func TestAcrossProcesses(t *testing.T) {
	for i, principal := range principals(t) {
		t.Run([]string{"root", "user"}[i], func(t *testing.T) {
			r := principal(t)
			anchors := []string{"session"}
			if r.cred != nil {
				anchors = append(anchors, "user", "user-session", "persistent")
			}
			for _, anchor := range anchors {
				t.Run(anchor, func(t *testing.T) {
					store := storeName(t, "across")
					set := r.run(t, "set", store, anchor, "https://example.com:alice", "s3cret value", "3600")
					if set["anchor"] != anchor {
						t.Errorf("the writer's store is in %q, want %q", set["anchor"], anchor)
					}
					readers := []func() map[string]string{
						func() map[string]string { return r.run(t, "get", store, anchor, "https://example.com:alice") },
					}
					if anchor != "session" {
						readers = append(readers, func() map[string]string {
							return r.runInNewSession(t, "get", store, anchor, "https://example.com:alice")
						})
					}
					for _, read := range readers {
						got := read()
						if got["value"] != "s3cret value" || got["expires"] != set["expires"] || got["ring"] != set["ring"] {
							t.Errorf("reader got %v; want the value, expiry %s and keyring %s", got, set["expires"], set["ring"])
						}
					}
					if anchor != "persistent" {
						r.run(t, "remove", store, anchor)
					}
				})
			}
		})
	}
}

// Another user, even one in the same session keyring (which it then
// possesses, with everything linked there), cannot read, find, list or see
// the entries, nor use the store.
func TestOtherUserCannotRead(t *testing.T) {
	bin := testutil.ExecutableForAll(t)
	intruder := asUser(t, bin, 1)
	for i, principal := range principals(t) {
		t.Run([]string{"root", "user"}[i], func(t *testing.T) {
			r := principal(t)
			anchors := []string{"session"}
			if r.cred != nil {
				anchors = append(anchors, "user", "persistent")
			}
			for _, anchor := range anchors {
				t.Run(anchor, func(t *testing.T) {
					store := storeName(t, "private")
					set := r.run(t, "set", store, anchor, "token", "s3cret", "3600")
					intruder.run(t, "intruder", store, anchor, set["ring"], set["key"], "token")
					if got := r.run(t, "get", store, anchor, "token"); got["value"] != "s3cret" {
						t.Errorf("the owner reads %v after the intrusion; want the value", got)
					}
					if anchor != "persistent" {
						r.run(t, "remove", store, anchor)
					}
				})
			}
		})
	}
}

// An entry updated 100 times keeps its expiry; one set 100 times always
// has one.
func TestUpdatesKeepExpiry(t *testing.T) {
	for i, principal := range principals(t) {
		t.Run([]string{"root", "user"}[i], func(t *testing.T) {
			r := principal(t)
			store := storeName(t, "update")
			r.run(t, "update100", store, "session")
			r.run(t, "remove", store, "session")
		})
	}
}

// Four processes that open a new store at the same moment and set the
// same name and names of their own lose nothing: one store keyring, one
// entry per name, holding a value that was written last.
func TestConcurrentWriters(t *testing.T) {
	const procs, n = 4, 50
	for i, principal := range principals(t) {
		t.Run([]string{"root", "user"}[i], func(t *testing.T) {
			r := principal(t)
			anchors := []string{"session"}
			if r.cred != nil {
				anchors = append(anchors, "user", "persistent")
			}
			for _, anchor := range anchors {
				t.Run(anchor, func(t *testing.T) {
					store := storeName(t, "writers")
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
					defer cancel()
					var cmds []*exec.Cmd
					var outs, errs []*bytes.Buffer
					var starts []func() error
					for j := range procs {
						cmd := r.command(ctx, "writer", store, anchor, strconv.Itoa(j), strconv.Itoa(n))
						w, err := cmd.StdinPipe()
						if err != nil {
							t.Fatal(err)
						}
						var stdout, stderr bytes.Buffer
						cmd.Stdout, cmd.Stderr = &stdout, &stderr
						if err := cmd.Start(); err != nil {
							t.Fatal(err)
						}
						cmds, outs, errs = append(cmds, cmd), append(outs, &stdout), append(errs, &stderr)
						starts = append(starts, w.Close)
					}
					// All started: let them go at once.
					for _, start := range starts {
						start()
					}
					for j, cmd := range cmds {
						err := cmd.Wait()
						parseHelper(t, fmt.Sprintf("%s writer %d", r.name, j), outs[j].Bytes(), errs[j].Bytes(), err)
					}
					r.run(t, "verify-writers", store, anchor, strconv.Itoa(procs), strconv.Itoa(n))
					if anchor != "persistent" {
						r.run(t, "remove", store, anchor)
					}
				})
			}
		})
	}
}

// As a user with the default quota: the quota is reported with the usage
// and the limits, and the store works again once entries are removed.
func TestQuota(t *testing.T) {
	r := asUser(t, testutil.ExecutableForAll(t), 0)
	store := storeName(t, "quota")
	r.run(t, "quota", store)
	r.run(t, "remove", store, "session")
}

// A process without a session keyring of its own: RequireOwnSession
// refuses, and otherwise the store goes to the user-session keyring.
func TestNoOwnSession(t *testing.T) {
	r := asUser(t, testutil.ExecutableForAll(t), 0)
	out := r.run(t, "nosession", storeName(t, "nosession"))
	if out["skip"] != "" {
		t.Skip(out["skip"])
	}
}

// Under a seccomp filter that refuses the key system calls, as container
// runtimes' default profiles do, Open says so.
func TestBlockedBySeccomp(t *testing.T) {
	r := asRoot(t)
	for _, errno := range []string{"ENOSYS", "EPERM"} {
		r.run(t, "seccomp", errno)
	}
}

// Package keyring's functions keep secrets in the persistent keyring by
// default: another process of the user, in another session, reads them;
// another user does not.
func TestKeyringDefaultAnchor(t *testing.T) {
	bin := testutil.ExecutableForAll(t)
	r := asUser(t, bin, 0)
	other := asUser(t, bin, 1)
	set := r.run(t, "flat-set", "my-app", "alice", "s3cret")
	if set["in"] != "persistent" {
		t.Errorf("the store is %q; want in the persistent keyring", set["in"])
	}
	if got := r.runInNewSession(t, "flat-get", "my-app", "alice"); got["value"] != "s3cret" {
		t.Errorf("another process of the user, in another session, got %v", got)
	}
	if got := other.run(t, "flat-get", "my-app", "alice"); got["error"] != "ErrNotFound" {
		t.Errorf("another user got %v; want ErrNotFound", got)
	}
}
