//go:build linux

package main

// The tests run the real git (Debian's git package) with the built helper
// as its credential.helper, never a mock: git credential approve, fill and
// reject, and git clone over HTTP from a server on 127.0.0.1 that requires
// basic authentication. Each git command is a process of its own, in the
// test binary's throwaway session keyring (credtest.Main), as root and as
// an unused uid with the default key quota; HOME, the git configuration
// and the askpass program are the test's own.

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/gitcredential"
	"github.com/keyutils-go/keyutils/internal/credtest"
	"github.com/keyutils-go/keyutils/secret"
)

func TestMain(m *testing.M) { credtest.Main(m, "cmd/git-credential-keyctl") }

// gitPath is the git the tests run, or they skip.
func gitPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git: install Debian's git package")
	}
	return p
}

// A gitUser runs git and the helper as one user.
type gitUser struct {
	*credtest.User
	git, helper string
}

// principals returns the users a test runs as: root, then an unused uid
// with the default key quota.
func principals() []func(t *testing.T) *gitUser {
	return []func(t *testing.T) *gitUser{
		func(t *testing.T) *gitUser { return newGitUser(t, credtest.Root(t)) },
		func(t *testing.T) *gitUser { return newGitUser(t, credtest.Unused(t, 0)) },
	}
}

var principalNames = []string{"root", "user"}

func newGitUser(t *testing.T, u *credtest.User) *gitUser {
	g := &gitUser{User: u, git: gitPath(t), helper: credtest.Program(t, "git-credential-keyctl")}
	t.Cleanup(func() { credtest.RemoveStore(t, gitcredential.StoreName) })
	return g
}

// env is git's environment: no configuration but the test's, no terminal
// prompts (git fails where it would prompt), no askpass.
func (g *gitUser) env(extra ...string) []string {
	return append([]string{
		"XDG_CONFIG_HOME=" + filepath.Join(g.Home, ".config"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(g.Home, ".gitconfig"),
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	}, extra...)
}

// gitArgs are the options that make the built helper git's only
// credential helper, with helperArgs on its command line.
func (g *gitUser) gitArgs(helperArgs string, args ...string) []string {
	h := g.helper
	if helperArgs != "" {
		h += " " + helperArgs
	}
	return append([]string{"-c", "credential.helper=", "-c", "credential.helper=" + h}, args...)
}

// credential runs "git credential <action>" with the description in.
func (g *gitUser) credential(t *testing.T, helperArgs, action, in string, config ...string) credtest.Result {
	t.Helper()
	args := g.gitArgs(helperArgs, config...)
	args = append(args, "credential", action)
	return g.Run(t, g.env(), in, g.git, args...)
}

// approve stores a credential through git, which must succeed quietly.
func (g *gitUser) approve(t *testing.T, helperArgs, in string, config ...string) {
	t.Helper()
	r := g.credential(t, helperArgs, "approve", in, config...)
	if r.Err != nil || r.Stdout != "" || r.Stderr != "" {
		t.Fatalf("%s: git credential approve: %v\nstdout:\n%s\nstderr:\n%s", g.Name, r.Err, r.Stdout, r.Stderr)
	}
}

// reject has git erase a credential.
func (g *gitUser) reject(t *testing.T, helperArgs, in string, config ...string) {
	t.Helper()
	r := g.credential(t, helperArgs, "reject", in, config...)
	if r.Err != nil || r.Stdout != "" || r.Stderr != "" {
		t.Fatalf("%s: git credential reject: %v\nstdout:\n%s\nstderr:\n%s", g.Name, r.Err, r.Stdout, r.Stderr)
	}
}

// fill runs git credential fill and returns the attributes it printed,
// or nil if it failed (it fails when no helper answers, since it may not
// prompt); it fails the test if git's stderr says something else.
func (g *gitUser) fill(t *testing.T, helperArgs, in string, config ...string) map[string]string {
	t.Helper()
	r := g.credential(t, helperArgs, "fill", in, config...)
	if r.Err != nil {
		if !strings.Contains(r.Stderr, "terminal prompts disabled") {
			t.Fatalf("%s: git credential fill: %v\nstderr:\n%s", g.Name, r.Err, r.Stderr)
		}
		if r.Stdout != "" {
			t.Errorf("%s: failed git credential fill printed %q", g.Name, r.Stdout)
		}
		return nil
	}
	if r.Stderr != "" {
		t.Errorf("%s: git credential fill: stderr %q", g.Name, r.Stderr)
	}
	return attrs(r.Stdout)
}

// attrs parses key=value lines.
func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m
}

