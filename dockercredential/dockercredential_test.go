//go:build linux

package dockercredential

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"github.com/keyutils-go/keyutils/secret"
)

// TestMain runs the tests in a throwaway session keyring (testutil.Main).
func TestMain(m *testing.M) { testutil.Main(m) }

// newHelper returns a helper on the store in the test's session keyring,
// removed when the test ends.
func newHelper(t *testing.T, timeout time.Duration) *Helper {
	t.Helper()
	h := &Helper{Anchor: secret.Session, Timeout: timeout}
	s, err := h.Store()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Clear()
		keyutils.Unlink(s.Keyring(), keyutils.SessionKeyring)
	})
	return h
}

func TestHelper(t *testing.T) {
	h := newHelper(t, 0)
	servers := []string{"https://index.docker.io/v1/", "registry.example.com:5000", "http://a b/%41\n\u00e9"}
	for i, server := range servers {
		c := &credentials.Credentials{ServerURL: server, Username: "user" + string(rune('0'+i)), Secret: "s3cret\x00\n" + server}
		if err := h.Add(c); err != nil {
			t.Fatalf("Add(%q): %v", server, err)
		}
	}
	for i, server := range servers {
		user, pass, err := h.Get(server)
		if err != nil || user != "user"+string(rune('0'+i)) || pass != "s3cret\x00\n"+server {
			t.Errorf("Get(%q) = %q, %q, %v", server, user, pass, err)
		}
	}
	// Docker trims the server URL it reads; Add trims it too.
	if user, _, err := h.Get("  registry.example.com:5000\n"); err != nil || user != "user1" {
		t.Errorf("Get with white space = %q, %v", user, err)
	}
	list, err := h.List()
	if err != nil || len(list) != 3 || list[servers[2]] != "user2" {
		t.Errorf("List = %q, %v", list, err)
	}
	names, _ := mustStore(t, h).List()
	if strings.Join(names, " ") != "http://a%20b/%2541%0A%C3%A9 https://index.docker.io/v1/ registry.example.com:5000" {
		t.Errorf("entries %q", names)
	}
	// Replace.
	if err := h.Add(&credentials.Credentials{ServerURL: servers[0], Username: "other", Secret: "new"}); err != nil {
		t.Fatal(err)
	}
	if user, pass, err := h.Get(servers[0]); err != nil || user != "other" || pass != "new" {
		t.Errorf("Get after replacing = %q, %q, %v", user, pass, err)
	}
	if err := h.Delete(servers[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Get(servers[0]); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("Get after Delete: %v; want not found", err)
	}
	if err := h.Delete(servers[0]); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("Delete twice: %v; want not found", err)
	}
	for _, server := range []string{"", "nul\x00"} {
		if _, _, err := h.Get(server); !credentials.IsErrCredentialsNotFound(err) {
			t.Errorf("Get(%q): %v; want not found", server, err)
		}
	}
	// Invalid credentials.
	if err := h.Add(&credentials.Credentials{ServerURL: " ", Username: "u", Secret: "s"}); !credentials.IsCredentialsMissingServerURL(err) {
		t.Errorf("Add without a server: %v", err)
	}
	if err := h.Add(&credentials.Credentials{ServerURL: "x", Secret: "s"}); !credentials.IsCredentialsMissingUsername(err) {
		t.Errorf("Add without a username: %v", err)
	}
	if err := h.Add(nil); err == nil {
		t.Errorf("Add(nil) succeeded")
	}
	// Too large: an error naming the server, escaped, not the secret.
	err = h.Add(&credentials.Credentials{ServerURL: "big\x1b]0;x\a", Username: "u", Secret: strings.Repeat("s", secret.MaxValueSize)})
	if !errors.Is(err, secret.ErrTooLarge) || strings.Contains(err.Error(), "sss") || strings.ContainsAny(err.Error(), "\x1b\a") {
		t.Errorf("Add of a large secret: %v; want ErrTooLarge, escaped, without the secret", err)
	}
}

