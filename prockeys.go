package keyutils

import (
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcKey is one line of /proc/keys: a key the caller may view.
type ProcKey struct {
	Serial Serial
	Flags  string // I instantiated, R revoked, D dead, Q counts to quota, U under construction, N negative, i invalidated; '-' for clear
	Usage  int    // reference count
	// Timeout is the time left before the key expires, to the precision
	// /proc/keys gives (seconds, minutes, hours, days or weeks). It is 0
	// when the key never expires (Permanent) or has expired (Expired).
	Timeout   time.Duration
	Permanent bool // "perm": no expiry
	Expired   bool // "expd"
	Perm      Perm
	UID, GID  int
	Type      string
	// Text is the rest of the line: the description, followed for most
	// types by ": " and a type-specific summary (payload size, number of
	// keys, "empty"). Descriptions may contain ": " too, so use
	// HasDescription to test for one.
	Text string
	Raw  string // the whole line
}

// HasDescription reports whether k's description is desc, using
// libkeyutils' rule: Text starts with desc followed by ':', ' ' or the end.
func (k ProcKey) HasDescription(desc string) bool {
	if !strings.HasPrefix(k.Text, desc) {
		return false
	}
	rest := k.Text[len(desc):]
	return rest == "" || rest[0] == ':' || rest[0] == ' '
}

// Has reports whether flag letter f is set in k.Flags.
func (k ProcKey) Has(f byte) bool { return strings.IndexByte(k.Flags, f) >= 0 }

// ErrBadProcLine is returned for a /proc/keys or /proc/key-users line that
// does not have the expected fields.
var ErrBadProcLine = errors.New("keyutils: unparsable /proc line")

// ParseProcKey parses one line of /proc/keys, such as
//
//	1a9cf52b I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: empty
func ParseProcKey(line string) (ProcKey, error) {
	k := ProcKey{Raw: line}
	f, rest := fields(line, 8)
	if len(f) < 8 {
		return k, ErrBadProcLine
	}
	id, err1 := strconv.ParseUint(f[0], 16, 32)
	usage, err2 := strconv.Atoi(f[2])
	perm, err3 := strconv.ParseUint(f[4], 16, 32)
	uid, err4 := strconv.ParseInt(f[5], 10, 64)
	gid, err5 := strconv.ParseInt(f[6], 10, 64)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return k, ErrBadProcLine
	}
	k.Serial, k.Flags, k.Usage, k.Perm = Serial(int32(id)), f[1], usage, Perm(perm)
	k.UID, k.GID, k.Type, k.Text = int(int32(uid)), int(int32(gid)), f[7], rest
	switch to := f[3]; to {
	case "perm":
		k.Permanent = true
	case "expd":
		k.Expired = true
	default:
		if len(to) < 2 {
			return k, ErrBadProcLine
		}
		n, err := strconv.ParseUint(to[:len(to)-1], 10, 32)
		unit := timeUnit(to[len(to)-1])
		if err != nil || unit == 0 {
			return k, ErrBadProcLine
		}
		// Saturate rather than overflow: /proc/keys can show expiries
		// beyond what a Duration holds (about 15250 weeks).
		if n > uint64(math.MaxInt64/unit) {
			k.Timeout = math.MaxInt64
		} else {
			k.Timeout = time.Duration(n) * unit
		}
	}
	return k, nil
}

// timeUnit returns the duration of a /proc/keys timeout unit letter, 0 for
// an unknown one.
func timeUnit(c byte) time.Duration {
	switch c {
	case 's':
		return time.Second
	case 'm':
		return time.Minute
	case 'h':
		return time.Hour
	case 'd':
		return 24 * time.Hour
	case 'w':
		return 7 * 24 * time.Hour
	}
	return 0
}

// fields splits the first n space-separated fields off line and returns
// them with the rest of the line (leading spaces removed).
func fields(line string, n int) ([]string, string) {
	var f []string
	rest := line
	for len(f) < n {
		rest = strings.TrimLeft(rest, " ")
		if rest == "" {
			break
		}
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			f, rest = append(f, rest), ""
			break
		}
		f, rest = append(f, rest[:i]), rest[i:]
	}
	return f, strings.TrimLeft(rest, " ")
}

// KeyUser is one line of /proc/key-users: a user's key usage and quota.
type KeyUser struct {
	UID          int
	Usage        int // references to the user's key_user record
	Keys         int // keys owned
	Instantiated int // of which instantiated
	QuotaKeys    int // keys counted against the quota
	MaxKeys      int // quota: keys
	QuotaBytes   int // payload bytes counted against the quota
	MaxBytes     int // quota: bytes
}

// ParseKeyUser parses one line of /proc/key-users, such as
//
//	0:     9 8/8 3/1000000 40/25000000
func ParseKeyUser(line string) (KeyUser, error) {
	var u KeyUser
	f, _ := fields(strings.Replace(line, ":", " ", 1), 5)
	if len(f) < 5 {
		return u, ErrBadProcLine
	}
	var errs []error
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		errs = append(errs, err)
		return n
	}
	pair := func(s string) (int, int) {
		a, b, ok := strings.Cut(s, "/")
		if !ok {
			errs = append(errs, ErrBadProcLine)
		}
		return atoi(a), atoi(b)
	}
	u.UID = atoi(f[0])
	u.Usage = atoi(f[1])
	u.Keys, u.Instantiated = pair(f[2])
	u.QuotaKeys, u.MaxKeys = pair(f[3])
	u.QuotaBytes, u.MaxBytes = pair(f[4])
	if errors.Join(errs...) != nil {
		return KeyUser{}, ErrBadProcLine
	}
	return u, nil
}

// KeyUserOf returns the /proc/key-users entry of uid.
func KeyUserOf(uid int) (KeyUser, error) {
	users, err := ReadKeyUsers()
	if err != nil {
		return KeyUser{}, err
	}
	for _, u := range users {
		if u.UID == uid {
			return u, nil
		}
	}
	return KeyUser{}, os.ErrNotExist
}
