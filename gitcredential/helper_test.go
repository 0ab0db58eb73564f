//go:build linux

package gitcredential

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"github.com/keyutils-go/keyutils/secret"
)

// TestMain runs the tests in a throwaway session keyring (testutil.Main).
func TestMain(m *testing.M) { testutil.Main(m) }

// newHelper returns a helper on a store of the test's own in the session
// keyring, removed when the test ends.
func newHelper(t *testing.T, timeout time.Duration) *Helper {
	t.Helper()
	name := strings.NewReplacer("/", ".").Replace(t.Name()) + "." + strconv.Itoa(os.Getpid())
	s, err := secret.Open(name, secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Clear()
		keyutils.Unlink(s.Keyring(), keyutils.SessionKeyring)
	})
	return &Helper{Store: s, Timeout: timeout}
}

// serve runs op and returns what it wrote.
func serve(t *testing.T, h *Helper, op, in string) string {
	t.Helper()
	var out strings.Builder
	if err := h.Serve(op, strings.NewReader(in), &out); err != nil {
		t.Fatalf("%s %q: %v", op, in, err)
	}
	return out.String()
}

func names(t *testing.T, h *Helper) []string {
	t.Helper()
	n, err := h.Store.List()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestServe(t *testing.T) {
	h := newHelper(t, time.Hour)
	serve(t, h, "store", "protocol=https\nhost=example.com\nusername=alice\npassword=pw\npassword_expiry_utc=4000000000\noauth_refresh_token=rt\nwwwauth[]=Basic\n\n")
	if got, want := serve(t, h, "get", "protocol=https\nhost=example.com\n\n"), "username=alice\npassword=pw\npassword_expiry_utc=4000000000\noauth_refresh_token=rt\n"; got != want {
		t.Errorf("get = %q, want %q", got, want)
	}
	// No match: nothing, and no error.
	if got := serve(t, h, "get", "protocol=https\nhost=example.org\n\n"); got != "" {
		t.Errorf("get of another host = %q", got)
	}
	// A credential stored without a path replaces those with one.
	serve(t, h, "store", "protocol=https\nhost=example.com\npath=a.git\nusername=alice\npassword=pa\n\n")
	serve(t, h, "store", "protocol=https\nhost=example.com\npath=b.git\nusername=bob\npassword=pb\n\n")
	if got := names(t, h); strings.Join(got, " ") != "https://alice@example.com https://alice@example.com/a.git https://bob@example.com/b.git" {
		t.Errorf("entries %q", got)
	}
	serve(t, h, "store", "protocol=https\nhost=example.com\nusername=alice\npassword=pw2\n\n")
	if got := names(t, h); strings.Join(got, " ") != "https://alice@example.com https://bob@example.com/b.git" {
		t.Errorf("entries after a store without a path %q; want alice's with a path replaced", got)
	}
	// The replacement has neither the old expiry nor the refresh token.
	if got, want := serve(t, h, "get", "protocol=https\nhost=example.com\nusername=alice\n\n"), "username=alice\npassword=pw2\n"; got != want {
		t.Errorf("get = %q, want %q", got, want)
	}
	// Erase with another password: nothing; with the password: that one.
	serve(t, h, "erase", "protocol=https\nhost=example.com\npassword=nope\n\n")
	if got := names(t, h); len(got) != 2 {
		t.Errorf("entries after erasing another password %q", got)
	}
	serve(t, h, "erase", "protocol=https\nhost=example.com\npassword=pb\n\n")
	if got := names(t, h); strings.Join(got, " ") != "https://alice@example.com" {
		t.Errorf("entries after erasing bob's password %q", got)
	}
	// Erase without a password: every match.
	serve(t, h, "store", "protocol=https\nhost=example.net\nusername=carol\npassword=pc\n\n")
	serve(t, h, "erase", "protocol=https\n\n")
	if got := names(t, h); len(got) != 0 {
		t.Errorf("entries after erasing every https credential %q", got)
	}

	if got := serve(t, h, "capability", ""); got != "version 0\ncapability authtype\n" {
		t.Errorf("capability = %q", got)
	}
	if got := serve(t, h, "frobnicate", "protocol=https\n"); got != "" {
		t.Errorf("unknown operation wrote %q", got)
	}
}

// The authtype capability (git 2.46): authtype and credential are stored
// and given back to callers that announce it; ephemeral ones are not
// stored.
func TestAuthtype(t *testing.T) {
	h := newHelper(t, time.Hour)
	serve(t, h, "store", "capability[]=authtype\nprotocol=https\nhost=example.com\nauthtype=Bearer\ncredential=tok\nephemeral=false\n\n")
	if got, want := serve(t, h, "get", "capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=example.com\n\n"), "capability[]=authtype\nauthtype=Bearer\ncredential=tok\n"; got != want {
		t.Errorf("get with the capability = %q, want %q", got, want)
	}
	// Without the capability, a credential without a password is no use.
	if got := serve(t, h, "get", "protocol=https\nhost=example.com\n\n"); got != "" {
		t.Errorf("get without the capability = %q, want nothing", got)
	}
	// Without the capability, authtype and credential are not stored.
	serve(t, h, "store", "protocol=https\nhost=example.com\nusername=u\npassword=p\nauthtype=Bearer\ncredential=other\n\n")
	if got, want := serve(t, h, "get", "capability[]=authtype\nprotocol=https\nhost=example.com\nusername=u\n\n"), "capability[]=authtype\nusername=u\npassword=p\n"; got != want {
		t.Errorf("get = %q, want %q", got, want)
	}
	// Erase matches the credential.
	serve(t, h, "erase", "capability[]=authtype\nprotocol=https\nhost=example.com\ncredential=wrong\n\n")
	if got := names(t, h); len(got) != 2 {
		t.Errorf("entries after erasing another credential %q", got)
	}
	serve(t, h, "erase", "capability[]=authtype\nprotocol=https\nhost=example.com\ncredential=tok\n\n")
	if got := names(t, h); strings.Join(got, " ") != "https://u@example.com" {
		t.Errorf("entries after erasing the credential %q", got)
	}
	// Ephemeral: not stored, and nothing said.
	serve(t, h, "store", "capability[]=authtype\nprotocol=https\nhost=example.org\nauthtype=Digest\ncredential=x\nephemeral=true\n\n")
	if got := names(t, h); len(got) != 1 {
		t.Errorf("entries after an ephemeral store %q", got)
	}
}

// What store refuses, and what it skips silently.
func TestStoreRefuses(t *testing.T) {
	h := newHelper(t, time.Hour)
	for _, in := range []string{
		"host=example.com\nusername=u\npassword=p\n",
		"protocol=https\nusername=u\npassword=p\n",
		"protocol=https\nhost=example.com\nusername=u\n",
		"protocol=https\nhost=example.com\npassword=p\n",
		"protocol=https\nhost=example.com\nauthtype=Bearer\ncredential=c\n", // without the capability
	} {
		err := h.Serve("store", strings.NewReader(in), nil)
		if !errors.Is(err, errNotStored) || strings.Contains(err.Error(), "=p") {
			t.Errorf("store %q: %v; want errNotStored", in, err)
		}
	}
	// Expired, or expiring this second: nothing stored, no error.
	for _, exp := range []int64{1, time.Now().Unix() - 1, time.Now().Unix()} {
		serve(t, h, "store", "protocol=https\nhost=example.com\nusername=u\npassword=p\npassword_expiry_utc="+strconv.FormatInt(exp, 10)+"\n")
	}
	if got := names(t, h); len(got) != 0 {
		t.Errorf("entries %q; want none", got)
	}
	// Too long for a key description.
	err := h.Serve("store", strings.NewReader("protocol=https\nhost="+strings.Repeat("h", 5000)+"\nusername=u\npassword=s3cret\n"), nil)
	if !errors.Is(err, secret.ErrInvalid) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("store of a long host: %v; want ErrInvalid", err)
	}
}

