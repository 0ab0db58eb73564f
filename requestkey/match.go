package requestkey

import (
	"fmt"
	"strings"
)

// Upcall is one request to construct a key, as request-key(8) sees it:
// the command line the kernel passed, as strings exactly as passed (they
// are substituted into program arguments verbatim), plus the key's type
// and description and the callout info.
type Upcall struct {
	Op          string // operation, "create" (or "negate" on the pipe-mode retry): %o
	Key         string // key ID: %k
	UID, GID    string // requester's fsuid and fsgid: %u, %g
	ThreadRing  string // requester's thread keyring, "0" if none: %T
	ProcessRing string // requester's process keyring, "0" if none: %P
	SessionRing string // requester's session keyring: %S
	Type        string // key type: %t
	Description string // key description: %d
	Callout     string // callout info: %c
}

// Wildness says how much of a datum a pattern's '*' covered, per field
// (op, type, description, callout info); a lower tuple is a better match.
type Wildness [4]int

// String formats w as request-key's debug output does: "(0,0,4,5)".
func (w Wildness) String() string { return fmt.Sprintf("(%d,%d,%d,%d)", w[0], w[1], w[2], w[3]) }

func (w Wildness) less(v Wildness) bool {
	for i := range w {
		if w[i] != v[i] {
			return w[i] < v[i]
		}
	}
	return false
}

// Match reports whether datum matches pattern, and with which wildness.
// Only the first '*' of a pattern is a wildcard; it stands for any
// (possibly empty) string. Without '*' the match is exact and has
// wildness 0; otherwise the wildness is the number of bytes the '*'
// covered.
//
// Upstream fix: request-key(8) checks a "prefix*suffix" pattern against
// the wrong suffix (the first len(suffix) bytes of the pattern); Match
// checks prefix and suffix.
func Match(pattern, datum string) (wildness int, ok bool) {
	prefix, suffix, wild := strings.Cut(pattern, "*")
	if !wild {
		return 0, pattern == datum
	}
	if len(datum) < len(prefix)+len(suffix) ||
		!strings.HasPrefix(datum, prefix) || !strings.HasSuffix(datum, suffix) {
		return 0, false
	}
	return len(datum) - len(prefix) - len(suffix), true
}

// Lookup returns the line that best matches u: among the matching lines,
// the one with the lowest Wildness tuple (compared field by field from the
// left), and the first one read on ties. It fails with ErrSyntax if it
// meets an incomplete line whose present fields all match, and with
// ErrNoMatch if no line matches; if reading the configuration stopped on
// an error (see Parse), Lookup returns that error once it has matched the
// lines read before it. log may be nil.
func (c *Config) Lookup(u *Upcall, log *Logger) (*Rule, Wildness, error) {
	data := [4]string{u.Op, u.Type, u.Description, u.Callout}
	var best *Rule
	var bestW Wildness
	file := 0
	if c.scan != "" {
		log.Debugf(1, "__ SCAN %s __", c.scan)
	}
	for i := 0; i <= len(c.Rules); i++ {
		for file < len(c.files) && c.files[file].first == i {
			log.Debugf(1, "__ read %s __", c.files[file].name)
			file++
		}
		if i == len(c.Rules) {
			if c.stop != nil {
				return nil, Wildness{}, c.stop
			}
			break
		}
		r := &c.Rules[i]
		var w Wildness
		matched := true
		for f := 0; f < 4 && matched; f++ {
			if f >= r.n {
				return nil, w, r.syntaxError()
			}
			var ok bool
			w[f], ok = Match(r.Patterns[f], data[f])
			if ok {
				log.Debugf(2, "match(%s,%s) = yes (w=%d)", r.Patterns[f], data[f], w[f])
			} else {
				log.Debugf(2, "match(%s,%s) = no", r.Patterns[f], data[f])
				matched = false
			}
		}
		if !matched {
			continue
		}
		if r.Program == "" {
			return nil, w, r.syntaxError()
		}
		log.Debugf(1, "%s:%d: Line matches '%s' %v", r.File, r.Line, r.Program, w)
		if best == nil || w.less(bestW) {
			log.Debugf(1, "%s:%d: Prefer command %v", r.File, r.Line, w)
			best, bestW = r, w
		}
	}
	if best == nil {
		return nil, bestW, &Error{Msg: "No matching action", Err: ErrNoMatch}
	}
	return best, bestW, nil
}
