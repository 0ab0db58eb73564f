package requestkey

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// script writes an executable shell script into dir.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPipe(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body string
		callout    string
		out        string // payload
		err        string // error, "" for success
		log        string // expected in the log
		timeout    time.Duration
	}{
		{name: "echo", body: `read x; printf 'got:%s' "$x"`, callout: "spoon", out: "got:spoon"},
		{name: "stdin closed", body: `cat`, callout: "abc", out: "abc"},
		{name: "stdin ignored", body: `exec 0<&-; printf ok`, callout: strings.Repeat("x", 200000), out: "ok"},
		{name: "stderr", body: "echo one >&2; printf two >&2; printf ok", out: "ok", log: "Child: one\nChild: two\n"},
		{name: "long stderr line", body: "head -c 600 /dev/zero | tr '\\0' e >&2", log: "Child: " + strings.Repeat("e", 512) + "\nChild: " + strings.Repeat("e", 88) + "\n"},
		{name: "limit", body: "head -c 32768 /dev/zero", out: strings.Repeat("\x00", MaxPipeData)},
		{name: "too much", body: "head -c 32769 /dev/zero", err: "f:1: Too much data read from query program"},
		{name: "exit", body: "exit 3", err: "f:1: child exited 3"},
		{name: "signal", body: "kill -SEGV $$", err: "f:1: child died on signal 11"},
		{name: "timeout", body: "sleep 30", err: "f:1: child killed after 200ms", timeout: 200 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := script(t, dir, strings.ReplaceAll(tc.name, " ", "_"), tc.body)
			var buf bytes.Buffer
			log := &Logger{Verbose: 1, Stderr: &buf}
			r := &runner{o: &Options{}, log: log, timeout: tc.timeout}
			rule := &Rule{File: "f", Line: 1, Program: "|" + p}
			cmd, err := rule.Command(upcall("user", "d", tc.callout), nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			out, err := r.pipe(cmd, tc.callout)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if tc.err != "" {
				if err == nil || err.Error() != tc.err || !errors.Is(err, ErrProgram) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.out {
				t.Errorf("out = %.40q (%d bytes), want %.40q", out, len(out), tc.out)
			}
			if buf.String() != tc.log {
				t.Errorf("log = %q, want %q", buf.String(), tc.log)
			}
		})
	}
}

// TestRunDebug runs whole requests in debug mode (-d -l): matching, macros
// and error reporting, with nothing executed.
func TestRunDebug(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	touch := script(t, dir, "touch.sh", "touch "+marker)
	tests := []struct {
		name, conf, desc string
		err              string
	}{
		{name: "match", conf: "create user debug:* * " + touch + " %k %d %c %S\n", desc: "user;0;0;1f0000;debug:1234"},
		{name: "no match", conf: "create user other * " + touch + "\n", err: "No matching action"},
		{name: "bad description", conf: "", desc: "user;0;0", err: "Failed to parse key description"},
		{name: "syntax", conf: "create user debug:* * " + touch + " %k\ncreate user\n", err: "request-key.conf:2: Syntax error"},
		{name: "line too long", conf: "create user debug:* * " + touch + "\n#" + strings.Repeat("x", MaxLine) + "\n", err: "request-key.conf:2: Line too long"},
		{name: "macro", conf: "create user debug:* * " + touch + " %q\n", err: "request-key.conf:1: Unsupported macro"},
		{name: "no slash", conf: "create user debug:* * touch.sh\n", err: "request-key.conf:1: Program path 'touch.sh' is not a path (it must contain '/')"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cd := t.TempDir()
			if err := os.WriteFile(filepath.Join(cd, "request-key.conf"), []byte(tc.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, log bytes.Buffer
			err := Run([]string{"create", "123", "0", "0", "0", "0", "456", "spoon"}, &Options{
				Dir: cd, Debug: true, DebugDescription: tc.desc, Stdout: &out,
				Log: &Logger{Verbose: 1, Stderr: &log},
			})
			if _, serr := os.Stat(marker); serr == nil {
				t.Fatal("program executed")
			}
			if tc.err != "" {
				if err == nil || strings.TrimPrefix(err.Error(), cd+"/") != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != "-- exec disabled --\n" {
				t.Errorf("stdout %q", out.String())
			}
			for _, want := range []string{"Key descriptor: \"user;0;0;1f0000;debug:1234\"\n", "CALLOUT: 'spoon'\n",
				"- argv[0] = \"touch.sh\"\n- argv[1] = \"123\"\n- argv[2] = \"debug:1234\"\n- argv[3] = \"spoon\"\n- argv[4] = \"456\"\n"} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, log.String())
				}
			}
		})
	}
	if err := Run([]string{"create"}, &Options{}); err == nil || err.Error() != "Unexpected argument count: 1" {
		t.Errorf("Run(1 arg) = %v", err)
	}
}

// TestNegateRetry: a failing pipe-form program makes request-key run the
// line that matches op "negate" instead.
func TestNegateRetry(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "args")
	fail := script(t, dir, "fail.sh", "exit 1")
	rec := script(t, dir, "rec.sh", `echo "$@" > `+marker)
	c := parse(t, "f", "create user * * |"+fail+"\nnegate user * * "+rec+" %o %k\n")
	r := &runner{o: &Options{}, cfg: c, timeout: time.Second}
	if err := r.handle(upcall("user", "d", "x"), true); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(marker)
	if err != nil || string(b) != "negate 123\n" {
		t.Fatalf("negate program: %q, %v", b, err)
	}
	// Only once: a failing negate line is an error.
	c = parse(t, "f", "create user * * |"+fail+"\nnegate user * * |"+fail+"\n")
	r.cfg = c
	if err := r.handle(upcall("user", "d", "x"), true); err == nil || err.Error() != "f:2: child exited 1" {
		t.Fatalf("err = %v", err)
	}
}
