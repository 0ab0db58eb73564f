//go:build linux

package keyutils_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/sessionstress"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// The session keyring tests run the real kernel's rules through
// subprocesses, so that the test binary's own threads stay as they are:
// internal/sessionprobe is a multithreaded Go program that uses the session
// API and reports what the kernel says each of its threads sees.

var probeOnce struct {
	sync.Once
	path string
	err  error
}

// probe returns the path of a freshly built sessionprobe.
func probe(t *testing.T) string {
	t.Helper()
	probeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sessionprobe")
		if err != nil {
			probeOnce.err = err
			return
		}
		probeOnce.path = filepath.Join(dir, "sessionprobe")
		out, err := exec.Command("go", "build", "-o", probeOnce.path, "./internal/sessionprobe").CombinedOutput()
		if err != nil {
			probeOnce.err = errors.New(string(out))
		}
	})
	if probeOnce.err != nil {
		t.Fatalf("building sessionprobe: %v", probeOnce.err)
	}
	return probeOnce.path
}

type probeReport struct {
	Serial   keyutils.Serial   `json:"serial"`
	Again    keyutils.Serial   `json:"again"`
	Own      bool              `json:"own"`
	Desc     string            `json:"desc"`
	Perm     string            `json:"perm"`
	UID      int               `json:"uid"`
	EUID     int               `json:"euid"`
	Before   []keyutils.Serial `json:"before"`
	After    []keyutils.Serial `json:"after"`
	Later    []keyutils.Serial `json:"later"`
	Sessions []keyutils.Serial `json:"sessions"`
}

// reports decodes the JSON lines a probe printed.
func reports(t *testing.T, out []byte) []probeReport {
	t.Helper()
	var rs []probeReport
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r probeReport
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("probe output %q: %v", out, err)
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		t.Fatalf("probe printed nothing")
	}
	return rs
}

