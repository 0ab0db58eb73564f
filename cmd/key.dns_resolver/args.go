package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/keyutils-go/keyutils/internal/syslog"
)

// options is the command line, parsed.
type options struct {
	config     string
	configSet  bool
	debug      bool
	dumpConfig bool
	version    bool
	verbose    int
	bad        bool // an option getopt_long refused
	args       []string
}

// longOptions are 1.6.3's, in its order (for ambiguity messages).
var longOptions = []struct {
	name   string
	hasArg bool
	short  byte // 0: --dump-config
}{
	{"config", true, 'c'},
	{"debug", false, 'D'},
	{"dump-config", false, 0},
	{"verbose", false, 'v'},
	{"version", false, 'V'},
}

// parseArgs parses args (without argv[0]) as glibc's getopt_long with
// "c:vDV" and 1.6.3's long options: options may follow operands unless
// POSIXLY_CORRECT is set, "--" ends them, long options may be abbreviated
// to a unique prefix, -V stops the parsing. Errors are reported on stderr
// with prog in front, as getopt does, escaped; the first one stops the
// parsing (1.6.3 then prints its usage). --config takes an argument
// (1.6.3 declares it without one and then reads the file "(null)").
func parseArgs(stderr io.Writer, prog string, args []string) options {
	var o options
	_, posix := os.LookupEnv("POSIXLY_CORRECT")
	complain := func(format string, a ...any) {
		fmt.Fprint(stderr, syslog.Escape(prog+": "+fmt.Sprintf(format, a...))+"\n")
		o.bad = true
	}
	for i := 0; i < len(args) && !o.bad && !o.version; i++ {
		a := args[i]
		switch {
		case a == "--":
			o.args = append(o.args, args[i+1:]...)
			return o
		case len(a) < 2 || a[0] != '-':
			if posix {
				o.args = append(o.args, args[i:]...)
				return o
			}
			o.args = append(o.args, a)
		case strings.HasPrefix(a, "--"):
			name, value, hasValue := strings.Cut(a[2:], "=")
			var match []int
			for j, l := range longOptions {
				if l.name == name {
					match = []int{j}
					break
				}
				if strings.HasPrefix(l.name, name) {
					match = append(match, j)
				}
			}
			switch {
			case len(match) == 0:
				complain("unrecognized option '--%s'", name)
				continue
			case len(match) > 1:
				var b strings.Builder
				for _, j := range match {
					b.WriteString(" '--" + longOptions[j].name + "'")
				}
				complain("option '--%s' is ambiguous; possibilities:%s", name, b.String())
				continue
			}
			l := longOptions[match[0]]
			if !l.hasArg && hasValue {
				complain("option '--%s' doesn't allow an argument", l.name)
				continue
			}
			if l.hasArg && !hasValue {
				if i+1 >= len(args) {
					complain("option '--%s' requires an argument", l.name)
					continue
				}
				i++
				value = args[i]
			}
			o.apply(l.short, value)
		default:
			for j := 1; j < len(a); j++ {
				c := a[j]
				if c == 'c' {
					switch {
					case j+1 < len(a):
						o.apply('c', a[j+1:])
					case i+1 < len(args):
						i++
						o.apply('c', args[i])
					default:
						complain("option requires an argument -- 'c'")
					}
					break
				}
				if strings.IndexByte("vDV", c) < 0 {
					complain("invalid option -- '%c'", c)
					break
				}
				o.apply(c, "")
				if o.version {
					break
				}
			}
		}
	}
	return o
}

func (o *options) apply(c byte, value string) {
	switch c {
	case 'c':
		o.config, o.configSet = value, true
	case 'D':
		o.debug = true
	case 0:
		o.dumpConfig = true
	case 'v':
		o.verbose++
	case 'V':
		o.version = true
	}
}

// parseKeyID parses the key argument as 1.6.3 does with strtol(3): blanks,
// a sign, decimal digits and nothing after them; a number too large is
// clamped, then cut to 32 bits. ok is false for a malformed one.
func parseKeyID(s string) (int32, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n uint64
	over := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > (math.MaxUint64-9)/10 {
			over = true
		} else {
			n = n*10 + uint64(s[i]-'0')
		}
	}
	if i == start || i != len(s) {
		return 0, false
	}
	var v int64
	switch {
	case !neg && (over || n > math.MaxInt64):
		v = math.MaxInt64
	case neg && (over || n > 1<<63):
		v = math.MinInt64
	case neg:
		v = -int64(n)
	default:
		v = int64(n)
	}
	return int32(v), true
}
