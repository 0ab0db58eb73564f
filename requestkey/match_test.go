//go:build linux

package requestkey

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, datum string
		ok             bool
		w              int
	}{
		{"create", "create", true, 0},
		{"create", "Create", false, 0},
		{"create", "create2", false, 0},
		{"*", "", true, 0},
		{"*", "spoon", true, 5},
		{"debug:*", "debug:1234", true, 4},
		{"debug:*", "debug:", true, 0},
		{"debug:*", "debug", false, 0},
		{"*:1234", "debug:1234", true, 5},
		{"*:1234", "debug:123", false, 0},
		// Upstream bug fixed: prefix*suffix checks the suffix.
		{"a*c", "abc", true, 1},
		{"a*c", "aba", false, 0},
		{"ab*z", "abz", true, 0},
		{"ab*z", "abza", false, 0},
		{"ab*ab", "ab", false, 0},
		{"ab*ab", "abab", true, 0},
		// Only the first '*' is a wildcard.
		{"a*b*", "axb*", true, 1},
		{"a*b*", "axbc", false, 0},
		{"**", "x*", true, 1},
	}
	for _, tc := range tests {
		w, ok := Match(tc.pattern, tc.datum)
		if ok != tc.ok || w != tc.w {
			t.Errorf("Match(%q, %q) = %d, %v; want %d, %v", tc.pattern, tc.datum, w, ok, tc.w, tc.ok)
		}
	}
}