// helperRun runs the helper itself, as git runs it (options, then the
// operation), for what git 2.39 does not send (password_expiry_utc).
func (g *gitUser) helperRun(t *testing.T, in string, args ...string) credtest.Result {
	t.Helper()
	return g.Run(t, nil, in, g.helper, args...)
}

// storeEntries returns the names of the store's entries, for root only
// (the store of another uid is unreadable to the test process, by design).
func storeEntries(t *testing.T, g *gitUser) ([]string, *secret.Store) {
	t.Helper()
	if g.Cred != nil {
		return nil, nil
	}
	s, err := secret.Open(gitcredential.StoreName, secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	names, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	return names, s
}

// What git approves in one process, git fills in others of the same
// session without prompting, matched as git's rules say; reject erases
// only the password rejected.
func TestApproveFillReject(t *testing.T) {
	for i, principal := range principals() {
		t.Run(principalNames[i], func(t *testing.T) {
			g := principal(t)
			g.approve(t, "", "protocol=https\nhost=example.com\nusername=alice\npassword=s3cret\n\n")
			if names, _ := storeEntries(t, g); g.Cred == nil && (len(names) != 1 || names[0] != "https://alice@example.com") {
				t.Errorf("store entries %q, want [https://alice@example.com]", names)
			}
			got := g.fill(t, "", "protocol=https\nhost=example.com\n\n")
			if got["username"] != "alice" || got["password"] != "s3cret" {
				t.Fatalf("fill = %v; want alice's password from the helper", got)
			}
			// Another username: nothing (git would prompt, and may not).
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=bob\n\n"); got != nil {
				t.Errorf("fill for bob = %v; want nothing", got)
			}
			// Another host, another protocol: nothing.
			if got := g.fill(t, "", "protocol=https\nhost=example.org\n\n"); got != nil {
				t.Errorf("fill for example.org = %v; want nothing", got)
			}
			if got := g.fill(t, "", "protocol=http\nhost=example.com\n\n"); got != nil {
				t.Errorf("fill for http = %v; want nothing", got)
			}
			// The same request as a URL.
			if got := g.fill(t, "", "url=https://alice@example.com/some/repo.git\n\n"); got["password"] != "s3cret" {
				t.Errorf("fill by URL = %v; want alice's password", got)
			}

			// With credential.useHttpPath git sends the path: a
			// credential stored for a path answers that path only,
			// and one stored without a path does not answer a
			// request with one.
			usePath := []string{"-c", "credential.useHttpPath=true"}
			if got := g.fill(t, "", "url=https://example.com/a.git\n\n", usePath...); got != nil {
				t.Errorf("fill with a path = %v; want nothing (the credential has no path)", got)
			}
			g.approve(t, "", "url=https://alice@example.com/a.git\npassword=for-a\n\n", usePath...)
			if got := g.fill(t, "", "url=https://example.com/a.git\n\n", usePath...); got["password"] != "for-a" {
				t.Errorf("fill for a.git = %v; want for-a", got)
			}
			if got := g.fill(t, "", "url=https://example.com/b.git\n\n", usePath...); got != nil {
				t.Errorf("fill for b.git = %v; want nothing", got)
			}
			// Without useHttpPath, the newest of alice's credentials.
			if got := g.fill(t, "", "url=https://example.com/a.git\n\n"); got["password"] != "for-a" {
				t.Errorf("fill without a path = %v; want the newest credential, for-a", got)
			}

			// A second user of the host; a request without a username
			// gets the newest.
			g.approve(t, "", "protocol=https\nhost=example.com\nusername=bob\npassword=bobs\n\n")
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=bob\n\n"); got["password"] != "bobs" {
				t.Errorf("fill for bob = %v; want bobs", got)
			}
			if got := g.fill(t, "", "protocol=https\nhost=example.com\n\n"); got["username"] != "bob" || got["password"] != "bobs" {
				t.Errorf("fill without a username = %v; want the newest credential, bob's", got)
			}
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=alice\n\n"); got["password"] != "for-a" {
				t.Errorf("fill for alice = %v; want her newest, for-a", got)
			}

			// Approving again replaces the password.
			g.approve(t, "", "protocol=https\nhost=example.com\nusername=bob\npassword=bobs2\n\n")
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=bob\n\n"); got["password"] != "bobs2" {
				t.Errorf("fill for bob after a new approve = %v; want bobs2", got)
			}

			// git reject sends the password that failed: another
			// password stays.
			g.reject(t, "", "protocol=https\nhost=example.com\nusername=bob\npassword=bobs\n\n")
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=bob\n\n"); got["password"] != "bobs2" {
				t.Errorf("fill for bob after rejecting an old password = %v; want bobs2", got)
			}
			g.reject(t, "", "protocol=https\nhost=example.com\nusername=bob\npassword=bobs2\n\n")
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=bob\n\n"); got != nil {
				t.Errorf("fill for bob after reject = %v; want nothing", got)
			}
			// Alice's remain; a reject without a password erases all
			// that match.
			if got := g.fill(t, "", "protocol=https\nhost=example.com\nusername=alice\n\n"); got["password"] != "for-a" {
				t.Errorf("fill for alice after bob's reject = %v; want for-a", got)
			}
			g.reject(t, "", "protocol=https\nhost=example.com\nusername=alice\n\n")
			for _, in := range []string{"protocol=https\nhost=example.com\n\n", "url=https://example.com/a.git\n\n"} {
				if got := g.fill(t, "", in, usePath...); got != nil {
					t.Errorf("fill %q after rejecting alice's = %v; want nothing", in, got)
				}
			}
			if names, _ := storeEntries(t, g); len(names) != 0 {
				t.Errorf("store entries %q after every reject, want none", names)
			}
		})
	}
}

