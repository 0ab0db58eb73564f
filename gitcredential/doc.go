// Package gitcredential is a git credential helper on the kernel's key
// retention service; the command git-credential-keyctl
// (cmd/git-credential-keyctl) is its Main. It speaks git's credential helper protocol
// (gitcredentials(7), git-credential(1)) and keeps the credentials in a
// secret store (package secret), so they live in kernel memory, never on
// disk, are readable by processes of the same user only, and expire on
// their own, like git's credential-cache but with no daemon and no socket:
//
//	git config --global credential.helper 'keyctl --timeout 900'
//
// git then runs "git credential-keyctl --timeout 900 get" (store, erase),
// which finds git-credential-keyctl on PATH. The store is StoreName in the
// session keyring by default, so the credentials are shared by the login
// session's processes and go away with it; --anchor user, user-session or
// persistent keeps them longer (see secret.Anchor).
//
// # The protocol
//
// A request is a credential description on standard input: "key=value"
// lines up to a blank line or the end of the input, read as git reads
// them (a final carriage return is dropped, a later attribute replaces an
// earlier one, "url" is split into its parts, a line without "=" is an
// error, and unknown attributes are ignored: wwwauth[], state[], continue
// and those of gits to come). git 2.39 sends protocol, host, path (for
// HTTP only with credential.useHttpPath), username and password; git 2.41
// adds password_expiry_utc and oauth_refresh_token, and 2.46
// capability[], authtype, credential and ephemeral. The helper handles
// them all.
//
// An entry is a "user" key per credential, named after its identity
// (protocol, host, path when git sent one, and username) in the form of a
// URL, percent-escaped so that the name is one line of printable ASCII:
//
//	keyutils-go:git-credential:https://alice@example.com/org/repo.git
//
// Its payload holds the password and the attributes that go with it
// (password_expiry_utc, oauth_refresh_token, authtype and credential).
//
// Matching follows git's credential_match, as credential-cache applies it:
// a stored credential matches a request when every one of protocol, host,
// path and username that the request gives is present in the credential
// with the same value; what the request leaves out matches anything. So a
// request without a username gets the credential of any user of that
// host, and a request with one never gets a credential stored without
// one; a request without a path gets credentials stored with any path.
// An attribute sent empty ("host=", for cert:// URLs) must be empty in
// the credential too.
//
//   - get prints, of the matching credentials, the one stored last (git's
//     credential-store also answers with the newest): its username,
//     password, password_expiry_utc and oauth_refresh_token as stored, and
//     to a caller that announced capability[]=authtype its authtype and
//     credential, after "capability[]=authtype". A credential made only of
//     authtype and credential is not offered to a caller that did not
//     announce the capability. Nothing matching: no output, status 0.
//   - store needs protocol and host, and a username and password, or
//     authtype and credential with capability[]=authtype; otherwise it
//     stores nothing and says so on standard error (git never sends that).
//     It stores nothing for a credential marked ephemeral, nor for one
//     whose password_expiry_utc has passed (git does not even call the
//     helpers then). The new credential replaces the one of the same
//     identity, atomically (secret.Store.SetTTL), and then every other one
//     it matches, as credential-cache and credential-store do: stored
//     without a path, it replaces those of the same protocol, host and
//     username stored with a path.
//   - erase removes every matching credential. When the request carries a
//     password (git's reject does), only the credentials holding that
//     password are removed (compared in constant time), and only if they
//     have not been replaced since they were compared
//     (secret.Store.DeleteUnchanged): a password that a server refused
//     does not take a newer one, stored meanwhile by another process, with
//     it. Likewise for credential.
//   - capability prints "version 0" and "capability authtype".
//
// # Expiry
//
// A stored credential expires, and the kernel removes it, at the earlier
// of two instants: Timeout after it was stored (--timeout, 900 seconds
// by default, as credential-cache; 0 for none), and its
// password_expiry_utc, when git sent one (git 2.41 and later). An expiry
// is a property of the key, set before the key becomes visible, so no
// process ever reads a credential past it; a credential stored again gets
// a new one. get prints password_expiry_utc as git sent it.
//
// # Secrets
//
// Secrets are written to standard output only, in the answer to get, and
// nowhere else: errors name the store, the operation, and the entry
// (protocol, host, path, username), escaped (internal/syslog.Escape), but
// never a password, token or credential, nor an input line that is not an
// attribute. The buffers that held them are wiped (keyutils.Wipe).
//
// Another user cannot read the credentials, even in the same session:
// the store's masks grant rights to the owner's uid only (see package
// secret); its helper fails to open the store (secret.ErrForeign), and git
// goes on to ask for the password.
package gitcredential
