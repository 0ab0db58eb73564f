// Package keyring is package secret behind the functions of
// github.com/zalando/go-keyring: a program that uses go-keyring switches to
// the kernel's keyrings by changing its import path, and keeps its calls,
// including its comparisons with ErrNotFound.
//
//	import "github.com/keyutils-go/keyutils/secret/keyring"
//
//	err := keyring.Set("my-app", "alice", "s3cret")
//	password, err := keyring.Get("my-app", "alice") // err == keyring.ErrNotFound if absent
//
// The secrets are entries of the secret store named "keyring" (see package
// secret): kernel "user" keys, readable by processes of the same user and
// by nobody else, whose names are the service and the user. What differs
// from go-keyring, which keeps secrets in the desktop's Secret Service on
// Linux, the Keychain on macOS and the Credential Manager on Windows:
//
//   - Secrets live in kernel memory, never on disk: they do not survive a
//     reboot. The default anchor is the user's persistent keyring, which
//     survives logout and the user's last process but expires after
//     /proc/sys/kernel/keys/persistent_keyring_expiry seconds (3 days by
//     default) in which no program asked for it (every call of this
//     package asks for it). On kernels built without persistent keyrings
//     the default is the user keyring, which lasts until reboot on Linux
//     5.3 and later. The environment variable KEYUTILS_KEYRING_ANCHOR
//     (EnvAnchor) chooses another anchor: "session" (gone at logout, like
//     git's credential-cache), "user", "user-session" or "persistent";
//     Anchored chooses one in code.
//   - No daemon, D-Bus, unlock prompt or desktop session is needed: it
//     works over ssh, in services and in containers, unless a seccomp
//     filter blocks the key system calls (secret.ErrBlocked), as container
//     runtimes' default profiles do.
//   - Only processes of the same uid can read a secret; not other users,
//     not even root through the key's permissions (root can still become
//     the user).
//   - A password holds at most secret.MaxValueSize (32,747) bytes, and the
//     service and user together about 4,000; beyond that Set returns
//     ErrSetDataTooBig. Every user's keys count against a kernel quota
//     (200 keys and 20,000 bytes by default for users other than root):
//     Set then fails with an error matching secret.ErrQuotaExceeded.
//   - MockInit and MockInitWithError do not exist: the package keeps no
//     global state. Tests can run in a throwaway session keyring (keyctl
//     session - go test ./...) with KEYUTILS_KEYRING_ANCHOR=session, or use
//     Anchored{Anchor: secret.Session} through the Keyring interface.
//   - On systems other than Linux every function returns
//     ErrUnsupportedPlatform, as go-keyring does where it has no backend.
//
// Errors other than ErrNotFound, ErrSetDataTooBig and
// ErrUnsupportedPlatform are *secret.Error values, except that a bad
// EnvAnchor gives an error naming the variable (matching
// secret.ErrInvalid).
package keyring

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/secret"
)

var (
	// ErrNotFound is returned, as such, when the secret is not in the
	// keyring (or has expired).
	ErrNotFound = errors.New("secret not found in keyring")
	// ErrSetDataTooBig is returned, as such, by Set when the password,
	// or the service and user, are too long for a kernel key.
	ErrSetDataTooBig = errors.New("data passed to Set was too big")
	// ErrUnsupportedPlatform is returned, as such, on systems other than
	// Linux.
	ErrUnsupportedPlatform = errors.New("unsupported platform: " + runtime.GOOS)
)

// EnvAnchor is the environment variable that chooses the anchor of the
// package's functions: "session", "user", "user-session" or "persistent"
// (see secret.ParseAnchor). Unset or empty, it is the persistent keyring,
// or the user keyring on kernels without persistent keyrings.
const EnvAnchor = "KEYUTILS_KEYRING_ANCHOR"

// StoreName is the name of the secret store that holds the secrets.
const StoreName = "keyring"

// Keyring provides a simple set/get interface for a keyring service, as
// go-keyring's interface of the same name.
type Keyring interface {
	// Set password in keyring for user.
	Set(service, user, password string) error
	// Get password from keyring given service and user name.
	Get(service, user string) (string, error)
	// Delete secret from keyring.
	Delete(service, user string) error
	// DeleteAll deletes all secrets for a given service
	DeleteAll(service string) error
}

// Anchored is a Keyring whose secrets are in the store StoreName under
// Anchor, whatever EnvAnchor says. Its zero value uses the session keyring.
type Anchored struct {
	Anchor secret.Anchor
}

var _ Keyring = Anchored{}

