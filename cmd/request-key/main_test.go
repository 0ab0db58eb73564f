package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want options
	}{
		{[]string{"create", "1", "-v", "0", "-vv", "0"}, options{verbose: 3, args: []string{"create", "1", "0", "0"}}},
		{[]string{"-dln", "-Dx;y", "a"}, options{debug: true, local: true, noLog: true, desc: "x;y", args: []string{"a"}}},
		{[]string{"-D", "user;0;0;0;d", "a", "--", "-v"}, options{desc: "user;0;0;0;d", args: []string{"a", "-v"}}},
		{[]string{"-", "a"}, options{args: []string{"-", "a"}}},
	}
	for _, tc := range tests {
		if got := parseArgs("request-key", tc.args); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseArgs(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

// TestAgainstC compares our debug-mode output (-d -n -v, -vv) with
// keyutils 1.6.3's request-key, where that is installed, on configurations
// that do not involve the bugs we fix.
func TestAgainstC(t *testing.T) {
	const ref = "/sbin/request-key"
	if out, err := exec.Command(ref, "--version").Output(); err != nil || !strings.Contains(string(out), "(Built") {
		t.Skip("keyutils 1.6.3 request-key not installed at " + ref)
	}
	dir := t.TempDir()
	bin := build(t, dir, ".", "request-key")
	conf := filepath.Join(dir, "conf")
	if err := os.MkdirAll(filepath.Join(conf, "request-key.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("request-key.d/a.conf", "create user a* * /bin/a %k\n# comment\n  create user * * /bin/indented\n")
	write("request-key.conf", "create\tuser\tdebug:*\t*\t/bin/echo %o %k %t %d %c %u %g %T %P %S %% %%x %abc\n"+
		"create user debug:loop:* * |/bin/cat\ncreate user x* neg /bin/n\ncreate user x\nnegate * * * /bin/keyctl negate %k 30 %S\n")
	runs := [][]string{
		{"-d", "-n", "-v", "create", "1", "2", "3", "4", "5", "6", "spoon"},
		{"-d", "-n", "-vv", "-D", "user;0;0;1f0000;abc", "create", "1", "2", "3", "4", "5", "6", "x"},
		{"-dnv", "-Duser;0;0;1f0000;debug:loop:z", "create", "1", "2", "3", "4", "5", "6", "x"},
		{"-d", "-n", "-v", "-D", "user;0;0;1f0000;xy", "create", "1", "2", "3", "4", "5", "6", "x"},
		{"-d", "-n", "-v", "-D", "user;0;0;1f0000;xy", "create", "1", "2", "3", "4", "5", "6", "neg"},
		{"-d", "-n", "-v", "-D", "key;0;0;1f0000;q", "create", "1", "2", "3", "4", "5", "6", "x"},
		{"-d", "-n", "-v", "-D", "broken", "create", "1", "2", "3", "4", "5", "6", "x"},
		{"-n", "-v", "create", "1"},
		{"-n", "create", "1"},
		{"-n", "-z", "create", "1"},
	}
	for _, args := range runs {
		name := strings.Join(args, " ")
		a := append([]string{"-l"}, args...)
		want, wantErr := runIn(conf, ref, a)
		got, gotErr := runIn(conf, bin, a)
		// Fixed: no empty file name before "No matching action"; getopt
		// names the program as invoked.
		want = strings.ReplaceAll(want, "\n: No matching action", "\nNo matching action")
		want = strings.ReplaceAll(want, ref+": invalid option", bin+": invalid option")
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%s:\n--- ours (%v):\n%s--- keyutils (%v):\n%s", name, gotErr, got, wantErr, want)
		}
	}
}

func runIn(dir, bin string, args []string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