// Another user, in the same session keyring, gets nothing from the
// helper: git goes on to prompt (and fails, since it may not).
func TestOtherUserCannotRead(t *testing.T) {
	for i, principal := range principals() {
		t.Run(principalNames[i], func(t *testing.T) {
			owner := principal(t)
			intruder := newGitUser(t, credtest.Unused(t, 1))
			const cred = "protocol=https\nhost=example.com\nusername=alice\npassword=s3cret\n\n"
			owner.approve(t, "", cred)

			r := intruder.credential(t, "", "fill", "protocol=https\nhost=example.com\n\n")
			if r.Err == nil || strings.Contains(r.Stdout, "s3cret") || strings.Contains(r.Stderr, "s3cret") {
				t.Errorf("%s: fill: %v\nstdout:\n%s\nstderr:\n%s\nwant a failure without the password", intruder.Name, r.Err, r.Stdout, r.Stderr)
			}
			// The helper's own message, through git: the store in the
			// session keyring is another user's.
			if !strings.Contains(r.Stderr, "git-credential-keyctl: get: secret: open") || !strings.Contains(r.Stderr, secret.ErrForeign.Error()) {
				t.Errorf("%s: fill's stderr:\n%s\nwant the helper's error naming the foreign store", intruder.Name, r.Stderr)
			}
			hr := intruder.helperRun(t, "protocol=https\nhost=example.com\n\n", "get")
			if hr.Err == nil || hr.Stdout != "" || strings.Contains(hr.Stderr, "s3cret") {
				t.Errorf("%s: helper get: %v, stdout %q, stderr %q; want a failure and no output", intruder.Name, hr.Err, hr.Stdout, hr.Stderr)
			}
			// Nor can it replace or erase it.
			intruder.credential(t, "", "approve", "protocol=https\nhost=example.com\nusername=alice\npassword=evil\n\n")
			intruder.credential(t, "", "reject", cred)
			if got := owner.fill(t, "", "protocol=https\nhost=example.com\n\n"); got["password"] != "s3cret" {
				t.Errorf("%s: fill after the intrusion = %v; want the password", owner.Name, got)
			}
			owner.reject(t, "", cred)
		})
	}
}

