package gitcredential

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/secret"
)

// StoreName is the name of the secret store (package secret) that holds
// the credentials: its keyring is "keyutils-go:git-credential".
const StoreName = "git-credential"

// DefaultTimeout is how long the command keeps a credential unless told
// otherwise (--timeout): 900 seconds, as git's credential-cache.
const DefaultTimeout = 900 * time.Second

// maxTTL is the longest timeout a kernel key takes, in seconds.
const maxTTL = 1<<32 - 1

// A Helper answers git's requests to a credential helper from a secret
// store. Its methods may be called concurrently, and other processes may
// use the same store at the same time.
type Helper struct {
	// Store holds the credentials, one entry each (see the package
	// documentation); normally the store StoreName.
	Store *secret.Store
	// Timeout is the longest time a credential is kept, counted from
	// when git stores it, in whole seconds (rounded down); a credential
	// whose password_expiry_utc comes sooner is kept until then. Zero
	// means no limit but password_expiry_utc: the credential lives as
	// long as the store's anchor.
	Timeout time.Duration
}

// Serve carries out operation op of git's credential helper protocol
// (gitcredentials(7), "CUSTOM HELPERS"), reading the credential
// description from in and writing the answer to out:
//
//   - "get" writes the stored credential that matches the description,
//     if any: username, password, password_expiry_utc and
//     oauth_refresh_token as they were stored (and, to a caller that
//     announced capability[]=authtype, authtype and credential);
//   - "store" stores the credential described, unless it has expired or
//     is marked ephemeral;
//   - "erase" removes the stored credentials that match the description;
//   - "capability" writes the helper's capabilities ("version 0",
//     "capability authtype") and reads nothing;
//   - any other operation is ignored, as the protocol asks, so that later
//     gits can add some.
//
// Nothing but the answer to "get" is ever written to out. Errors never
// contain a secret; they may contain the host, path and username of the
// description, which came from outside (escape them before printing them
// to a terminal).
func (h *Helper) Serve(op string, in io.Reader, out io.Writer) error {
	switch op {
	case "get":
		return h.get(in, out)
	case "store":
		return h.store(in)
	case "erase":
		return h.erase(in)
	case "capability":
		_, err := io.WriteString(out, "version 0\ncapability authtype\n")
		return err
	}
	return nil
}

// errNotStored is a credential description that is not stored because it
// is not complete.
var errNotStored = errors.New("credential not stored")

// entry is a stored credential found by its name.
type entry struct {
	name string
	id   identity
}

// matching returns the store's entries whose identity want matches.
func (h *Helper) matching(want *identity) ([]entry, error) {
	names, err := h.Store.List()
	if err != nil {
		return nil, err
	}
	var found []entry
	for _, name := range names {
		id, ok := parseEntryName(name)
		if ok && want.matches(&id) {
			found = append(found, entry{name, id})
		}
	}
	return found, nil
}

// read returns the stored credential of e and the key it was read from;
// false if the entry is gone or is not one this package wrote.
func (h *Helper) read(e entry) (secret.Info, *description, bool, error) {
	info, v, err := h.Store.Lookup(e.name)
	if errors.Is(err, secret.ErrNotFound) || errors.Is(err, secret.ErrForeign) {
		return info, nil, false, nil
	}
	if err != nil {
		return info, nil, false, err
	}
	d, err := parseBytes(v) // wipes v with d, or on failure
	if err != nil {
		return info, nil, false, nil
	}
	d.identity = e.id
	return info, d, true, nil
}

