//go:build linux

package requestkey

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
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

// TestNegateRetryFallbacks: a pipe-form program that cannot be executed
// counts as a failure (request-key(8) fails in the forked child, which
// exits 1), and without a negate line the failure itself is reported.
func TestNegateRetryFallbacks(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "args")
	rec := script(t, dir, "rec.sh", `echo "$@" > `+marker)
	fail := script(t, dir, "fail.sh", "exit 4")
	var buf bytes.Buffer
	log := &Logger{Verbose: 1, Stderr: &buf}
	c := parse(t, "f", "create user * * |"+dir+"/missing\nnegate * * * "+rec+" %o\n")
	r := &runner{o: &Options{}, log: log, cfg: c, timeout: time.Second}
	if err := r.handle(upcall("user", "d", "x"), true); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "negate\n" {
		t.Fatalf("negate program: %q, %v", b, err)
	}
	want := "Child: f:1: Failed to execute '" + dir + "/missing': No such file or directory\nchild exited 1\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, buf.String())
	}
	r.cfg = parse(t, "f", "create user * * |"+fail+"\n")
	if err := r.handle(upcall("user", "d", "x"), true); err == nil || err.Error() != "f:1: child exited 4" {
		t.Fatalf("err = %v", err)
	}
}

// TestExecStatus: without a key to finish, request-key exits with the
// status of a normal-form program, as request-key(8) does by becoming it.
func TestExecStatus(t *testing.T) {
	dir := t.TempDir()
	r := &runner{o: &Options{}, timeout: time.Second}
	for body, want := range map[string]int{"exit 0": 0, "exit 7": 7, "kill -TERM $$": 128 + 15} {
		rule := &Rule{File: "f", Line: 1, Program: script(t, dir, "s.sh", body)}
		cmd, err := rule.Command(upcall("user", "d", "x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = r.exec(cmd)
		got := 0
		var st *ExitStatus
		if errors.As(err, &st) {
			got = st.Code
		} else if err != nil {
			got = -1
		}
		if got != want {
			t.Errorf("%s: err = %v, want status %d", body, err, want)
		}
	}
}

func TestParseDescription(t *testing.T) {
	tests := []struct{ raw, typ, desc string }{
		{"user;0;0;1f0000;debug:1234", "user", "debug:1234"},
		{"user;-1;+2;0x1f;d;e", "user", "d;e"},
		{"user; 1;\t2; 0X;d", "user", "d"},
		{"user;0;0;1f", "user", ""},
		{"user;0;0;1fz;d", "user", ""},
		{"a b;0;0;0;", "a b", ""},
		{";0;0;0;d", "", "!"},
		{"user;a;0;0;d", "", "!"},
		{"user;0;0;;d", "", "!"},
		{"user;0;0;-;d", "", "!"},
		{"user", "", "!"},
	}
	for _, tc := range tests {
		typ, desc, ok := parseDescription(tc.raw)
		if !ok {
			typ, desc = "", "!"
		}
		if typ != tc.typ || desc != tc.desc {
			t.Errorf("parseDescription(%q) = %q, %q; want %q, %q", tc.raw, typ, desc, tc.typ, tc.desc)
		}
	}
}

func TestAtoi(t *testing.T) {
	for s, want := range map[string]int{"12": 12, " -5x": -5, "+7": 7, "x": 0, "": 0, "4294967297": 1,
		"2147483648": -2147483648, "99999999999999999999": -1, "-99999999999999999999": 0} {
		if got := atoi(s); got != want {
			t.Errorf("atoi(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestLoadTrace: errors reading the configuration are reported where
// request-key(8) meets them, after the trace of what was read before; a
// missing file is traced as read.
func TestLoadTrace(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "request-key.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := &Logger{Verbose: 1, Stderr: &buf}
	_, _, err := load(dir).Lookup(upcall("user", "d", "x"), log)
	want := "__ SCAN " + dir + "/request-key.d __\n__ read " + dir + "/request-key.conf __\n"
	if err == nil || err.Error() != "No matching action" || buf.String() != want {
		t.Errorf("err = %v, trace:\n%s\nwant:\n%s", err, buf.String(), want)
	}
	conf := "create user * * /bin/x\ncreate user * * /bin/y " + strings.Repeat("a", MaxLine) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "request-key.d", "a.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	_, _, err = load(dir).Lookup(upcall("user", "d", "x"), log)
	want = "__ SCAN " + dir + "/request-key.d __\n__ read a.conf __\na.conf:1: Line matches '/bin/x' (0,0,1,1)\na.conf:1: Prefer command (0,0,1,1)\n"
	if err == nil || err.Error() != "a.conf:2: Line too long" || buf.String() != want {
		t.Errorf("err = %v, trace:\n%s\nwant:\n%s", err, buf.String(), want)
	}
	if _, err := Load(dir); err == nil || err.Error() != "a.conf:2: Line too long" {
		t.Errorf("Load: %v", err)
	}
}

// TestPipeStderrNoForging: a pipe-form program's stderr is logged up to
// the first NUL of each line, as request-key(8)'s "Child: %.*s" prints it,
// and its other control characters are escaped: a handler cannot forge a
// second log record, nor drive the terminal of whoever runs request-key -v.
func TestPipeStderrNoForging(t *testing.T) {
	dir := t.TempDir()
	p := script(t, dir, "forge.sh", `printf 'x\000sshd[1]: Accepted password for root\n' >&2
printf 'y\033]0;pwned\007\033[2J\r\302\233z\n' >&2
printf 'ok'`)
	var stderr bytes.Buffer
	sl := &memSyslog{}
	log := &Logger{Verbose: 1, Stderr: &stderr, Syslog: sl}
	r := &runner{o: &Options{}, log: log, timeout: 5 * time.Second}
	rule := &Rule{File: "f", Line: 1, Program: "|" + p}
	cmd, err := rule.Command(upcall("user", "d", ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.pipe(cmd, "")
	if err != nil || string(out) != "ok" {
		t.Fatalf("pipe = %q, %v", out, err)
	}
	want := []string{`Child: x`, `Child: y\x1b]0;pwned\x07\x1b[2J\x0d\u009bz`}
	if got := sl.lines("err"); !slices.Equal(got, want) {
		t.Errorf("syslog = %q, want %q", got, want)
	}
	if got := stderr.String(); got != strings.Join(want, "\n")+"\n" {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

// memSyslog records what a Logger sends to the system log.
type memSyslog struct{ msgs []string }

func (m *memSyslog) Err(msg string) error   { m.msgs = append(m.msgs, "err "+msg); return nil }
func (m *memSyslog) Debug(msg string) error { m.msgs = append(m.msgs, "debug "+msg); return nil }

func (m *memSyslog) lines(level string) []string {
	var l []string
	for _, s := range m.msgs {
		if s, ok := strings.CutPrefix(s, level+" "); ok {
			l = append(l, s)
		}
	}
	return l
}

// TestRunDebugEscapes: what comes from outside (the key description, the
// callout info, and so the arguments made from them) reaches the debug
// output and the system log escaped; printable text is unchanged.
func TestRunDebugEscapes(t *testing.T) {
	cd := t.TempDir()
	if err := os.WriteFile(filepath.Join(cd, "request-key.conf"), []byte("create user debug:* * /bin/true %d %c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	sl := &memSyslog{}
	desc := "debug:\x1b]0;pwned\x07\x1b[2J\nsshd[1]: Accepted \xff\u00e9"
	callout := "c\x1b[31m\rx\u009b"
	err := Run([]string{"create", "123", "0", "0", "0", "0", "456", callout}, &Options{
		Dir: cd, Debug: true, DebugDescription: "user;0;0;1f0000;" + desc, Stdout: &out,
		Log: &Logger{Verbose: 2, Stderr: &stderr, Syslog: sl},
	})
	if err != nil {
		t.Fatal(err)
	}
	const ed = `debug:\x1b]0;pwned\x07\x1b[2J\x0asshd[1]: Accepted \xff` + "\u00e9"
	const ec = `c\x1b[31m\x0dx\u009b`
	for _, want := range []string{
		`Key descriptor: "user;0;0;1f0000;` + ed + `"`,
		`Key desc: ` + ed,
		`CALLOUT: '` + ec + `'`,
		`match(debug:*,` + ed + `) = yes (w=` + strconv.Itoa(len(desc)-6) + `)`,
		`execute_program('` + ec + `','/bin/true %d %c')`,
		`- argv[1] = "` + ed + `"`,
		`- argv[2] = "` + ec + `"`,
	} {
		if !slices.Contains(sl.lines("debug"), want) {
			t.Errorf("syslog lacks %q", want)
		}
		if !strings.Contains("\n"+stderr.String(), "\n"+want+"\n") {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.ContainsAny(stderr.String(), "\x1b\r\x07\xff\u009b") || strings.Contains(stderr.String(), "\nsshd") {
		t.Errorf("raw control characters on stderr:\n%q", stderr.String())
	}
	for _, m := range sl.msgs {
		if strings.ContainsAny(m, "\x00\n\r\x1b\x07\xff\u009b") {
			t.Errorf("raw control characters in syslog message %q", m)
		}
	}
}

// TestPipeOutputHeldOpen: a pipe-form program that exits while a process
// it started still holds its stdout open fails when the timeout expires,
// saying so: the key is not instantiated with what was read, the failure
// leads to the op "negate" retry like any other, and the leftover process
// is killed if it is still in the program's process group. One that left
// the group (setsid) cannot be killed; request-key stops reading from it.
// A leftover process that holds only stderr does not hold up the payload,
// which is complete: stderr is read for one more second after the
// program exited.
func TestPipeOutputHeldOpen(t *testing.T) {
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "pid")
	tests := []struct {
		name, body string
		out, err   string
		log        string
		alive      bool // the leftover process survives
	}{
		{name: "stdout", body: `printf data; sleep 30 & echo $! > ` + pidfile,
			err: "f:1: child exited 0 but its stdout was still open when the timeout expired after 300ms (held by a process it started)"},
		{name: "stdout exit 3", body: `printf data; sleep 30 & echo $! > ` + pidfile + `; exit 3`,
			err: "f:1: child exited 3 but its stdout was still open when the timeout expired after 300ms (held by a process it started)"},
		{name: "stdout setsid", body: `printf data; setsid sleep 30 & echo $! > ` + pidfile, alive: true,
			err: "f:1: child exited 0 but its stdout was still open when the timeout expired after 300ms (held by a process it started)"},
		{name: "stderr", body: `printf data; echo bye >&2; sleep 30 >/dev/null & echo $! > ` + pidfile, alive: true,
			out: "data", log: "Child: bye\nf:1: child's stderr still open 1s after it exited (held by a process it started): not read further\n"},
		{name: "stderr exit 2", body: `printf data; sleep 30 >/dev/null & echo $! > ` + pidfile + `; exit 2`, alive: true,
			err: "f:1: child exited 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(pidfile)
			p := script(t, dir, "held.sh", tc.body)
			var buf bytes.Buffer
			r := &runner{o: &Options{}, log: &Logger{Verbose: 1, Stderr: &buf}, timeout: 300 * time.Millisecond}
			rule := &Rule{File: "f", Line: 1, Program: "|" + p}
			cmd, err := rule.Command(upcall("user", "d", ""), nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			out, err := r.pipe(cmd, "")
			took := time.Since(start)
			b, perr := os.ReadFile(pidfile)
			if perr != nil {
				t.Fatal(perr)
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			// A process killed has closed its files before it is a
			// zombie: give it a moment.
			alive := running(pid)
			for end := time.Now().Add(2 * time.Second); alive && !tc.alive && time.Now().Before(end); alive = running(pid) {
				time.Sleep(10 * time.Millisecond)
			}
			if alive {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			if took > 3*time.Second {
				t.Errorf("took %v", took)
			}
			if alive != tc.alive {
				t.Errorf("leftover process alive: %v, want %v", alive, tc.alive)
			}
			if tc.err == "" {
				if err != nil || string(out) != tc.out || buf.String() != tc.log {
					t.Errorf("pipe = %q, %v, log %q; want %q, log %q", out, err, buf.String(), tc.out, tc.log)
				}
				return
			}
			if err == nil || err.Error() != tc.err || !errors.Is(err, ErrProgram) {
				t.Fatalf("pipe = %q, %v; want error %q", out, err, tc.err)
			}
			var st *exitStatus
			if !errors.As(err, &st) {
				t.Errorf("%v: not a program failure (no op \"negate\" retry)", err)
			}
		})
	}
}

// running reports whether process pid exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if pid <= 0 || err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// TestNegateRetryAfterTimeout: when a pipe-form program times out, the op
// "negate" line runs, and the timeout is logged even though that line
// finished the key (request-key(8) has no timeout to report).
func TestNegateRetryAfterTimeout(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "args")
	held := script(t, dir, "held.sh", "printf data; sleep 30 &")
	rec := script(t, dir, "rec.sh", `echo "$@" > `+marker)
	var buf bytes.Buffer
	c := parse(t, "f", "create user * * |"+held+"\nnegate * * * "+rec+" %o %k\n")
	r := &runner{o: &Options{}, log: &Logger{Verbose: 1, Stderr: &buf}, cfg: c, timeout: 300 * time.Millisecond}
	if err := r.handle(upcall("user", "d", "x"), true); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "negate 123\n" {
		t.Fatalf("negate program: %q, %v", b, err)
	}
	want := "f:1: child exited 0 but its stdout was still open when the timeout expired after 300ms (held by a process it started)\n"
	if !strings.HasSuffix(buf.String(), want) {
		t.Errorf("log does not end in %q:\n%s", want, buf.String())
	}
}