// A credential expires after --timeout seconds, and at its
// password_expiry_utc if that comes first; one already expired is not
// stored.
func TestExpiry(t *testing.T) {
	for i, principal := range principals() {
		t.Run(principalNames[i], func(t *testing.T) {
			g := principal(t)
			const timeout = 3
			helperArgs := "--timeout " + strconv.Itoa(timeout)
			in := "protocol=https\nhost=example.com\nusername=alice\npassword=s3cret\n\n"
			start := time.Now()
			g.approve(t, helperArgs, in)
			if names, s := storeEntries(t, g); s != nil {
				info, err := s.Info(names[0])
				end := time.Now()
				if err != nil || info.Expires.Unix() < start.Unix()+timeout || info.Expires.Unix() > end.Unix()+timeout {
					t.Errorf("entry %+v, %v; want an expiry %d s after the approve", info, err, timeout)
				}
			}
			got := g.fill(t, helperArgs, "protocol=https\nhost=example.com\n\n")
			// The key expires at the start of its expiry second, at
			// least timeout-1 seconds after the approve started: a
			// fill over by then must have found the password.
			if got == nil && time.Since(start) < (timeout-1)*time.Second {
				t.Errorf("fill right after the approve found nothing")
			}
			waitGone(t, g, helperArgs, "protocol=https\nhost=example.com\n\n", start.Add(timeout*time.Second))

			// password_expiry_utc (git 2.41 and later send it; the
			// git here, 2.39, does not): the helper, as git runs it.
			expiry := time.Now().Unix() + 3
			r := g.helperRun(t, fmt.Sprintf("protocol=https\nhost=example.com\nusername=alice\npassword=s3cret\npassword_expiry_utc=%d\n\n", expiry), "--timeout", "900", "store")
			if r.Err != nil || r.Stdout != "" || r.Stderr != "" {
				t.Fatalf("helper store: %+v", r)
			}
			if names, s := storeEntries(t, g); s != nil {
				// A second later if a second boundary passed between
				// the helper's reading of the clock and the store's
				// (secret.Info.Expires).
				if info, err := s.Info(names[0]); err != nil || info.Expires.Unix() != expiry && info.Expires.Unix() != expiry+1 {
					t.Errorf("entry %+v, %v; want the expiry %d", info, err, expiry)
				}
			}
			r = g.helperRun(t, "protocol=https\nhost=example.com\n\n", "--timeout", "900", "get")
			want := fmt.Sprintf("username=alice\npassword=s3cret\npassword_expiry_utc=%d\n", expiry)
			if r.Err != nil || (r.Stdout != want && time.Now().Unix() < expiry) || r.Stderr != "" {
				t.Errorf("helper get: %+v; want %q", r, want)
			}
			waitGone(t, g, "", "protocol=https\nhost=example.com\n\n", time.Unix(expiry, 0))

			// Already expired: not stored.
			r = g.helperRun(t, fmt.Sprintf("protocol=https\nhost=example.com\nusername=alice\npassword=old\npassword_expiry_utc=%d\n\n", time.Now().Unix()-1), "store")
			if r.Err != nil || r.Stdout != "" || r.Stderr != "" {
				t.Errorf("helper store of an expired credential: %+v; want nothing said", r)
			}
			if got := g.fill(t, "", "protocol=https\nhost=example.com\n\n"); got != nil {
				t.Errorf("fill after storing an expired credential = %v; want nothing", got)
			}
			// An expiry beyond the timeout: the timeout.
			start = time.Now()
			r = g.helperRun(t, fmt.Sprintf("protocol=https\nhost=example.com\nusername=alice\npassword=s3cret\npassword_expiry_utc=%d\n\n", start.Unix()+100000), "--timeout", "900", "store")
			if r.Err != nil || r.Stderr != "" {
				t.Errorf("helper store: %+v", r)
			}
			if names, s := storeEntries(t, g); s != nil {
				info, err := s.Info(names[0])
				if err != nil || info.Expires.Unix() < start.Unix()+900 || info.Expires.Unix() > time.Now().Unix()+900 {
					t.Errorf("entry %+v, %v; want an expiry 900 s from now", info, err)
				}
			}
			g.reject(t, "", "protocol=https\nhost=example.com\n\n")
		})
	}
}

