//go:build linux

package robust

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

type result struct {
	stdout, stderr string
	code           int // -1: killed (signal or timeout)
}

// keyctl runs our keyctl with args and stdin, bounded by a timeout.
func keyctl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, build(t, "./cmd/keyctl"), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout.String(), stderr.String(), 0}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("keyctl %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("keyctl %v did not finish in 10 s", args)
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("keyctl %v crashed:\n%s", args, r.stderr)
	}
	return r
}

// TestCLIChangingTree: show, rlist and purge of a tree that another
// goroutine keeps rebuilding, clearing, unlinking and revoking always
// finish, without crashing, with exit status 0 or 1.
func TestCLIChangingTree(t *testing.T) {
	root := testutil.Keyring(t)
	stop := testutil.ChurnTree(t, root, "churn:")
	ring := root.String()
	runs := 0
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); runs++ {
		for _, args := range [][]string{{"show", ring}, {"rlist", ring}, {"purge", "-p", "user", "churn:"}, {"show", "-x", ring}} {
			if r := keyctl(t, "", args...); r.code != 0 && r.code != 1 {
				t.Errorf("keyctl %v: exit %d\n%s", args, r.code, r.stderr)
			}
		}
	}
	stop()
	t.Logf("%d rounds", runs)
}

// TestCLIDescriptionSeparators: keyctl copes with a description that holds
// ';' and ": ".
func TestCLIDescriptionSeparators(t *testing.T) {
	ring := testutil.Keyring(t)
	const desc = "a;b;c: d: 5;;x:"
	r := keyctl(t, "", "add", "user", desc, "payload", ring.String())
	id := strings.TrimSpace(r.stdout)
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := keyctl(t, "", "rdescribe", id); !strings.HasSuffix(strings.TrimSpace(r.stdout), ";"+desc) {
		t.Errorf("rdescribe: %+v", r)
	}
	if r := keyctl(t, "", "describe", id); !strings.HasSuffix(strings.TrimSpace(r.stdout), "user: "+desc) {
		t.Errorf("describe: %+v", r)
	}
	if r := keyctl(t, "", "search", ring.String(), "user", desc); strings.TrimSpace(r.stdout) != id {
		t.Errorf("search: %+v, want %s", r, id)
	}
	if r := keyctl(t, "", "show", ring.String()); !strings.Contains(r.stdout, "user: "+desc+"\n") {
		t.Errorf("show: %+v", r)
	}
	if r := keyctl(t, "", "print", "%user:"+desc); r.stdout != "payload\n" {
		t.Errorf("print %%user:desc: %+v", r)
	}
}

// TestCLISecretNotInDiagnostics: keyctl commands given a recognisable
// payload, on the command line or on stdin, in clear or in hex, fail in
// each way the kernel offers; nothing they print contains the payload.
func TestCLISecretNotInDiagnostics(t *testing.T) {
	const secret = "S3CRET-cli-payload-91c2"
	hx := hex.EncodeToString([]byte(secret))
	ring := testutil.Keyring(t).String()
	revoked, err := keyutils.AddKey("user", "revoked", []byte("x"), testutil.Keyring(t))
	if err == nil {
		err = keyutils.Revoke(revoked)
	}
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat(secret, 40000/len(secret))
	missing := "2147483000"
	for _, c := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"add", "user", "d", secret, missing}},
		{"", []string{"add", "user", "d", big, ring}},
		{"", []string{"add", "logon", "no-prefix", secret, ring}},
		{"", []string{"add", "no-such-type", "d", secret, ring}},
		{"", []string{"add", "-x", "user", "d", hx + "z", ring}},
		{"", []string{"add", "-x", "user", "d", hx + "1", ring}},
		{secret, []string{"padd", "user", "d", missing}},
		{hx + "zz", []string{"padd", "-x", "user", "d", ring}},
		{"", []string{"update", revoked.String(), secret}},
		{secret, []string{"pupdate", revoked.String()}},
		{"", []string{"update", ring, secret}},
		{"", []string{"instantiate", revoked.String(), secret, ring}},
		{secret, []string{"pinstantiate", revoked.String(), ring}},
	} {
		r := keyctl(t, c.stdin, c.args...)
		if r.code == 0 {
			t.Errorf("keyctl %.60q succeeded: %+v", c.args, r)
		}
		for _, out := range []string{r.stdout, r.stderr} {
			if strings.Contains(out, "S3CRET") || strings.Contains(strings.ToLower(out), hx[:16]) {
				t.Errorf("keyctl %.60q printed the payload: %q", c.args, out)
			}
		}
	}
}