// Set stores password for user of service in the default anchor (see
// EnvAnchor), replacing the one stored before. The secret does not
// expire: it lives as long as its anchor.
func Set(service, user, password string) error {
	s, err := open()
	if err != nil {
		return err
	}
	return set(s, service, user, password)
}

// Get returns the password of user for service from the default anchor,
// or ErrNotFound.
func Get(service, user string) (string, error) {
	s, err := open()
	if err != nil {
		return "", err
	}
	return get(s, service, user)
}

// Delete removes the password of user for service from the default
// anchor, or returns ErrNotFound.
func Delete(service, user string) error {
	s, err := open()
	if err != nil {
		return err
	}
	return del(s, service, user)
}

// DeleteAll removes the passwords of every user of service from the
// default anchor. It returns ErrNotFound for an empty service (as
// go-keyring does, so that a mistake cannot remove everything), and nil
// when service has none.
func DeleteAll(service string) error {
	if service == "" {
		return ErrNotFound
	}
	s, err := open()
	if err != nil {
		return err
	}
	return deleteAll(s, service)
}

// Set is the function Set in k's anchor.
func (k Anchored) Set(service, user, password string) error {
	s, err := k.open()
	if err != nil {
		return err
	}
	return set(s, service, user, password)
}

// Get is the function Get in k's anchor.
func (k Anchored) Get(service, user string) (string, error) {
	s, err := k.open()
	if err != nil {
		return "", err
	}
	return get(s, service, user)
}

// Delete is the function Delete in k's anchor.
func (k Anchored) Delete(service, user string) error {
	s, err := k.open()
	if err != nil {
		return err
	}
	return del(s, service, user)
}

// DeleteAll is the function DeleteAll in k's anchor.
func (k Anchored) DeleteAll(service string) error {
	if service == "" {
		return ErrNotFound
	}
	s, err := k.open()
	if err != nil {
		return err
	}
	return deleteAll(s, service)
}

func (k Anchored) open() (*secret.Store, error) {
	if runtime.GOOS != "linux" {
		return nil, ErrUnsupportedPlatform
	}
	return secret.Open(StoreName, secret.Options{Anchor: k.Anchor})
}

// open opens the store in the default anchor.
func open() (*secret.Store, error) {
	if runtime.GOOS != "linux" {
		return nil, ErrUnsupportedPlatform
	}
	if v := os.Getenv(EnvAnchor); v != "" {
		a, err := secret.ParseAnchor(v)
		if err != nil {
			return nil, fmt.Errorf("keyring: %s: %w", EnvAnchor, err)
		}
		return Anchored{Anchor: a}.open()
	}
	s, err := Anchored{Anchor: secret.Persistent}.open()
	if errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, secret.ErrBlocked) && !errors.Is(err, secret.ErrNoKeyrings) {
		// A kernel without persistent keyrings.
		return Anchored{Anchor: secret.User}.open()
	}
	return s, err
}

// escaper makes service and user one entry name, reversibly: ':' separates
// them, so ':' in either is escaped, and '%', which escapes; NUL, which
// no key description may hold, too.
var escaper = strings.NewReplacer("%", "%25", ":", "%3A", "\x00", "%00")

func entryName(service, user string) string {
	return escaper.Replace(service) + ":" + escaper.Replace(user)
}

func set(s *secret.Store, service, user, password string) error {
	v := []byte(password)
	defer keyutils.Wipe(v)
	err := s.SetTTL(entryName(service, user), v, 0)
	if errors.Is(err, secret.ErrTooLarge) || errors.Is(err, secret.ErrInvalid) {
		return ErrSetDataTooBig
	}
	return err
}

func get(s *secret.Store, service, user string) (string, error) {
	v, err := s.Get(entryName(service, user))
	if errors.Is(err, secret.ErrNotFound) || errors.Is(err, secret.ErrInvalid) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	p := string(v)
	keyutils.Wipe(v)
	return p, nil
}

func del(s *secret.Store, service, user string) error {
	err := s.Delete(entryName(service, user))
	if errors.Is(err, secret.ErrNotFound) || errors.Is(err, secret.ErrInvalid) {
		return ErrNotFound
	}
	return err
}

func deleteAll(s *secret.Store, service string) error {
	names, err := s.List()
	if err != nil {
		return err
	}
	prefix := escaper.Replace(service) + ":"
	for _, name := range names {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if err := s.Delete(name); err != nil && !errors.Is(err, secret.ErrNotFound) {
			return err
		}
	}
	return nil
}
