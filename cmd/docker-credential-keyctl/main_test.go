//go:build linux

package main

// The tests use the protocol's own client, the client package of
// github.com/docker/docker-credential-helpers (what Docker's CLI uses), on
// the built helper: every client call runs the helper as a process of its
// own (client.NewShellProgramFunc), in the test binary's throwaway session
// keyring (credtest.Main), as root and as an unused uid with the default
// key quota (through setpriv, so that the client runs the program itself).

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/dockercredential"
	"github.com/keyutils-go/keyutils/internal/credtest"
	"github.com/keyutils-go/keyutils/internal/version"
)

func TestMain(m *testing.M) { credtest.Main(m, "cmd/docker-credential-keyctl") }

// A dockerUser runs the helper as one user, through the client.
type dockerUser struct {
	*credtest.User
	bin     string // the helper
	program string // what the client runs: the helper, or a script running it as the user
}

func newDockerUser(t *testing.T, u *credtest.User) *dockerUser {
	t.Helper()
	d := &dockerUser{User: u, bin: credtest.Program(t, "docker-credential-keyctl")}
	d.program = d.bin
	if u.Cred != nil {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("no setpriv (util-linux) to run the helper as another user")
		}
		d.program = filepath.Join(credtest.SharedDir(t), "docker-credential-keyctl")
		id := strconv.FormatUint(uint64(u.UID), 10)
		script := "#!/bin/sh\nexec " + setpriv + " --reuid=" + id + " --regid=" + id + " --clear-groups -- " + d.bin + ` "$@"` + "\n"
		if err := os.WriteFile(d.program, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { credtest.RemoveStore(t, dockercredential.StoreName) })
	return d
}

// client returns the client's program function with the environment
// variables env ("NAME=value") set; the anchor is the session keyring
// unless env says otherwise.
func (d *dockerUser) client(env ...string) client.ProgramFunc {
	m := map[string]string{dockercredential.EnvAnchor: "session", dockercredential.EnvTimeout: ""}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return client.NewShellProgramFuncWithEnv(d.program, &m)
}

func principals() []func(t *testing.T) *dockerUser {
	return []func(t *testing.T) *dockerUser{
		func(t *testing.T) *dockerUser { return newDockerUser(t, credtest.Root(t)) },
		func(t *testing.T) *dockerUser { return newDockerUser(t, credtest.Unused(t, 0)) },
	}
}

var principalNames = []string{"root", "user"}

// Store in one process, get, list and erase in others of the same
// session, through the client.
func TestClient(t *testing.T) {
	for i, principal := range principals() {
		t.Run(principalNames[i], func(t *testing.T) {
			d := principal(t)
			p := d.client()
			hub := &credentials.Credentials{ServerURL: "https://index.docker.io/v1/", Username: "alice", Secret: "s3cret"}
			if err := client.Store(p, hub); err != nil {
				t.Fatal(err)
			}
			got, err := client.Get(p, hub.ServerURL)
			if err != nil || *got != *hub {
				t.Fatalf("Get = %+v, %v; want %+v", got, err, hub)
			}
			// An identity token, and a URL with odd bytes.
			tok := &credentials.Credentials{ServerURL: "registry.example.com:5000/a b\u00e9", Username: "<token>", Secret: "eyJ\"\\\n\x00x"}
			if err := client.Store(p, tok); err != nil {
				t.Fatal(err)
			}
			if got, err := client.Get(p, tok.ServerURL); err != nil || *got != *tok {
				t.Errorf("Get = %+v, %v; want %+v", got, err, tok)
			}
			list, err := client.List(p)
			if err != nil || len(list) != 2 || list[hub.ServerURL] != "alice" || list[tok.ServerURL] != "<token>" {
				t.Errorf("List = %q, %v", list, err)
			}
			// Replace.
			hub2 := &credentials.Credentials{ServerURL: hub.ServerURL, Username: "bob", Secret: "other"}
			if err := client.Store(p, hub2); err != nil {
				t.Fatal(err)
			}
			if got, err := client.Get(p, hub.ServerURL); err != nil || *got != *hub2 {
				t.Errorf("Get after replacing = %+v, %v; want %+v", got, err, hub2)
			}
			// Not found, as Docker's client recognises it.
			if _, err := client.Get(p, "https://other.example.com"); !credentials.IsErrCredentialsNotFound(err) {
				t.Errorf("Get of another server: %v; want not found", err)
			}
			if err := client.Erase(p, hub.ServerURL); err != nil {
				t.Fatal(err)
			}
			if _, err := client.Get(p, hub.ServerURL); !credentials.IsErrCredentialsNotFound(err) {
				t.Errorf("Get after Erase: %v; want not found", err)
			}
			if err := client.Erase(p, hub.ServerURL); err == nil || !strings.Contains(err.Error(), "credentials not found") {
				t.Errorf("Erase twice: %v; want not found", err)
			}
			// Invalid requests, as the library reports them.
			err = client.Store(p, &credentials.Credentials{ServerURL: "x", Secret: "s3cret"})
			if err == nil || !strings.Contains(err.Error(), "no credentials username") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("Store without a username: %v", err)
			}
			if _, err := client.Get(p, ""); err == nil || !strings.Contains(err.Error(), "no credentials server URL") {
				t.Errorf("Get without a server: %v", err)
			}
			if err := client.Erase(p, tok.ServerURL); err != nil {
				t.Fatal(err)
			}
			if list, err := client.List(p); err != nil || len(list) != 0 {
				t.Errorf("List after erasing everything = %q, %v", list, err)
			}
		})
	}
}