func (h *Helper) get(in io.Reader, out io.Writer) error {
	req, err := parse(in)
	if err != nil {
		return err
	}
	defer req.wipe()
	found, err := h.matching(&req.identity)
	if err != nil {
		return err
	}
	// The most recently stored of the matching credentials that the
	// caller can use (one made only of authtype and credential is no use
	// to a caller that does not know them).
	var best *description
	var bestCreated time.Time
	for _, e := range found {
		info, d, ok, err := h.read(e)
		if err != nil {
			if best != nil {
				best.wipe()
			}
			return err
		}
		if !ok {
			continue
		}
		usable := d.hasPassword || req.capabilityAuthtype && d.hasAuthtype && d.hasCredential
		if !usable || best != nil && !info.Created.After(bestCreated) {
			d.wipe()
			continue
		}
		if best != nil {
			best.wipe()
		}
		best, bestCreated = d, info.Created
	}
	if best == nil {
		return nil
	}
	defer best.wipe()
	var b []byte
	defer func() { keyutils.Wipe(b) }()
	attr := func(key string, value []byte) {
		b = append(b, key...)
		b = append(b, '=')
		b = append(b, value...)
		b = append(b, '\n')
	}
	if req.capabilityAuthtype {
		attr("capability[]", []byte("authtype"))
	}
	if best.hasUsername {
		attr("username", []byte(best.username))
	}
	if best.hasPassword {
		attr("password", best.password)
	}
	if req.capabilityAuthtype && best.hasAuthtype && best.hasCredential {
		attr("authtype", []byte(best.authtype))
		attr("credential", best.credential)
	}
	if best.expiry != 0 {
		attr("password_expiry_utc", strconv.AppendInt(nil, best.expiry, 10))
	}
	if best.hasOAuth {
		attr("oauth_refresh_token", best.oauthRefreshToken)
	}
	_, err = out.Write(b)
	return err
}

func (h *Helper) store(in io.Reader) error {
	req, err := parse(in)
	if err != nil {
		return err
	}
	defer req.wipe()
	if !req.hasProtocol || !req.hasHost {
		return fmt.Errorf("%w: the description has no protocol or no host", errNotStored)
	}
	withPassword := req.hasUsername && req.hasPassword
	withCredential := req.capabilityAuthtype && req.hasAuthtype && req.hasCredential
	if !withPassword && !withCredential {
		return fmt.Errorf("%w: the description has no username and password (nor authtype and credential)", errNotStored)
	}
	if req.capabilityAuthtype && req.ephemeral {
		return nil // ephemeral: for this use only, by definition
	}
	ttl := h.Timeout.Truncate(time.Second)
	if req.expiry != 0 {
		left := req.expiry - time.Now().Unix()
		if left <= 0 {
			// Expired: git does not store it either (it does not even
			// call the helpers).
			return nil
		}
		e := time.Duration(min(left, maxTTL)) * time.Second
		if ttl == 0 || e < ttl {
			ttl = e
		}
	}
	var payload []byte
	defer func() { keyutils.Wipe(payload) }()
	attr := func(key string, value []byte) {
		payload = append(payload, key...)
		payload = append(payload, '=')
		payload = append(payload, value...)
		payload = append(payload, '\n')
	}
	if withPassword {
		attr("password", req.password)
	}
	if req.expiry != 0 {
		attr("password_expiry_utc", strconv.AppendInt(nil, req.expiry, 10))
	}
	if req.hasOAuth {
		attr("oauth_refresh_token", req.oauthRefreshToken)
	}
	if withCredential {
		attr("authtype", []byte(req.authtype))
		attr("credential", req.credential)
	}
	name := entryName(&req.identity)
	if err := h.Store.SetTTL(name, payload, ttl); err != nil {
		return err
	}
	// As git's credential-cache and credential-store do, the new
	// credential replaces every stored one it matches: without a path,
	// those of the same protocol, host and username with any path.
	found, err := h.matching(&req.identity)
	if err != nil {
		return err
	}
	for _, e := range found {
		if e.name == name {
			continue
		}
		if err := h.Store.Delete(e.name); err != nil && !errors.Is(err, secret.ErrNotFound) {
			return err
		}
	}
	return nil
}

func (h *Helper) erase(in io.Reader) error {
	req, err := parse(in)
	if err != nil {
		return err
	}
	defer req.wipe()
	found, err := h.matching(&req.identity)
	if err != nil {
		return err
	}
	for _, e := range found {
		if !req.hasPassword && !req.hasCredential {
			if err := h.Store.Delete(e.name); err != nil && !errors.Is(err, secret.ErrNotFound) {
				return err
			}
			continue
		}
		// Only the entries that hold the password (and credential)
		// given: a credential that was rejected must not take a newer
		// one, stored meanwhile, with it.
		info, d, ok, err := h.read(e)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		same := (!req.hasPassword || d.hasPassword && subtle.ConstantTimeCompare(req.password, d.password) == 1) &&
			(!req.hasCredential || d.hasCredential && subtle.ConstantTimeCompare(req.credential, d.credential) == 1)
		d.wipe()
		if !same {
			continue
		}
		if err := h.Store.DeleteUnchanged(info); err != nil && !errors.Is(err, secret.ErrNotFound) {
			return err
		}
	}
	return nil
}
