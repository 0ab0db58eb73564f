// Package dockercredential is a Docker credential helper on the kernel's
// key retention service: a credentials.Helper of
// github.com/docker/docker-credential-helpers, the protocol's own library,
// whose credentials are entries of a secret store (package secret). They
// live in kernel memory, never on disk, and only processes of the same
// user can read them. docker-credential-keyctl (cmd/docker-credential-keyctl)
// serves it with credentials.Serve; Docker uses it with
//
//	{"credsStore": "keyctl"}
//
// in ~/.docker/config.json, which makes it run docker-credential-keyctl
// (on PATH) with store, get, erase, list or version.
//
// Each credential is a "user" key in the store StoreName, named after the
// server URL exactly as Docker passes it (surrounding white space
// trimmed), percent-escaped so that the name is one line of printable
// ASCII ("%", spaces, control characters, DEL and bytes from 0x80 on
// become %XX):
//
//	keyutils-go:docker-credential:https://index.docker.io/v1/
//
// Its payload holds the username and the secret (a password or an
// identity token). A store replaces the server's credential atomically
// (secret.Store.SetTTL); get, erase and list work on the exact URL, as the
// pass and secretservice helpers do. get and erase of a server without a
// credential fail with the library's "credentials not found in native
// keychain", which Docker's client recognises.
//
// The anchor decides who shares the credentials and for how long (see
// secret.Anchor). Docker expects a login to outlast the terminal it was
// made in, so the command's default is the persistent keyring, which
// survives logout and expires after 3 days unused (the user keyring on
// kernels without persistent keyrings), rather than git-credential-keyctl's
// session keyring; the environment variables EnvAnchor and EnvTimeout
// change the anchor and give the credentials a time to live, since Docker
// passes a helper no options.
//
// Secrets go to standard output only, in the answer to get, as the
// protocol has it. Errors (which the library prints on standard output
// too, for Docker to report) name the operation and the server URL,
// escaped, never the username's secret.
package dockercredential

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/syslog"
	"github.com/keyutils-go/keyutils/secret"
)

// StoreName is the name of the secret store that holds the credentials:
// its keyring is "keyutils-go:docker-credential".
const StoreName = "docker-credential"

// The environment variables that configure FromEnv's helper (Docker runs
// helpers with no options).
const (
	// EnvAnchor chooses the anchor: "session", "user", "user-session" or
	// "persistent" (the default).
	EnvAnchor = "DOCKER_CREDENTIAL_KEYCTL_ANCHOR"
	// EnvTimeout gives stored credentials a time to live, in whole
	// seconds; unset, empty or 0: none (they live as long as the
	// anchor).
	EnvTimeout = "DOCKER_CREDENTIAL_KEYCTL_TIMEOUT"
)

// Usage is docker-credential-keyctl's usage text (-h).
const Usage = `usage: docker-credential-keyctl <store|get|erase|list|version>

A Docker credential helper that keeps registry credentials in the kernel's
key retention service, in memory, readable by your processes only. Docker
runs it; configure it in ~/.docker/config.json with

    {"credsStore": "keyctl"}

or for some registries only with "credHelpers". The protocol's operations:
  store    store the credential given as JSON on stdin
  get      print the credential of the server URL on stdin, as JSON
  erase    remove the credential of the server URL on stdin
  list     print the server URLs and usernames stored, as JSON
  version  print the version

Environment:
  DOCKER_CREDENTIAL_KEYCTL_ANCHOR   where the store lives: persistent (the
      default: survives logout, until 3 days unused or reboot), user or
      user-session (until reboot), session (gone at logout)
  DOCKER_CREDENTIAL_KEYCTL_TIMEOUT  forget credentials after this many
      seconds (default 0: never)
`

// maxTTL is the longest timeout a kernel key takes, in seconds.
const maxTTL = 1<<32 - 1

// Helper is a credentials.Helper that keeps the credentials in the secret
// store StoreName under Anchor, which it opens at its first use. Its
// methods may be called concurrently, and other processes may use the
// same store at the same time.
type Helper struct {
	// Anchor is the keyring the store is linked into. For Persistent, a
	// kernel without persistent keyrings gets the user keyring instead.
	Anchor secret.Anchor
	// Timeout is the time to live of the credentials Add stores, in
	// whole seconds (rounded down); 0: they live as long as the anchor.
	Timeout time.Duration

	err   error // FromEnv's, reported by every method
	mu    sync.Mutex
	store *secret.Store
}

var _ credentials.Helper = (*Helper)(nil)

// FromEnv returns the helper that EnvAnchor and EnvTimeout describe. An
// invalid value is reported by the helper's methods, so that the version
// action works all the same.
func FromEnv() *Helper {
	h := &Helper{Anchor: secret.Persistent}
	if v := os.Getenv(EnvAnchor); v != "" {
		a, err := secret.ParseAnchor(v)
		if err != nil {
			h.err = fmt.Errorf("%s=%q: want session, user, user-session or persistent", EnvAnchor, syslog.Escape(v))
		}
		h.Anchor = a
	}
	if v := os.Getenv(EnvTimeout); v != "" {
		secs, err := strconv.ParseUint(v, 10, 32)
		if err != nil && h.err == nil {
			h.err = fmt.Errorf("%s=%q: want a whole number of seconds from 0 to %d", EnvTimeout, syslog.Escape(v), uint32(maxTTL))
		}
		h.Timeout = time.Duration(secs) * time.Second
	}
	return h
}