// Another uid, even in the same session keyring, reads nothing, and can
// neither replace nor erase.
func TestOtherUserCannotRead(t *testing.T) {
	for i, principal := range principals() {
		t.Run(principalNames[i], func(t *testing.T) {
			owner := principal(t)
			intruder := newDockerUser(t, credtest.Unused(t, 1))
			c := &credentials.Credentials{ServerURL: "registry.example.com", Username: "alice", Secret: "s3cret"}
			if err := client.Store(owner.client(), c); err != nil {
				t.Fatal(err)
			}
			ip := intruder.client()
			if got, err := client.Get(ip, c.ServerURL); err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "not created by this package") {
				t.Errorf("%s: Get = %+v, %v; want the store refused as another user's", intruder.Name, got, err)
			}
			if list, err := client.List(ip); err == nil {
				t.Errorf("%s: List = %q; want an error", intruder.Name, list)
			}
			client.Store(ip, &credentials.Credentials{ServerURL: c.ServerURL, Username: "evil", Secret: "evil"})
			client.Erase(ip, c.ServerURL)
			if got, err := client.Get(owner.client(), c.ServerURL); err != nil || *got != *c {
				t.Errorf("%s: Get after the intrusion = %+v, %v", owner.Name, got, err)
			}
		})
	}
}

// The default anchor, the persistent keyring: a process in another session
// keyring reads what one stored; another uid reads nothing (it has a
// persistent keyring of its own). As unused uids, whose keyrings the test
// removes; not as root, whose persistent keyring is the machine's.
func TestDefaultAnchor(t *testing.T) {
	owner := newDockerUser(t, credtest.Unused(t, 0))
	intruder := newDockerUser(t, credtest.Unused(t, 1))
	c := &credentials.Credentials{ServerURL: "registry.example.com", Username: "alice", Secret: "s3cret"}
	if err := client.Store(owner.client(dockercredential.EnvAnchor+"="), c); err != nil {
		t.Fatal(err)
	}
	// Read from another session keyring.
	cmd := owner.Command(t.Context(), nil, owner.bin, "get")
	cmd.Stdin = strings.NewReader(c.ServerURL)
	var out strings.Builder
	cmd.Stdout = &out
	if _, err := (keyutils.Session{}).Run(cmd); err != nil || !strings.Contains(out.String(), `"Secret":"s3cret"`) {
		t.Errorf("get in another session keyring: %q, %v", out.String(), err)
	}
	// Not in the session anchor's store.
	if _, err := client.Get(owner.client(), c.ServerURL); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("Get from the session store: %v; want not found", err)
	}
	if _, err := client.Get(intruder.client(dockercredential.EnvAnchor+"="), c.ServerURL); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("%s: Get: %v; want not found", intruder.Name, err)
	}
}

// DOCKER_CREDENTIAL_KEYCTL_TIMEOUT gives credentials a time to live.
func TestTimeout(t *testing.T) {
	d := newDockerUser(t, credtest.Root(t))
	p := d.client(dockercredential.EnvTimeout + "=2")
	c := &credentials.Credentials{ServerURL: "registry.example.com", Username: "alice", Secret: "s3cret"}
	start := time.Now()
	if err := client.Store(p, c); err != nil {
		t.Fatal(err)
	}
	// The key expires at the start of its expiry second, at least a
	// second after the store started.
	if _, err := client.Get(p, c.ServerURL); err != nil && time.Since(start) < time.Second {
		t.Errorf("Get right after Store: %v", err)
	}
	for deadline := start.Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		before := time.Now()
		_, err := client.Get(p, c.ServerURL)
		if credentials.IsErrCredentialsNotFound(err) {
			if before.Unix() < start.Unix()+1 {
				t.Errorf("gone at %v, before its expiry", before)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the credential is still there 30 s after its expiry")
		}
	}
}

// version, -h, and a bad environment.
func TestCommandLine(t *testing.T) {
	d := newDockerUser(t, credtest.Root(t))
	want := "docker-credential-keyctl (github.com/keyutils-go/keyutils) " + version.Version + "\n"
	for _, arg := range []string{"version", "--version", "-v"} {
		if r := d.Run(t, nil, "", d.bin, arg); r.Err != nil || r.Stdout != want || r.Stderr != "" {
			t.Errorf("%s: %+v; want %q", arg, r, want)
		}
	}
	for _, arg := range []string{"-h", "--help"} {
		if r := d.Run(t, nil, "", d.bin, arg); r.Err != nil || r.Stdout != dockercredential.Usage || r.Stderr != "" {
			t.Errorf("%s: %+v; want the usage", arg, r)
		}
	}
	var ee *exec.ExitError
	if r := d.Run(t, nil, "", d.bin); !errors.As(r.Err, &ee) || ee.ExitCode() != 1 || !strings.HasPrefix(r.Stdout, "Usage: docker-credential-keyctl <store|get|erase|list|version>") {
		t.Errorf("no arguments: %+v", r)
	}
	if r := d.Run(t, nil, "", d.bin, "frobnicate"); !errors.As(r.Err, &ee) || ee.ExitCode() != 1 || r.Stdout != "docker-credential-keyctl: unknown action: frobnicate\n" {
		t.Errorf("unknown action: %+v", r)
	}
	bad := []string{dockercredential.EnvAnchor + "=nowhere\x1b[2J"}
	if r := d.Run(t, bad, "registry.example.com", d.bin, "get"); !errors.As(r.Err, &ee) || ee.ExitCode() != 1 || !strings.Contains(r.Stdout, `DOCKER_CREDENTIAL_KEYCTL_ANCHOR="nowhere\\x1b[2J": want session`) {
		t.Errorf("bad anchor: %+v", r)
	}
	if r := d.Run(t, bad, "", d.bin, "version"); r.Err != nil || r.Stdout != want {
		t.Errorf("version with a bad anchor: %+v", r)
	}
}