func mustStore(t *testing.T, h *Helper) *secret.Store {
	t.Helper()
	s, err := h.Store()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Entries that are not this helper's are left out of List and refused by
// Get.
func TestForeignEntries(t *testing.T) {
	h := newHelper(t, 0)
	s := mustStore(t, h)
	s.Set("bad%zz", []byte{1, 'u', 's'})
	s.Set("short", []byte{9, 'u'})
	s.Set("good", []byte{1, 'u', 's'})
	if list, err := h.List(); err != nil || len(list) != 1 || list["good"] != "u" {
		t.Errorf("List = %q, %v", list, err)
	}
	if _, _, err := h.Get("short"); err == nil || credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("Get of a foreign entry: %v", err)
	}
}

// Credentials expire after Timeout.
func TestTimeout(t *testing.T) {
	h := newHelper(t, 90*time.Second+500*time.Millisecond)
	start := time.Now().Unix()
	if err := h.Add(&credentials.Credentials{ServerURL: "r", Username: "u", Secret: "s"}); err != nil {
		t.Fatal(err)
	}
	s := mustStore(t, h)
	info, err := s.Info("r")
	if err != nil || info.Expires.Unix() < start+90 || info.Expires.Unix() > time.Now().Unix()+90 {
		t.Errorf("Info = %+v, %v; want an expiry in 90 s", info, err)
	}
}

func TestFromEnv(t *testing.T) {
	for _, tt := range []struct {
		anchor, timeout string
		wantAnchor      secret.Anchor
		wantTimeout     time.Duration
		bad             bool
	}{
		{"", "", secret.Persistent, 0, false},
		{"session", "60", secret.Session, time.Minute, false},
		{"user-session", "0", secret.UserSession, 0, false},
		{"nowhere", "", 0, 0, true},
		{"", "-1", 0, 0, true},
		{"", "1m", 0, 0, true},
		{"", "4294967296", 0, 0, true},
	} {
		t.Setenv(EnvAnchor, tt.anchor)
		t.Setenv(EnvTimeout, tt.timeout)
		h := FromEnv()
		if tt.bad {
			_, err := h.Store()
			if err == nil || !strings.Contains(err.Error(), "DOCKER_CREDENTIAL_KEYCTL_") {
				t.Errorf("%q %q: %v; want an error naming the variable", tt.anchor, tt.timeout, err)
			}
			if _, _, err2 := h.Get("x"); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("%q %q: Get: %v; want %v", tt.anchor, tt.timeout, err2, err)
			}
			continue
		}
		if h.Anchor != tt.wantAnchor || h.Timeout != tt.wantTimeout || h.err != nil {
			t.Errorf("%q %q: anchor %v, timeout %v, %v; want %v, %v", tt.anchor, tt.timeout, h.Anchor, h.Timeout, h.err, tt.wantAnchor, tt.wantTimeout)
		}
	}
}

// The protocol, through the library's HandleCommand.
func TestHandleCommand(t *testing.T) {
	h := newHelper(t, 0)
	var out bytes.Buffer
	if err := credentials.HandleCommand(h, "store", strings.NewReader(`{"ServerURL":"https://r","Username":"u","Secret":"s"}`), &out); err != nil || out.Len() != 0 {
		t.Fatalf("store: %v, %q", err, out.String())
	}
	if err := credentials.HandleCommand(h, "get", strings.NewReader("https://r\n"), &out); err != nil || out.String() != `{"ServerURL":"https://r","Username":"u","Secret":"s"}`+"\n" {
		t.Errorf("get: %v, %q", err, out.String())
	}
	out.Reset()
	if err := credentials.HandleCommand(h, "list", nil, &out); err != nil || out.String() != `{"https://r":"u"}`+"\n" {
		t.Errorf("list: %v, %q", err, out.String())
	}
	if err := credentials.HandleCommand(h, "erase", strings.NewReader("https://r"), &out); err != nil {
		t.Errorf("erase: %v", err)
	}
	if err := credentials.HandleCommand(h, "get", strings.NewReader("https://r"), &out); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("get after erase: %v", err)
	}
}