// waitGone waits, 30 seconds at most after expires, until git's fill no
// longer gets a credential, and fails the test if it still does then or
// if it stopped before expires (to the second).
func waitGone(t *testing.T, g *gitUser, helperArgs, in string, expires time.Time) {
	t.Helper()
	deadline := expires.Add(30 * time.Second)
	for {
		before := time.Now()
		got := g.fill(t, helperArgs, in)
		if got == nil {
			if before.Unix() < expires.Unix()-1 {
				t.Errorf("the credential was gone at %v, before its expiry %v", before, expires)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fill still gets %v 30 s after the expiry", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A real clone over HTTP with basic authentication: the first clone asks
// for the username and the password (through GIT_ASKPASS) and git stores
// them with the helper; the next clone asks nothing. When the server's
// password changes, git rejects the stored one (the helper erases it),
// asks again, and stores the new one.
func TestHTTPClone(t *testing.T) {
	for i, principal := range principals() {
		t.Run(principalNames[i], func(t *testing.T) {
			g := principal(t)
			srv := newGitServer(t, g.git, "alice", "first-password")

			// The askpass program logs each prompt and answers it.
			askDir := credtest.SharedDir(t)
			askpass := filepath.Join(askDir, "askpass")
			if err := os.WriteFile(askpass, []byte(`#!/bin/sh
printf '%s\n' "$1" >> "$ASKPASS_LOG"
case "$1" in
Username*) echo alice ;;
Password*) echo "$ASKPASS_PASSWORD" ;;
*) exit 1 ;;
esac
`), 0o755); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(g.Home, "askpass.log")
			prompts := func() []string {
				b, err := os.ReadFile(log)
				if errors.Is(err, os.ErrNotExist) {
					return nil
				}
				if err != nil {
					t.Fatal(err)
				}
				os.Remove(log)
				return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			}
			n := 0
			clone := func(password string) credtest.Result {
				n++
				env := g.env("GIT_ASKPASS="+askpass, "ASKPASS_LOG="+log, "ASKPASS_PASSWORD="+password)
				args := g.gitArgs("--timeout 900", "clone", "--quiet", srv.url, filepath.Join(g.Home, "clone"+strconv.Itoa(n)))
				return g.Run(t, env, "", g.git, args...)
			}
			cloned := func(r credtest.Result) {
				t.Helper()
				if r.Err != nil {
					t.Fatalf("clone %d: %v\nstderr:\n%s", n, r.Err, r.Stderr)
				}
				if b, err := os.ReadFile(filepath.Join(g.Home, "clone"+strconv.Itoa(n), "README")); err != nil || string(b) != "hello\n" {
					t.Fatalf("clone %d: README %q, %v", n, b, err)
				}
			}

			cloned(clone("first-password"))
			p := prompts()
			if len(p) != 2 || !strings.HasPrefix(p[0], "Username for 'http://127.0.0.1:") || !strings.HasPrefix(p[1], "Password for 'http://alice@127.0.0.1:") {
				t.Errorf("first clone: prompts %q; want the username's and the password's", p)
			}
			authorized := srv.authorized()
			cloned(clone("wrong: the helper must answer"))
			if p := prompts(); len(p) != 0 {
				t.Errorf("second clone: prompts %q; want none", p)
			}
			if srv.authorized() == authorized {
				t.Errorf("second clone: the server saw no authorized request")
			}

			// The password changes on the server: the stored one is
			// refused, and git rejects it.
			srv.setPassword("second-password")
			r := clone("second-password")
			p = prompts()
			if r.Err == nil && len(p) == 0 {
				t.Fatalf("clone with a changed password succeeded without asking")
			}
			if r.Err != nil && !strings.Contains(r.Stderr, "Authentication failed") {
				t.Fatalf("clone with a changed password: %v\nstderr:\n%s", r.Err, r.Stderr)
			}
			t.Logf("clone with a changed password: prompts %q, %v", p, r.Err)
			if r.Err != nil {
				// git 2.39 gives up after rejecting; the next
				// clone asks.
				cloned(clone("second-password"))
				if p := prompts(); len(p) != 2 {
					t.Errorf("clone after the rejection: prompts %q; want the username's and the password's", p)
				}
			}
			cloned(clone("wrong: the helper must answer"))
			if p := prompts(); len(p) != 0 {
				t.Errorf("clone with the new password stored: prompts %q; want none", p)
			}
			g.reject(t, "", "url="+srv.url+"\n\n")
		})
	}
}

// A gitServer serves one repository over HTTP through git http-backend,
// behind basic authentication.
type gitServer struct {
	url string // the repository's

	mu       sync.Mutex
	user     string
	password string
	ok       int // authorized requests
}

func (s *gitServer) setPassword(p string) {
	s.mu.Lock()
	s.password = p
	s.mu.Unlock()
}

func (s *gitServer) authorized() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ok
}

// newGitServer creates a repository with one commit (README: "hello")
// and serves it on 127.0.0.1, on a port of its own, until the test ends.
func newGitServer(t *testing.T, git, user, password string) *gitServer {
	t.Helper()
	root := t.TempDir()
	work := filepath.Join(root, "work")
	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+root, "LC_ALL=C")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %q: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	run(work, "init", "--quiet")
	if err := os.WriteFile(filepath.Join(work, "README"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(work, "add", "README")
	run(work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "first")
	run(root, "clone", "--quiet", "--bare", work, filepath.Join(root, "repo.git"))
	backend := filepath.Join(run(root, "--exec-path"), "git-http-backend")

	s := &gitServer{user: user, password: password}
	cgiHandler := &cgi.Handler{
		Path: backend,
		Root: "/git",
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		s.mu.Lock()
		ok = ok && u == s.user && p == s.password
		if ok {
			s.ok++
		}
		s.mu.Unlock()
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		cgiHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/git/repo.git"
	return s
}

// The usage text, and bad command lines.
func TestCommandLine(t *testing.T) {
	g := newGitUser(t, credtest.Root(t))
	for _, arg := range []string{"-h", "--help"} {
		r := g.helperRun(t, "", arg)
		if r.Err != nil || r.Stdout != gitcredential.Usage || r.Stderr != "" {
			t.Errorf("%s: %+v; want the usage on stdout", arg, r)
		}
	}
	for _, args := range [][]string{
		{},
		{"--timeout", "x", "get"},
		{"--timeout", "-1", "get"},
		{"--timeout", "4294967296", "get"},
		{"--anchor", "nowhere", "get"},
		{"--nope", "get"},
		{"get", "store"},
	} {
		r := g.helperRun(t, "", args...)
		var ee *exec.ExitError
		if !errors.As(r.Err, &ee) || ee.ExitCode() != 2 || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "git-credential-keyctl: ") || !strings.Contains(r.Stderr, "usage:") {
			t.Errorf("%q: %+v; want status 2 and the usage on stderr", args, r)
		}
	}
	// Unknown operations are ignored, as the protocol asks.
	if r := g.helperRun(t, "protocol=https\nhost=example.com\n\n", "frobnicate"); r.Err != nil || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("unknown operation: %+v; want nothing", r)
	}
	if r := g.helperRun(t, "", "capability"); r.Err != nil || r.Stdout != "version 0\ncapability authtype\n" || r.Stderr != "" {
		t.Errorf("capability: %+v", r)
	}
	// A line that is not an attribute is reported without being
	// repeated (it may be a password typed wrongly).
	r := g.helperRun(t, "protocol=https\npassword:s3cret\n\n", "store")
	if r.Err == nil || strings.Contains(r.Stderr, "s3cret") || !strings.Contains(r.Stderr, "line 2 is not key=value") {
		t.Errorf("malformed store: %+v", r)
	}
	// git passes the options before the operation.
	if r := g.helperRun(t, "protocol=https\nhost=example.com\nusername=a\npassword=b\n\n", "--anchor=session", "--timeout=60", "store"); r.Err != nil || r.Stderr != "" {
		t.Errorf("store with options: %+v", r)
	}
	if r := g.helperRun(t, "protocol=https\nhost=example.com\n\n", "--anchor", "session", "get"); r.Stdout != "username=a\npassword=b\n" {
		t.Errorf("get with options: %+v", r)
	}
}

// The anchors other than the session: as an unused uid, whose user and
// persistent keyrings the test removes. A process in another session
// keyring reads what one stored.
func TestAnchors(t *testing.T) {
	u := credtest.Unused(t, 0)
	g := newGitUser(t, u)
	for _, anchor := range []string{"user", "user-session", "persistent"} {
		t.Run(anchor, func(t *testing.T) {
			args := "--anchor " + anchor
			g.approve(t, args, "protocol=https\nhost=example.com\nusername=alice\npassword="+anchor+"\n\n")
			// In a new session keyring of its own.
			cmd := g.Command(t.Context(), g.env(), g.git, append(g.gitArgs(args), "credential", "fill")...)
			cmd.Stdin = strings.NewReader("protocol=https\nhost=example.com\n\n")
			var out strings.Builder
			cmd.Stdout = &out
			if _, err := (keyutils.Session{}).Run(cmd); err != nil || attrs(out.String())["password"] != anchor {
				t.Errorf("fill in another session: %q, %v; want the password", out.String(), err)
			}
			// Not in the session store.
			if got := g.fill(t, "", "protocol=https\nhost=example.com\n\n"); got != nil {
				t.Errorf("fill from the session store = %v; want nothing", got)
			}
			g.reject(t, args, "protocol=https\nhost=example.com\n\n")
		})
	}
}