// Store returns the helper's store, opening it the first time.
func (h *Helper) Store() (*secret.Store, error) {
	if h.err != nil {
		return nil, h.err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.store != nil {
		return h.store, nil
	}
	s, err := secret.Open(StoreName, secret.Options{Anchor: h.Anchor})
	if h.Anchor == secret.Persistent && errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, secret.ErrBlocked) && !errors.Is(err, secret.ErrNoKeyrings) {
		// A kernel without persistent keyrings.
		s, err = secret.Open(StoreName, secret.Options{Anchor: secret.User})
	}
	if err != nil {
		return nil, escaped{err}
	}
	h.store = s
	return s, nil
}

// escaped is an error whose message has what came from outside (server
// URLs in entry names) escaped (internal/syslog.Escape), for the terminal
// it ends up on.
type escaped struct{ err error }

func (e escaped) Error() string { return syslog.Escape(e.err.Error()) }
func (e escaped) Unwrap() error { return e.err }

// Add stores the credential of c.ServerURL, replacing the one stored
// before, with the helper's Timeout.
func (h *Helper) Add(c *credentials.Credentials) error {
	if c == nil {
		return errors.New("no credentials")
	}
	server := strings.TrimSpace(c.ServerURL)
	if server == "" {
		return credentials.NewErrCredentialsMissingServerURL()
	}
	if c.Username == "" {
		return credentials.NewErrCredentialsMissingUsername()
	}
	s, err := h.Store()
	if err != nil {
		return err
	}
	payload := binary.AppendUvarint(nil, uint64(len(c.Username)))
	payload = append(payload, c.Username...)
	payload = append(payload, c.Secret...)
	defer keyutils.Wipe(payload)
	if err := s.SetTTL(entryName(server), payload, h.Timeout.Truncate(time.Second)); err != nil {
		return escaped{err}
	}
	return nil
}

// Get returns the username and secret stored for serverURL, or the
// library's not-found error.
func (h *Helper) Get(serverURL string) (username, secretValue string, err error) {
	s, err := h.Store()
	if err != nil {
		return "", "", err
	}
	v, err := s.Get(entryName(strings.TrimSpace(serverURL)))
	if errors.Is(err, secret.ErrNotFound) || errors.Is(err, secret.ErrInvalid) {
		return "", "", credentials.NewErrCredentialsNotFound()
	}
	if err != nil {
		return "", "", escaped{err}
	}
	defer keyutils.Wipe(v)
	user, pass, ok := decode(v)
	if !ok {
		return "", "", escaped{fmt.Errorf("the entry of %s is not a credential this helper stored", strings.TrimSpace(serverURL))}
	}
	return string(user), string(pass), nil
}

// Delete removes the credential of serverURL, or returns the library's
// not-found error.
func (h *Helper) Delete(serverURL string) error {
	s, err := h.Store()
	if err != nil {
		return err
	}
	err = s.Delete(entryName(strings.TrimSpace(serverURL)))
	if errors.Is(err, secret.ErrNotFound) || errors.Is(err, secret.ErrInvalid) {
		return credentials.NewErrCredentialsNotFound()
	}
	if err != nil {
		return escaped{err}
	}
	return nil
}

// List returns the server URLs that have a credential, with their
// usernames.
func (h *Helper) List() (map[string]string, error) {
	s, err := h.Store()
	if err != nil {
		return nil, err
	}
	names, err := s.List()
	if err != nil {
		return nil, escaped{err}
	}
	m := make(map[string]string, len(names))
	for _, name := range names {
		server, ok := parseEntryName(name)
		if !ok {
			continue
		}
		v, err := s.Get(name)
		if errors.Is(err, secret.ErrNotFound) || errors.Is(err, secret.ErrForeign) {
			continue // removed or expired since, or not ours
		}
		if err != nil {
			return nil, escaped{err}
		}
		if user, _, ok := decode(v); ok {
			m[server] = string(user)
		}
		keyutils.Wipe(v)
	}
	return m, nil
}

// decode splits a payload into username and secret, which share its
// memory.
func decode(p []byte) (user, pass []byte, ok bool) {
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return nil, nil, false
	}
	return p[k : k+int(n)], p[k+int(n):], true
}

const hexDigits = "0123456789ABCDEF"

// entryName returns the entry name of a server URL: the URL, with "%",
// bytes up to space, DEL and bytes from 0x80 on as %XX.
func entryName(server string) string {
	var b strings.Builder
	for i := 0; i < len(server); i++ {
		c := server[i]
		if c == '%' || c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// parseEntryName returns the server URL of an entry name, and false for a
// name that entryName does not make.
func parseEntryName(name string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] != '%' {
			b.WriteByte(name[i])
			continue
		}
		if i+2 >= len(name) {
			return "", false
		}
		h := strings.IndexByte(hexDigits, name[i+1])
		l := strings.IndexByte(hexDigits, name[i+2])
		if h < 0 || l < 0 {
			return "", false
		}
		b.WriteByte(byte(h<<4 | l))
		i += 2
	}
	server := b.String()
	if server == "" || entryName(server) != name {
		return "", false
	}
	return server, true
}