// The entry's expiry: the timeout, or password_expiry_utc if sooner;
// neither with a timeout of 0 and no expiry.
func TestStoreExpiry(t *testing.T) {
	for _, tt := range []struct {
		timeout time.Duration
		expiry  int64 // from now; 0: none
		want    int64 // from now; 0: none
	}{
		{time.Hour, 0, 3600},
		{time.Hour, 60, 60},
		{time.Hour, 7200, 3600},
		{0, 0, 0},
		{0, 60, 60},
		{0, 1 << 40, 1<<32 - 1},
		{1500 * time.Millisecond, 0, 1},
	} {
		h := newHelper(t, tt.timeout)
		now := time.Now().Unix()
		in := "protocol=https\nhost=example.com\nusername=u\npassword=p\n"
		if tt.expiry != 0 {
			in += "password_expiry_utc=" + strconv.FormatInt(now+tt.expiry, 10) + "\n"
		}
		serve(t, h, "store", in)
		info, err := h.Store.Info("https://u@example.com")
		after := time.Now().Unix()
		switch {
		case err != nil:
			t.Errorf("%+v: %v", tt, err)
		case tt.want == 0 && !info.Expires.IsZero():
			t.Errorf("%+v: expires %v; want never", tt, info.Expires)
		case tt.want != 0 && (info.Expires.Unix() < now+tt.want || info.Expires.Unix() > after+tt.want):
			t.Errorf("%+v: expires in %d s; want %d", tt, info.Expires.Unix()-now, tt.want)
		}
	}
}

// Entries the helper did not write are left alone.
func TestForeignEntries(t *testing.T) {
	h := newHelper(t, time.Hour)
	for name, value := range map[string]string{
		"https://example.com%zz":  "password=x\n",
		"https://u@example.com":   "garbage",
		"https://v@example.com":   "password=good\n",
		"not a credential at all": "password=x\n",
	} {
		if err := h.Store.Set(name, []byte(value)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := serve(t, h, "get", "protocol=https\nhost=example.com\n\n"), "username=v\npassword=good\n"; got != want {
		t.Errorf("get = %q, want %q", got, want)
	}
}
