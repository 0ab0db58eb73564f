//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils/internal/syslog"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want options
	}{
		{[]string{"create", "1", "-v", "0", "-vv", "0"}, options{verbose: 3, args: []string{"create", "1", "0", "0"}}},
		{[]string{"-dln", "-Dx;y", "a"}, options{debug: true, local: true, noLog: true, desc: "x;y", descSet: true, args: []string{"a"}}},
		{[]string{"-D", "user;0;0;0;d", "a", "--", "-v"}, options{desc: "user;0;0;0;d", descSet: true, args: []string{"a", "-v"}}},
		{[]string{"-", "a"}, options{args: []string{"-", "a"}}},
	}
	for _, tc := range tests {
		if got := parseArgs("request-key", tc.args); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseArgs(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

// TestParseArgsPosixlyCorrect: glibc's getopt stops at the first operand
// when POSIXLY_CORRECT is set.
func TestParseArgsPosixlyCorrect(t *testing.T) {
	t.Setenv("POSIXLY_CORRECT", "")
	got := parseArgs("request-key", []string{"-d", "create", "-v", "1"})
	if want := (options{debug: true, args: []string{"create", "-v", "1"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("parseArgs = %+v, want %+v", got, want)
	}
}

// TestAgainstC compares our debug-mode output (-d -n -v, -vv) with
// keyutils 1.6.3's request-key, where that is installed (at
// /sbin/request-key, or at $KEYUTILS_TEST_C_REQUEST_KEY), on
// configurations that do not involve the bugs we fix. Differences by
// design are normalised: the ": " before "No matching action", getopt's
// program name, the "file:line: " of errors raised while expanding the
// chosen line (1.6.3: an empty file name and a stale line number), and
// the escaping of control characters and invalid UTF-8 (1.6.3 prints
// them raw): each line of 1.6.3's output is escaped as ours is.
func TestAgainstC(t *testing.T) {
	ref := "/sbin/request-key"
	if p := os.Getenv("KEYUTILS_TEST_C_REQUEST_KEY"); p != "" {
		ref = p
	} else if fi, err := os.Stat("/etc/request-key.d"); err == nil && fi.IsDir() {
		// Another test run may be installing ours as /sbin/request-key
		// (TestUpcall): wait until it has restored the C one.
		testutil.LockDirShared(t, "/etc/request-key.d", 0)
	}
	if out, err := exec.Command(ref, "--version").Output(); err != nil || !strings.Contains(string(out), "(Built") {
		t.Skip("keyutils 1.6.3 request-key not installed at " + ref)
	}
	dir := t.TempDir()
	bin := build(t, dir, ".", "request-key")
	// As root, we skip configuration that others can write: do not
	// depend on the umask.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Errors raised while expanding the chosen line.
	execErr := regexp.MustCompile(`(?m)^[^ \n]*:[0-9]+: (Unsupported macro|Missing macro name|Keysub|Unterminated keysub|Too many arguments)`)
	type config map[string]string // file (under the -l directory) -> content
	base := config{
		"request-key.d/a.conf": "create user a* * /bin/a %k\n# comment\n  create user * * /bin/indented\n",
		"request-key.conf": "create\tuser\tdebug:*\t*\t/bin/echo %o %k %t %d %c %u %g %T %P %S %% %%x %abc\n" +
			"create user debug:loop:* * |/bin/cat\ncreate user x* neg /bin/n\ncreate user x\nnegate * * * /bin/keyctl negate %k 30 %S\n",
	}
	long := "create user * * /bin/echo "
	cases := []struct {
		conf config
		runs [][]string
	}{
		{base, [][]string{
			{"-d", "-n", "-v", "create", "1", "2", "3", "4", "5", "6", "spoon"},
			{"-d", "-n", "-vv", "-D", "user;0;0;1f0000;abc", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-Duser;0;0;1f0000;debug:loop:z", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-d", "-n", "-v", "-D", "user;0;0;1f0000;xy", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-d", "-n", "-v", "-D", "user;0;0;1f0000;xy", "create", "1", "2", "3", "4", "5", "6", "neg"},
			{"-d", "-n", "-v", "-D", "key;0;0;1f0000;q", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-d", "-n", "-v", "-D", "broken", "create", "1", "2", "3", "4", "5", "6", "x"},
			// sscanf("%*[^;]%n;%*d;%*d;%x;%n") quirks
			{"-dnv", "-D", "user;-1;+2;0x1f;d;e", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", "user; 1;\t2;0x;debug:x", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", "user;0;0;1f", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", ";0;0;1f;d", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", "user;a;0;1f;d", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", "user;0;0;zz;d", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", "", "create", "1", "2", "3", "4", "5", "6", "x"},
			// getopt: permutation, "--", "-", clusters, unknown options
			{"create", "-d", "1", "-n", "2", "-v", "3", "4", "5", "6", "x"},
			{"-dnv", "--", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "--", "-"},
			{"-dnvz", "--foo", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D"},
			// argument counts; the message goes to stderr only with -v
			{"-n", "-v", "create", "1"},
			{"-n", "create", "1"},
			{"-n", "-z", "create", "1"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "7", "8"},
			{"-dn", "create", "1", "2", "3", "4", "5", "6", "7", "8"},
			{"--version", "x"},
			// atoi: saturated to 64 bits, then truncated
			{"-nv", "create", "99999999999999999999", "2", "3", "4", "5", "6"},
			{"-nv", "create", "4294967297", "2", "3", "4", "5", "6"},
			// no callout argument: read from @a, which we do not have
			{"-dnv", "create", "1", "2", "3", "4", "5", "6"},
			// Escaped: terminal controls, C1 controls and invalid
			// UTF-8 in the description, callout info and options;
			// valid UTF-8 text and tab unchanged.
			{"-dnvv", "-D", "user;0;0;1f0000;debug:\x1b]0;pwned\x07\x1b[2J\r\xff\u009b\u00e9\t\U0001F511", "create", "1", "2", "3", "4", "5", "6", "c\x1b[31m\rx\x7f"},
			{"-dnv\x1b\xc3", "create", "1", "2", "3", "4", "5", "6", "x"},
		}},
		// No configuration at all: still traced as scanned and read.
		{config{}, [][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		// request-key.conf cannot be read; request-key.d is a file.
		{config{"request-key.conf/x": ""}, [][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		{config{"request-key.d": "x"}, [][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		// Ignored entries of request-key.d; ties between it and
		// request-key.conf; white space; every macro; -vv traces.
		{config{
			"request-key.d/a.conf":  "create user debug:* * /bin/a\n\n\t\n#x\ncreate user debug:12* * /bin/a2 %k\n",
			"request-key.d/.b.conf": "create user * * /bin/hidden\n",
			"request-key.d/conf":    "create user * * /bin/short\n",
			"request-key.d/c.txt":   "create user * * /bin/txt\n",
			"request-key.d/d.conf/": "",
			"request-key.conf": "create user debug:* * /bin/main\ncreate\v user \f debug:1234\r* \t /bin/exact  %o %k %t %d %c %u %g %T %P %S %%k %%%k %%% %abc %k%k  \r\n" +
				"create user debug:1234 x /bin/best %%\ncreate user debug:1234 y /bin/e %\n" +
				"create user debug:1234 z /bin/e %x\ncreate user debug:1234 w /bin/e %{\n",
		}, [][]string{
			{"-dnvv", "create", "1", "2", "3", "4", "5", "6", "q"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "y"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "z"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "w"},
			{"-dn", "create", "1", "2", "3", "4", "5", "6", "w"},
			{"-dn", "create", "1", "2", "3", "4", "5", "6", "x"},
		}},
		// Missing fields: an error only if the fields before match.
		{config{"request-key.conf": "negate foo\ncreate user debug:*\ncreate user\n"}, [][]string{
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"},
			{"-dnv", "-D", "key;0;0;0;d", "create", "1", "2", "3", "4", "5", "6", "x"},
		}},
		{config{"request-key.conf": "create user debug:* *   \n"}, [][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		// Line length limit (4095 bytes with the newline), reported
		// where it is read, after the lines before it matched.
		{config{"request-key.conf": "create user debug:* * /bin/x\n" + long + strings.Repeat("a", 4094-len(long)) + "\n"},
			[][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		{config{"request-key.conf": "create user debug:* * /bin/x\n" + long + strings.Repeat("a", 4095-len(long)) + "\n"},
			[][]string{{"-dnvv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		{config{"request-key.conf": "create user debug:*\n" + long + strings.Repeat("a", 5000) + "\n"},
			[][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		// 253 arguments are allowed, 254 are too many.
		{config{"request-key.conf": "create user debug:* * /bin/x" + strings.Repeat(" %k", 253) + "\n"},
			[][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		{config{"request-key.conf": "create user debug:* * /bin/x" + strings.Repeat(" %k", 254) + "\n"},
			[][]string{{"-dnv", "create", "1", "2", "3", "4", "5", "6", "x"}}},
		// Keysub syntax errors (found before any key is looked up).
		{config{"request-key.conf": "create user debug:* a /bin/x %{user}\ncreate user debug:* b /bin/x %{user:d\n" +
			"create user debug:* c /bin/x %{user:d}x\ncreate user debug:* d /bin/x %{:d}\ncreate user debug:* e /bin/x %{user:}\n" +
			"create user debug:* f /bin/x %{a}b:c}\ncreate user debug:* g /bin/x %{user:keyutils-go-test:no-such-key}\n"}, [][]string{
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "a"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "b"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "c"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "d"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "e"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "f"},
			{"-dnv", "create", "1", "2", "3", "4", "5", "6", "g"},
		}},
	}
	for i, tc := range cases {
		conf := filepath.Join(dir, fmt.Sprint("conf", i))
		if err := os.MkdirAll(conf, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(conf, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, s := range tc.conf {
			p := filepath.Join(conf, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(name, "/") {
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			mode := os.FileMode(0o644)
			if strings.HasSuffix(name, "/") {
				mode = 0o755
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
		}
		for _, args := range tc.runs {
			name := syslog.Escape(fmt.Sprintf("conf%d %s", i, strings.Join(args, " ")))
			a := append([]string{"-l"}, args...)
			want, wantErr := runIn(conf, ref, a)
			got, gotErr := runIn(conf, bin, a)
			want = escapeLines(want)
			want = strings.ReplaceAll(want, "\n: No matching action", "\nNo matching action")
			want = strings.ReplaceAll(want, ref+": ", bin+": ")
			want = execErr.ReplaceAllString(want, "F:N: $1")
			got = execErr.ReplaceAllString(got, "F:N: $1")
			if got != want || exitCode(gotErr) != exitCode(wantErr) {
				t.Errorf("%s:\n--- ours (%v):\n%s--- keyutils (%v):\n%s", name, gotErr, got, wantErr, want)
			}
		}
	}
}

// escapeLines escapes each line of s as our request-key escapes what it
// prints.
func escapeLines(s string) string {
	l := strings.Split(s, "\n")
	for i := range l {
		l[i] = syslog.Escape(l[i])
	}
	return strings.Join(l, "\n")
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func runIn(dir, bin string, args []string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestHostileConfig: a request-key.conf that is /dev/zero (1.6.3 dies with
// SIGSEGV; we died with "fatal error: out of memory" reading it whole) or
// a FIFO (1.6.3 and we hung in open) is skipped with a logged reason, and
// as root so is one that others can write. The binary runs with its
// address space limited, so that a regression fails instead of eating the
// machine's memory.
func TestHostileConfig(t *testing.T) {
	dir := t.TempDir()
	bin := build(t, dir, ".", "request-key")
	tests := []struct {
		name string
		make func(path string) error
		root bool
		want string
	}{
		{name: "dev zero", make: func(p string) error { return os.Symlink("/dev/zero", p) },
			want: "Ignoring request-key.conf: not a regular file"},
		{name: "fifo", make: func(p string) error { return unix.Mkfifo(p, 0o644) },
			want: "Ignoring request-key.conf: not a regular file"},
		{name: "world writable", root: true, make: func(p string) error {
			if err := os.WriteFile(p, []byte("create user * * /bin/x\n"), 0o644); err != nil {
				return err
			}
			return os.Chmod(p, 0o666)
		}, want: "Ignoring request-key.conf: writable by group or others (mode 0666)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("needs root")
			}
			conf := t.TempDir()
			if err := os.Chmod(conf, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := tc.make(filepath.Join(conf, "request-key.conf")); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "/bin/sh", "-c", `ulimit -v 2000000 && exec "$@"`, "sh",
				bin, "-l", "-dnv", "create", "1", "2", "3", "4", "5", "6", "x")
			cmd.Dir = conf
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("still running after 20s:\n%s", out)
			}
			want := "CALLOUT: 'x'\n" + tc.want + "\n__ SCAN request-key.d __\n__ read request-key.conf __\nNo matching action\n"
			if exitCode(err) != 1 || !strings.HasSuffix(string(out), want) {
				t.Errorf("exit %d, output:\n%s\nwant it to end in:\n%s", exitCode(err), out, want)
			}
		})
	}
}