func parse(t *testing.T, name, conf string) *Config {
	t.Helper()
	c := &Config{}
	if err := c.Parse(name, []byte(conf)); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func upcall(typ, desc, callout string) *Upcall {
	return &Upcall{Op: "create", Key: "123", UID: "1", GID: "2", ThreadRing: "3", ProcessRing: "4",
		SessionRing: "5", Type: typ, Description: desc, Callout: callout}
}

func TestLookupPrecedence(t *testing.T) {
	tests := []struct {
		name, conf string
		u          *Upcall
		line       int // 0: no match
	}{
		{"exact beats wildcard", "create user * * /bin/a\ncreate user abc * /bin/b\n", upcall("user", "abc", "x"), 2},
		{"leftmost field decides", "create * abc * /bin/a\ncreate user * * /bin/b\n", upcall("user", "abc", "x"), 2},
		{"fewer wild bytes", "create user a* * /bin/a\ncreate user ab* * /bin/b\n", upcall("user", "abc", "x"), 2},
		{"tie: first wins", "create user * x /bin/a\ncreate user * x /bin/b\n", upcall("user", "abc", "x"), 1},
		{"op must match", "negate * * * /bin/a\n", upcall("user", "abc", "x"), 0},
		{"callout", "create user abc ne* /bin/a\ncreate user abc * /bin/b\n", upcall("user", "abc", "negate"), 1},
		{"comments and indented lines", "# create user * * /bin/a\n  create user * * /bin/b\n\ncreate user * * /bin/c", upcall("user", "abc", "x"), 4},
		{"stock debug line", "create user debug:* negate /bin/keyctl negate %k 30 %S\ncreate user debug:* * /bin/x\n", upcall("user", "debug:1", "negate"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := parse(t, "f.conf", tc.conf)
			r, _, err := c.Lookup(tc.u, nil)
			if tc.line == 0 {
				if !errors.Is(err, ErrNoMatch) || err.Error() != "No matching action" {
					t.Fatalf("Lookup = %v, %v; want No matching action", r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Line != tc.line {
				t.Errorf("chose line %d (%q), want %d", r.Line, r.Program, tc.line)
			}
		})
	}
}

func TestLookupTrace(t *testing.T) {
	c := parse(t, "/etc/request-key.conf", "create user debug:* * /bin/x %k\n")
	var buf bytes.Buffer
	log := &Logger{Verbose: 2, Stderr: &buf}
	if _, _, err := c.Lookup(upcall("user", "debug:1234", "spoon"), log); err != nil {
		t.Fatal(err)
	}
	want := `__ read /etc/request-key.conf __
match(create,create) = yes (w=0)
match(user,user) = yes (w=0)
match(debug:*,debug:1234) = yes (w=4)
match(*,spoon) = yes (w=5)
/etc/request-key.conf:1: Line matches '/bin/x %k' (0,0,4,5)
/etc/request-key.conf:1: Prefer command (0,0,4,5)
`
	if buf.String() != want {
		t.Errorf("trace:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestParse(t *testing.T) {
	// Upstream bug fixed: the last line keeps its last character.
	c := parse(t, "f", "create user * * /bin/echo hello")
	if got := c.Rules[0].Program; got != "/bin/echo hello" {
		t.Errorf("program %q", got)
	}
	c = parse(t, "f", "create\tuser\v*\f*  /bin/echo  a  b \r\n")
	if got := c.Rules[0].Patterns; got != [4]string{"create", "user", "*", "*"} {
		t.Errorf("patterns %q", got)
	}
	cmd, err := c.Rules[0].Command(upcall("user", "d", "c"), nil)
	if err != nil || strings.Join(cmd.Args, ",") != "echo,a,b" {
		t.Errorf("args %q, %v", cmd.Args, err)
	}
	// The longest lines: 4095 bytes with the newline, or without one.
	for _, conf := range []string{"create user * * /bin/x " + strings.Repeat("a", MaxLine-24) + "\n",
		"create user * * /bin/x " + strings.Repeat("a", MaxLine-23)} {
		if c := parse(t, "f", conf); len(c.Rules) != 1 {
			t.Errorf("%d-byte line not read", len(conf))
		}
	}
	// A line ends at a NUL byte; a line starting with one is blank.
	c = parse(t, "f", "\x00create user * * /bin/no\ncreate user * * /bin/x a\x00bc\n")
	if len(c.Rules) != 1 || c.Rules[0].Program != "/bin/x a" {
		t.Errorf("rules %+v", c.Rules)
	}
	c = parse(t, "f", "#@timeout 7\n#@timeout 9\n#@timeoutx\n#@ whatever\n")
	if c.Timeout.Seconds() != 7 || !c.HasTimeout || len(c.Rules) != 0 {
		t.Errorf("timeout %v %v", c.Timeout, c.HasTimeout)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, conf string
		u          *Upcall
		err        string
		is         error
	}{
		{"line too long", "# ok\ncreate user * * /bin/x " + strings.Repeat("a", MaxLine) + "\n", nil, "f.conf:2: Line too long", ErrSyntax},
		{"bad timeout", "\n#@timeout soon\n", nil, "f.conf:2: Bad timeout directive", ErrSyntax},
		{"missing fields", "create user\n", upcall("user", "d", "c"), "f.conf:1: Syntax error", ErrSyntax},
		{"field at end of line", "create user x\n", upcall("user", "xy", "c"), "f.conf:1: Syntax error", ErrSyntax},
		{"missing program", "create user * *   \n", upcall("user", "d", "c"), "f.conf:1: Syntax error", ErrSyntax},
		{"pipe without program", "create user * * |\n", upcall("user", "d", "c"), "f.conf:1: Syntax error", ErrSyntax},
		{"path without slash", "\ncreate user * * echo hi\n", upcall("user", "d", "c"), "f.conf:2: Program path 'echo' is not a path (it must contain '/')", ErrSyntax},
		{"too many arguments", "create user * * /bin/x" + strings.Repeat(" a", MaxArgs+1), upcall("user", "d", "c"), "f.conf:1: Too many arguments", ErrSyntax},
		{"last line too long", "create user * * /bin/x " + strings.Repeat("a", MaxLine-22), nil, "f.conf:1: Line too long", ErrSyntax},
		{"empty pipe path", "create user * * | /bin/cat\n", upcall("user", "d", "c"), "f.conf:1: Syntax error", ErrSyntax},
		{"one-char last line", "create user * * /bin/x\nx", upcall("user", "d", "c"), "f.conf:2: Syntax error", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Config{}
			err := c.Parse("f.conf", []byte(tc.conf))
			if err == nil && tc.u != nil {
				var r *Rule
				if r, _, err = c.Lookup(tc.u, nil); err == nil {
					_, err = r.Command(tc.u, nil)
				}
			}
			if err == nil || err.Error() != tc.err || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
	// An incomplete line is an error only if its present fields match,
	// as in request-key(8); Check reports it anyway.
	c := parse(t, "f.conf", "negate foo\ncreate user x \ncreate user * * /bin/x\n")
	if _, _, err := c.Lookup(upcall("user", "d", "c"), nil); err != nil {
		t.Errorf("Lookup: %v", err)
	}
	if err := c.Check(); err == nil || err.Error() != "f.conf:1: Syntax error\nf.conf:2: Syntax error" {
		t.Errorf("Check: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "request-key.d")
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(d, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	write("b.conf", "create user * * /bin/b\n")
	write("a.conf", "create user * * /bin/a\n")
	write(".c.conf", "create user abc * /bin/hidden\n")
	write("c.txt", "create user abc * /bin/txt\n")
	if err := os.Symlink("a.conf", filepath.Join(d, "d.conf")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "request-key.conf"), []byte("create user * * /bin/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Rules {
		got = append(got, r.File+":"+r.Program)
	}
	want := "a.conf:/bin/a b.conf:/bin/b " + filepath.Join(dir, "request-key.conf") + ":/bin/main"
	if strings.Join(got, " ") != want {
		t.Errorf("rules %q, want %q", got, want)
	}
	// Sorted by name: on a tie a.conf wins whatever the directory order.
	if r, _, err := c.Lookup(upcall("user", "abc", "x"), nil); err != nil || r.Program != "/bin/a" {
		t.Errorf("Lookup = %v, %v", r, err)
	}
	if c, err := Load(filepath.Join(dir, "missing")); err != nil || len(c.Rules) != 0 {
		t.Errorf("Load(missing) = %v, %v", c, err)
	}
	if err := os.Chmod(filepath.Join(d, "b.conf"), 0); err == nil && os.Geteuid() != 0 {
		if _, err := Load(dir); err == nil || !strings.HasPrefix(err.Error(), "Cannot open ") {
			t.Errorf("Load(unreadable) = %v", err)
		}
	}
}