func runProbe(t *testing.T, args ...string) []probeReport {
	t.Helper()
	out, err := exec.Command(probe(t), args...).Output()
	if err != nil {
		t.Fatalf("sessionprobe %v: %v\n%s", args, err, stderrOf(err))
	}
	return reports(t, out)
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

func mySession(t *testing.T) keyutils.Serial {
	t.Helper()
	s, err := keyutils.SessionKeyring.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func allEqual(ids []keyutils.Serial, want keyutils.Serial) bool {
	for _, id := range ids {
		if id != want {
			return false
		}
	}
	return len(ids) > 0
}

// A child started in a session inherits it across fork (sh forks) and
// execve (sh execs the probe), anonymous or named.
func TestSessionStartInheritedAcrossForkAndExec(t *testing.T) {
	p := probe(t)
	before := mySession(t)
	name := "keyutils-test-" + strconv.Itoa(os.Getpid())
	for _, s := range []keyutils.Session{{}, {Name: name}} {
		var out bytes.Buffer
		cmd := exec.Command("/bin/sh", "-c", `"$0" print; ("$0" print); exec "$0" print`, p)
		cmd.Stdout = &out
		id, err := s.Run(cmd)
		if err != nil {
			t.Fatalf("%+v.Run: %v", s, err)
		}
		rs := reports(t, out.Bytes())
		if len(rs) != 3 {
			t.Fatalf("got %d reports, want 3", len(rs))
		}
		wantDesc := "_ses"
		if s.Name != "" {
			wantDesc = s.Name
		}
		for i, r := range rs {
			if r.Serial != id || !r.Own || r.Desc != wantDesc {
				t.Errorf("%+v: report %d = %+v, want serial %d (own, %q)", s, i, r, id, wantDesc)
			}
		}
		if id == before {
			t.Errorf("%+v: the child's session is the caller's", s)
		}
	}
	if after := mySession(t); after != before {
		t.Errorf("caller's @s changed from %d to %d", before, after)
	}
}

// Exec replaces the process image in the session: join and execve on one
// thread.
func TestSessionExec(t *testing.T) {
	p := probe(t)
	r := runProbe(t, "exec", "-", p, "print")[0]
	if !r.Own || r.Desc != "_ses" || r.Serial == mySession(t) {
		t.Errorf("after Exec: %+v, want a new own _ses keyring", r)
	}
	// A failed exec leaves the process as it was and returns the error.
	err := keyutils.Session{}.Exec("/nonexistent/prog", []string{"prog"}, nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Exec of a missing program: %v, want ErrNotExist", err)
	}
}

// session-keyring(7): the keyring is kept across a set-user-ID execve.
func TestSessionKeptAcrossSetuidExec(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a set-user-ID helper owned by another user")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	suid := filepath.Join(dir, "probe-suid")
	data, err := os.ReadFile(probe(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(suid, data, 0o755); err != nil {
		t.Fatal(err)
	}
	const nobody = 65534
	if err := os.Chown(suid, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(suid, 0o755|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(suid, "print")
	cmd.Stdout = &out
	id, err := keyutils.Session{}.Run(cmd)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	r := reports(t, out.Bytes())[0]
	if r.EUID != nobody {
		t.Skipf("the helper did not run set-user-ID (report %+v): is %s mounted nosuid?", r, dir)
	}
	if r.Serial != id || !r.Own {
		t.Errorf("set-user-ID child sees %+v, want session %d", r, id)
	}
}

// The anonymous keyring is destroyed when the last process in it exits.
func TestAnonymousSessionDestroyedWithLastProcess(t *testing.T) {
	var out bytes.Buffer
	cmd := exec.Command(probe(t), "print")
	cmd.Stdout = &out
	id, err := keyutils.Session{}.Run(cmd)
	if err != nil {
		t.Fatal(err)
	}
	hex := strconv.FormatUint(uint64(uint32(id)), 16)
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys, err := os.ReadFile("/proc/keys")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(append([]byte("\n"), keys...), []byte("\n"+strings.Repeat("0", 8-len(hex))+hex+" ")) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session keyring %d (%s) still in /proc/keys 10 s after its last process exited", id, hex)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Without a session keyring of its own, @s is the user-session keyring.
func TestUserSessionFallback(t *testing.T) {
	v := os.Getenv(testutil.EnvStartedWithout)
	if v == "" {
		t.Skip("the test binary was started inside a session keyring, so no process here lacks one")
	}
	us, err := keyutils.UserSessionKeyring.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if v != us.String() {
		t.Errorf("before joining, CurrentSession reported fallback keyring %s, want @us = %d", v, us)
	}
	info, err := keyutils.CurrentSession()
	if err != nil {
		t.Fatal(err)
	}
	if !info.Own || info.Description.Description != "_ses" || info.Serial == us {
		t.Errorf("in the test session: %+v, want own _ses", info)
	}
}

// JoinProcess moves every thread, including those created afterwards;
// threads agree, the anonymous keyring's search permission is withdrawn.
func TestJoinProcessAllThreads(t *testing.T) {
	me := mySession(t)
	for _, name := range []string{"", "keyutils-test-join-" + strconv.Itoa(os.Getpid())} {
		args := []string{"joinprocess", "120", "30"}
		if name != "" {
			args = append(args, name)
		}
		r := runProbe(t, args...)[0]
		if !allEqual(r.Before, me) {
			t.Errorf("before the join the probe's threads saw %v, want all %d", r.Before, me)
		}
		if len(r.After) != 120 || !allEqual(r.After, r.Serial) {
			t.Errorf("after JoinProcess: %d threads, want all 120 in %d: %v", len(r.After), r.Serial, r.After)
		}
		if len(r.Later) != 150 || !allEqual(r.Later, r.Again) {
			t.Errorf("after a second JoinProcess, with 30 new threads: want all 150 in %d: %v", r.Again, r.Later)
		}
		if name == "" {
			if !strings.HasPrefix(r.Desc, "_ses.") || r.Perm != "3f030000" {
				t.Errorf("anonymous JoinProcess keyring: %q perm %s, want _ses.<random> 3f030000", r.Desc, r.Perm)
			}
		} else if r.Desc != name || r.Perm != "3f130000" {
			t.Errorf("named JoinProcess keyring: %q perm %s, want %q 3f130000", r.Desc, r.Perm, name)
		}
	}
}

// In a program that links cgo, JoinProcess refuses clearly and points to
// ExecSelf.
func TestJoinProcessWithCgo(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler to build a cgo program:", err)
	}
	bin := filepath.Join(t.TempDir(), "probe-cgo")
	build := exec.Command("go", "build", "-tags", "cgoprobe", "-o", bin, "./internal/sessionprobe")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the cgo probe: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "joinprocess", "4", "1").CombinedOutput()
	if err == nil {
		t.Fatalf("JoinProcess in a cgo program succeeded: %s", out)
	}
	for _, want := range []string{"cgo", "ExecSelf", "unsupported"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("error %q does not mention %q", out, want)
		}
	}
}

// Start from many goroutines leaves every thread of the caller as it was.
func TestSessionStartLeavesCallerThreadsUntouched(t *testing.T) {
	r := runProbe(t, "untouched", "64", "40")[0]
	me := mySession(t)
	if !allEqual(r.Before, me) || !allEqual(r.After, me) {
		t.Errorf("caller's threads before %v after %v, want all %d", r.Before, r.After, me)
	}
	seen := map[keyutils.Serial]bool{}
	for _, s := range r.Sessions {
		if s == me || seen[s] {
			t.Errorf("session %d is the caller's or not new", s)
		}
		seen[s] = true
	}
	if len(seen) != 40 {
		t.Errorf("got %d distinct sessions, want 40", len(seen))
	}
}

// The same, inside the test process, concurrently with key operations,
// under the race detector.
func TestSessionConcurrentWithKeyOperations(t *testing.T) {
	ring := testutil.Keyring(t)
	me := mySession(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if _, err := (keyutils.Session{}).Run(exec.Command("true")); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				id, err := keyutils.AddKey("user", "k"+strconv.Itoa(i), []byte("v"), ring)
				if err == nil {
					_, err = keyutils.Read(id)
				}
				if err == nil {
					var s keyutils.Serial
					s, err = keyutils.SessionKeyring.Resolve()
					if err == nil && s != me {
						err = errors.New("@s changed under a goroutine: " + s.String())
					}
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Every session operation at once, with JoinProcess moving the whole
// process all the time: in a sessionprobe subprocess (JoinProcess needs a
// program without cgo, and the race detector links cgo, so the probe is
// not built with -race; the same operations without JoinProcess run under
// -race in TestSessionOperationsConcurrent). Every child must run in the
// keyring the call returned, ToParent must hand the parent (a shell) the
// keyring it created, and nothing may fail or abort.
func TestSessionOperationsWithJoinProcess(t *testing.T) {
	p := probe(t)
	name := "stress-" + strconv.Itoa(os.Getpid())
	cmd := exec.Command("sh", "-c", `"$0" stress 4 "$1"; exit $?`, p, name)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sessionprobe stress: %v\n%s", err, stderr.String())
	}
	checkCounts(t, out, "joinprocess", "run-0", "run-named", "startwithkeys", "exec", "toparent", "currentsession", "join-locked")
}

// The session operations that leave the calling process as it is, at the
// same time, in the test process, under the race detector when the tests
// run with -race.
func TestSessionOperationsConcurrent(t *testing.T) {
	counts, problems := sessionstress.Run(2*time.Second, sessionstress.Options{
		Child: probe(t), Args: []string{"print"},
		Name:    "stress-in-" + strconv.Itoa(os.Getpid()),
		Keyring: testutil.Keyring(t),
	})
	for _, p := range problems {
		t.Error(p)
	}
	b, _ := json.Marshal(map[string]any{"counts": counts})
	checkCounts(t, b, "run-0", "run-named", "startwithkeys", "exec", "currentsession", "join-locked")
}

// checkCounts checks that a stress run ran each of ops at least once.
func checkCounts(t *testing.T, out []byte, ops ...string) {
	t.Helper()
	var r struct{ Counts map[string]int64 }
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("stress output %q: %v", out, err)
	}
	t.Logf("operations done: %v", r.Counts)
	for _, op := range ops {
		if r.Counts[op] == 0 {
			t.Errorf("%s never ran", op)
		}
	}
}

// keyctl new_session: a single-threaded parent (bash) gets the keyring.
func TestToParentSingleThreadedParent(t *testing.T) {
	p := probe(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash:", err)
	}
	out, err := exec.Command(bash, "-c", `"$0" toparent; "$0" print`, p).Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, stderrOf(err))
	}
	rs := reports(t, out)
	if len(rs) != 2 {
		t.Fatalf("got %d reports, want 2", len(rs))
	}
	if rs[1].Serial != rs[0].Serial || !rs[1].Own || rs[1].Serial == mySession(t) {
		t.Errorf("bash's next child sees %+v, want the new session %d", rs[1], rs[0].Serial)
	}
}

// A Go parent is always multithreaded: the kernel refuses, and the error
// says why.
func TestToParentGoParentRefused(t *testing.T) {
	cmd := exec.Command(probe(t), "toparent")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("ToParent with a Go parent succeeded: %s", out)
	}
	msg := string(out)
	for _, want := range []string{"session_to_parent", "operation not permitted", "threads", "Go programs"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
}

// Session methods can be used from goroutines that are not locked, and
// the goroutine's thread is not changed.
func TestSessionJoinOnDiscardedThreadOnly(t *testing.T) {
	me := mySession(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, err := (keyutils.Session{}).Run(exec.Command("true")); err != nil {
		t.Fatal(err)
	}
	if s := mySession(t); s != me {
		t.Errorf("the calling (locked) thread moved from %d to %d", me, s)
	}
}
