//go:build linux

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/dnstest"
)

// runBoth runs 1.6.3's key.dns_resolver and ours with args, named
// cResolver, on a terminal (tty) or through pipes, and returns their
// output (stdout then stderr for pipes) and status.
func runBoth(t *testing.T, ours string, tty bool, args ...string) (want, got string, wantCode, gotCode int) {
	t.Helper()
	run := func(path string) (string, int) {
		cmd := exec.Command(path, args...)
		cmd.Args[0] = cResolver
		cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
		if tty {
			return dnstest.RunOnPty(t, cmd)
		}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String() + "--- stderr\n" + errb.String(), code
	}
	want, wantCode = run(cResolver)
	got, gotCode = run(ours)
	return
}

// TestOptionsAgainstC compares the command line handling with 1.6.3's:
// usage, getopt's messages, abbreviated long options, --dump-config, -V,
// argument checks, on a terminal and through pipes (where messages go to
// syslog, which this machine may not have: nothing is printed).
func TestOptionsAgainstC(t *testing.T) {
	needC(t)
	ours := buildOurs(t)
	for _, args := range [][]string{
		{}, {"-x"}, {"-v", "-x"}, {"-c"}, {"--foo"}, {"--d", "x", "y"}, {"--ver"},
		{"--debug=1", "x"}, {"--dump-config"}, {"--dump"}, {"--dump-config", "-c", "/nonexistent"}, {"--dump-config", "-c", ""},
		{"-c", "/nonexistent", "12"}, {"--dump-config", "-c", "/etc"}, {"-vvc/nonexistent", "--dump-con"},
		{"1", "2"}, {"-D", "x"}, {"-D", "x", "y", "z"}, {""}, {" 12x"}, {"12x"}, {"-v", "-D"},
		{"-D", "--", "-x", "y", "z"}, {"-V"}, {"-vV"}, {"--version"}, {"-V", "-x"}, {"-x", "-V"},
		{"-D", "dns_resolver", ""}, {"--verb", "--debu", "x", "y"},
	} {
		for _, tty := range []bool{true, false} {
			want, got, wantCode, gotCode := runBoth(t, ours, tty, args...)
			if strings.HasPrefix(want, "version: 1.0 from keyutils-1.6.3 (") {
				// The build string differs by design.
				got = strings.Replace(got, "(Go port ", "(", 1)
				want, got = strings.SplitN(want, "(", 2)[0], strings.SplitN(got, "(", 2)[0]
			}
			if got != want || gotCode != wantCode {
				t.Errorf("%q (terminal %v): exit %d, want %d; output:\n%s\nwant:\n%s", args, tty, gotCode, wantCode, lines(got), lines(want))
			}
		}
	}
}

// configCases are key.dns_resolver.conf contents whose --dump-config
// output 1.6.3 and we agree on (see configDeviations for the others).
var configCases = []string{
	"default_ttl=10\n", "default_ttl = 10 \n", "  default_ttl\t=\t\"10\"\n", "default_ttl='10'\n",
	"default_ttl=\"10\"x\n", "default_ttl=\"10\n", "default_ttl=10\\\n", "default_ttl=1\\0\n",
	"default_ttl=\\ 10\n", "default_ttl=\"1#0\"\n", "default_ttl=0\n", "default_ttl=2147483647\n",
	"default_ttl=2147483648\n", "default_ttl=4294967296\n", "default_ttl=-1\n", "default_ttl=+5\n",
	"default_ttl= 0x10\n", "default_ttl=10abc\n", "default_ttl\n", "default_ttl=\n", "=5\n", " = 5\n",
	"foo=bar\n", "foo\n", "# comment\n\n   \n", "default_ttl=7", "default_ttl=7\ndefault_ttl=8\n",
	"default_ttl=010\n", "default_ttl=\"\"\n", "default_ttl=\"a b\"\n", "default_ttl=5\nbar=1\n",
	"default_ttl=\\x\n", "  #x\ndefault_ttl= 9\n", "default_ttl=9\r\n", "default_ttl=\" 9\"\n",
	"default_ttl=9\"\n", "default_ttl='9\"\n", "default_ttl=\\\"9\n", "default_ttl=1 2\n",
	"default_ttl=18446744073709551616\n", "x\x00y=1\n", "\x00default_ttl=3\n", "default_ttl=3\x00\n",
	"default_ttl=#5\n", "default_ttl=3\nfoo\x1b[2J=1\n", strings.Repeat("#", 5000) + "\n",
	strings.Repeat(" ", 4093) + "\n" + "default_ttl=4\n", "default_ttl=" + strings.Repeat("1", 4090) + "\n",
	"k=\"v\" \n", "default_ttl=\"12\"\t\n",
}

// configDeviations are contents we read as key.dns_resolver.conf(5)
// says, where 1.6.3 does not: the --dump-config output we give.
var configDeviations = map[string]string{
	"default_ttl=10 # comment\n": "default_ttl = 10\n",
	"default_ttl=\"10\" # c\n":   "default_ttl = 10\n",
	"default_ttl=-4294967295\n":  "Error: %s:1: default_ttl: Value out of range\n",
	"default_ttl=4294967297\n":   "Error: %s:1: default_ttl: Value out of range\n",
	"default_ttl=\\  # spaces\n": "Error: %s:1: default_ttl: Bad value\n",
}

// TestConfigAgainstC compares configuration parsing with 1.6.3's, through
// --dump-config -c on a terminal (where errors and warnings show).
func TestConfigAgainstC(t *testing.T) {
	needC(t)
	ours := buildOurs(t)
	dir := t.TempDir()
	for i, content := range configCases {
		p := writeFile(t, dir, "c"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+".conf", content)
		os.Chmod(p, 0o644)
		want, got, wantCode, gotCode := runBoth(t, ours, true, "--dump-config", "-c", p)
		if got != escapeC(want) || gotCode != wantCode {
			t.Errorf("%q: exit %d, want %d; output:\n%s\nwant:\n%s", content, gotCode, wantCode, lines(got), lines(want))
		}
	}
	for content, want := range configDeviations {
		p := writeFile(t, dir, "dev.conf", content)
		_, got, _, _ := runBoth(t, ours, true, "--dump-config", "-c", p)
		if want = strings.ReplaceAll(want, "%s", p); got != want {
			t.Errorf("%q: output %q, want %q", content, got, want)
		}
	}
}

// --config takes the file as its argument (1.6.3 declares it without one
// and then reads "(null)"): --config=file, --config file, abbreviated.
func TestConfigOption(t *testing.T) {
	ours := buildOurs(t)
	conf := writeFile(t, t.TempDir(), "k.conf", "default_ttl=33\n")
	os.Chmod(conf, 0o644)
	for _, args := range [][]string{{"--config=" + conf}, {"--config", conf}, {"--conf", conf}, {"-c" + conf}} {
		out, err := exec.Command(ours, append(args, "--dump-config")...).CombinedOutput()
		if err != nil || string(out) != "default_ttl = 33\n" {
			t.Errorf("%q: %v %q", args, err, out)
		}
	}
	out, err := exec.Command(ours, "--dump-config", "--config").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "option '--config' requires an argument") {
		t.Errorf("--config without a file: %v %q", err, out)
	}
}
