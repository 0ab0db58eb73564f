//go:build linux

package main

import (
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/testutil"
)

// cKeyctl is the reference implementation.
const cKeyctl = "/usr/bin/keyctl"

// diffCases are shell scripts run once with $K = the C keyctl and once
// with $K = ours, each in a fresh anonymous session keyring started by
// that keyctl's "session -". Keys stay in that keyring (never @u/@us).
var diffCases = []struct {
	name, script string
	serial       bool // not in parallel with the others
}{
	// Dispatch, usage, version.
	{name: "nocommand", script: `$K`},
	{name: "unknown", script: `$K sho; $K ""; $K --help; $K capabilities; $K newsession; $K watch_key`},
	{name: "version", script: `$K --version | grep -o 'keyutils-[0-9.]*'; $K --version x y >/dev/null`},
	{name: "usage-argc", script: `for c in add chgrp chown clear describe dh_compute dh_compute_kdf dh_compute_kdf_oi get_persistent id instantiate invalidate link list move negate new_session newring padd pinstantiate pipe pkey_query pkey_encrypt pkey_decrypt pkey_sign pkey_verify prequest2 print pupdate purge rdescribe read reap reject request request2 restrict_keyring revoke rlist search security setperm show supports timeout unlink update watch watch_add watch_rm watch_session watch_sync; do $K $c 1 2 3 4 5 6 7 8 >/dev/null 2>&1; echo "$c $?"; done`},
	{name: "usage-text", script: `$K id 2>&1 >/dev/null | md5sum; $K id`},
	// Key IDs.
	{name: "ids", script: `for a in @t @p @s @u @us @g @a @ @aa @S -3 4294967293 18446744073709551613 99999999999999999999 99999999999 4294967296 -0 "" -4294967293 " 42" +3 0x 08 0x1g " " 12abc -8 -1 0 %user:nonexist % %user %user: %: %:nothere "%user:ids:none"; do $K id "$a"; echo "rc=$?"; done`},
	{name: "ids-lookup", script: `$K add user a:b v @s >/dev/null; $K id %user:a:b >/dev/null; echo $?; $K newring r @s >/dev/null; $K id %:r >/dev/null; echo $?; $K describe %:r`},
	// add, padd, newring, update, pupdate, -x.
	{name: "add", script: `k=$($K add user k v @s); $K add user k w @s; $K print $k; $K add user "" x @s; $K add "" k x @s; $K add nosuch k x @s; $K add .x k x @s; $K add user k "" @s; $K add keyring r x @s; $K add user k x 0; $K add user k x $k; $K add user k x @x; $K add user k - @s >/dev/null; $K print %user:k`},
	{name: "add-hex", script: `$K add -x user k "73  7475 66  66  " @s >/dev/null; $K print %user:k; $K add -x user k 616 @s; $K add -x user k "6 1" @s; $K add -x user k 6g @s; $K add -x user k "   " @s; $K add -x user k "" @s; $K add -x -x user k 61 @s; $K add -x user k zz @bad`},
	{name: "padd", script: `printf hello | $K padd user p @s >/dev/null; $K print %user:p; printf '4142\n\t43' | $K padd -x user p @s >/dev/null; $K print %user:p; printf '' | $K padd user e @s; printf 'zz' | $K padd -x user p @nope; printf x | $K padd keyring r @s`},
	{name: "update", script: `k=$($K add user k v @s); $K update $k new; $K print $k; $K update -x $k 4142; $K print $k; printf piped | $K pupdate $k; $K print $k; printf 434 | $K pupdate -x $k; $K update @s x; $K update 0 x; $K update -x @bad 4; $K pupdate @bad </dev/null; $K update $k ""`},
	{name: "newring", script: `a=$($K newring r @s); b=$($K newring r @s); [ "$a" != "$b" ] && echo replaced; $K newring "" @s; $K newring x 0`},
	// Requests and searches.
	{name: "request", script: `$K add user q v @s >/dev/null; $K request user q; $K request user none; $K request user q @s; $K request nosuchtype q; $K request .x q; $K request user q 0`},
	{name: "request2", script: `$K request2 user debug:hello wibble >/dev/null; $K print %user:debug:hello; $K request2 user debug:x rejected; echo piped | $K prequest2 user debug:loop:p2 >/dev/null; $K print %user:debug:loop:p2`},
	{name: "search", script: `r=$($K newring r @s); k=$($K add user s v $r); $K search @s user s; $K search @s user nope; $K search $k user s; $K search @s user s -2000; d=$($K newring d @s); $K search @s user s $d; $K rlist $d`},
	// Reading.
	{name: "read", script: `k=$($K add user k abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 @s); $K read $k; $K print $k; $K pipe $k; echo; $K add user n "$(printf 'abc\t')" @s >/dev/null; $K print %user:n; $K read 0; $K print 0; $K pipe @bad; $K add logon l:x v @s >/dev/null; $K read %logon:l:x`},
	{name: "list", script: `r=$($K newring r @s); $K list $r; $K rlist $r; $K add user "desc with spaces" v $r >/dev/null; $K list $r; $K add logon foo:bar v $r >/dev/null; $K newring ring2 $r >/dev/null; $K list $r; k=$($K add user u stuffXYZ1 @s); $K list $k; $K rlist 0; $K list 0`},
	{name: "describe", script: `k=$($K add user "a;b;c" v @s); $K describe $k; $K describe @s; $K rdescribe $k; $K rdescribe $k @; $K rdescribe $k ""; $K rdescribe $k abc; $K describe 0; $K rdescribe 0; $K revoke $k; $K describe $k`},
	// Attributes.
	{name: "perm", script: `k=$($K add user k v @s); $K setperm $k 0x3f010000; $K describe $k; $K setperm $k 077; $K setperm $k 0xffffffff; $K setperm $k 12x; $K chown $k 0; $K chgrp $k -1; $K chown $k -1; $K chown $k x; $K chgrp $k 0y; $K chown 0 0; $K setperm $k 0x01030507; $K list @s`},
	{name: "timeout", script: `k=$($K add user k v @s); $K timeout $k 100; $K timeout $k ''; $K timeout $k 0x10; $K timeout $k -1; $K timeout 0 1; $K timeout $k 1; sleep 1.5; $K print $k; $K revoke $k; $K invalidate $k`},
	{name: "revoke", script: `k=$($K add user k v @s); $K revoke $k; $K print $k; $K revoke $k; $K revoke 0; $K invalidate 0; $K clear 0; $K clear $k; r=$($K newring r @s); $K add user x y $r >/dev/null; $K clear $r; $K rlist $r`},
	{name: "security", script: `k=$($K add user k v @s); $K security $k; $K security 0`},
	// Links.
	{name: "link", script: `r=$($K newring r @s); k=$($K add user k v @s); $K link $k $r; $K link $k $k; $K unlink $k $r; $K unlink $k $r; $K link $k $r; $K unlink $k; $K unlink $k; $K unlink @s`},
	{name: "move", script: `a=$($K newring a @s); b=$($K newring b @s); k=$($K add user k v $a); $K move $k $a $b; $K move $k $a $b; $K add user k w $a >/dev/null; $K move %user:k $b $a; $K move -f $k $b $a; $K move -f $k $a; $K move -x $k $a $b; $K move $a $a $b; $K move $k @s @s`},
	{name: "restrict", script: `r=$($K newring r @s); $K restrict_keyring $r nosuchtype; $K restrict_keyring $r asymmetric bogus; $K restrict_keyring $r asymmetric; $K restrict_keyring $r; $K restrict_keyring $r; $K add user x y $r`},
	{name: "restrict-empty", script: `r=$($K newring r @s); for a in 'user ""' 'nosuchtype ""' '.x ""' '"" ""' '"" x' '""'; do eval "$K restrict_keyring $r $a"; echo "rc=$?"; done; $K add user x y $r >/dev/null; echo "add=$?"`},
	{name: "persistent", script: `$K get_persistent @s x; $K get_persistent @s 0 x`},
	// Construction outside an upcall.
	{name: "construct", script: `k=$($K add user k v @s); $K instantiate $k data @s; $K instantiate -x $k zz @s; $K instantiate @bad zz @s; printf x | $K pinstantiate $k @s; $K negate $k 10 @s; $K negate $k 0x1 @s; $K reject $k 10 rejected @s; $K reject $k 10 bogus @s; $K reject $k x bogus @s; $K reject $k 1 12 @s`},
	// Tree walkers.
	{name: "show", script: `a=$($K newring A @s); a1=$($K newring A1 $a); $K add user a11 x $a1 >/dev/null; r=$($K add user rv y $a1); $K revoke $r; a2=$($K newring A2 $a); $K add user a21 x $a2 >/dev/null; b=$($K newring B @s); $K add user b1 x $b >/dev/null; $K show; $K show -x; $K show $a1; $K show %user:b1; $K show 0 2>&1; $K show -x -x; $K show @s @s`},
	{name: "show-deep", script: `r=@s; for i in 1 2 3 4 5 6 7; do r=$($K newring L$i $r); done; $K add user leaf v $r >/dev/null; $K show`},
	{name: "show-unreadable", script: `r=$($K newring r @s); $K add user k v $r >/dev/null; $K setperm $r 0x01010000; $K show 2>&1; echo rc=$?`},
	{name: "purge", script: `r=$($K newring r @s); for d in Foo:1 foo:2 foo bar "x;y"; do $K add user "$d" v $r >/dev/null; done; $K purge -p -i user foo; $K purge user bar; $K purge user "x;y"; $K purge -s user x; $K purge -pi user b; $K purge -x user; $K purge -s -p user a; $K purge -; $K purge user; $K add user z v $r >/dev/null; $K purge -s user z; $K purge user; $K rlist $r`},
	{name: "reap", script: `k=$($K add user a x @s); $K revoke $k; $K reap -v; $K reap -x; $K reap; r=$($K newring r @s); $K add user b y $r >/dev/null; $K timeout $r 1; sleep 1.2; $K reap -v`},
	// Sessions.
	{name: "session", script: `$K session - $K rdescribe @s; $K session fish $K rdescribe @s; $K session "" true; $K session - /nonexistent/prog; $K session - nonexistent-prog-xyz; echo 'echo script ran' > s.sh; chmod +x s.sh; $K session - ./s.sh; echo 'exit 7' | SHELL=/bin/sh $K session; echo "rc=$?"`},
	{name: "session-env", script: `echo 'echo hi' | SHELL= $K session; echo "rc=$?"; $K session - ""; echo "rc=$?"; PATH= $K session - true; echo "rc=$?"; printf 'echo ran\n' > ns; chmod +x ns; mkdir d; PATH=/nonexistent:$PWD/ns $K session - x; PATH=$PWD/ns:/nonexistent $K session - x; PATH=$PWD/d:/nonexistent $K session - d; PATH=:/nonexistent $K session - ns; $K session - ./d; $K session - "$(printf '%0300d' 0)"`},
	{name: "new_session", script: `$K new_session >/dev/null; echo $?; $K new_session name x`},
	// Capabilities and kernel features this machine lacks.
	{name: "supports", script: `$K supports; echo $?; $K supports --raw; echo $?; $K supports move_key; echo $?; $K supports dh_compute; echo $?; $K supports pkey; echo $?; $K supports a b`},
	{name: "dh", script: `k=$($K add user k v @s); $K dh_compute $k $k $k; $K dh_compute_kdf $k $k $k 32 sha256; $K dh_compute_kdf $k $k $k -1 sha256; $K dh_compute_kdf $k $k $k abc sha256; echo x | $K dh_compute_kdf_oi $k $k $k 8 sha256; echo zz | $K dh_compute_kdf_oi -x $k $k $k 8 sha256; $K dh_compute @bad 1 2`},
	{name: "pkey", script: `k=$($K add user k v @s); echo data > d; $K pkey_query $k 0; $K pkey_query $k 1; $K pkey_query $k 0 bad; $K pkey_query @bad 0 bad; $K pkey_query @bad 0 a=b; $K pkey_encrypt $k 0 d enc=pkcs1; $K pkey_encrypt $k 0 /nonexistent; $K pkey_decrypt $k 0 d; $K pkey_sign $k 0 d; $K pkey_verify $k 0 d d; $K pkey_verify $k 0 d /nonexistent; $K pkey_query %:.builtin_trusted_keys 0`},
	{name: "watch-getopt", script: `$K watch @s -f i; POSIXLY_CORRECT=1 $K watch @s -f i; POSIXLY_CORRECT= $K watch @s -fz; $K watch -f; $K watch -- -f; $K watch -ffi -q; $K watch_session -n; $K watch_session a -f i b 3 true`},
	{name: "watch-fd", script: `for a in 3 4 5 9223372036854775811 -9223372036854775809 " -3" +4x; do $K watch_sync "$a"; $K watch_add "$a" @s; echo "rc=$?"; done`},
	{name: "watch", script: `$K watch @s; $K watch -fq @s; $K watch -f @s; $K watch -q @s; $K watch; $K watch_add 3 @s; $K watch_rm 3 @s; $K watch_sync 99; $K watch_sync 0 </dev/null; $K watch_session a b 2 true; $K watch_session -fz a b 3 true; $K watch_session a b 3 true; $K watch_session a b; $K watch_session -x a b 3 true; ls a b 2>&1`},
	{name: "limits", script: `$K --test; $K --test limits x; $K --test foo; $K --test limits2 x; $K --test limits | md5sum`, serial: true},
}

// serialRE matches the numbers normalised as serials: show -x's hex form
// and decimal numbers of 6 to 10 digits, with the spaces that pad them
// (their width depends on the serial).
var serialRE = regexp.MustCompile(` *(0x[0-9a-f]{8}\b|\b[0-9]{6,10}\b)`)

// normalise replaces each distinct serial by a placeholder numbered in
// order of appearance (hex and decimal forms of one value alike).
func normalise(outs ...[]byte) []string {
	seen := map[uint64]int{}
	res := make([]string, len(outs))
	for i, b := range outs {
		res[i] = serialRE.ReplaceAllStringFunc(string(b), func(s string) string {
			s = strings.TrimLeft(s, " ")
			var v uint64
			var err error
			if len(s) > 2 && s[1] == 'x' {
				v, err = strconv.ParseUint(s[2:], 16, 32)
			} else {
				v, err = strconv.ParseUint(s, 10, 64)
			}
			if err != nil {
				return s
			}
			n, ok := seen[v]
			if !ok {
				n = len(seen) + 1
				seen[v] = n
			}
			return "<K" + strconv.Itoa(n) + ">"
		})
	}
	return res
}

type runResult struct {
	stdout, stderr string
	status         int
}

// runSession runs script under keyctl's "session -" with $K = keyctl.
func runSession(t *testing.T, keyctl, script string) runResult {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(keyctl, "session", "-", "/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"K=" + keyctl, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + dir}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	status := 0
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", keyctl, err)
	}
	n := normalise(stdout.Bytes(), stderr.Bytes())
	return runResult{n[0], n[1], status}
}

func TestDifferential(t *testing.T) {
	if _, err := os.Stat(cKeyctl); err != nil {
		t.Skipf("differential test needs the C keyctl at %s (Debian package keyutils): %v", cKeyctl, err)
	}
	needC(t)
	ours := buildKeyctl(t)
	for _, tc := range diffCases {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.serial {
				t.Parallel()
			}
			want := runSession(t, cKeyctl, tc.script)
			got := runSession(t, ours, tc.script)
			if got.status != want.status {
				t.Errorf("exit status: C %d, ours %d", want.status, got.status)
			}
			if got.stdout != want.stdout {
				t.Errorf("stdout differs (- C, + ours):\n%s", lineDiff(want.stdout, got.stdout))
			}
			if got.stderr != want.stderr {
				t.Errorf("stderr differs (- C, + ours):\n%s", lineDiff(want.stderr, got.stderr))
			}
			if t.Failed() {
				t.Logf("script: %s", tc.script)
			}
		})
	}
}

// lineDiff shows two texts line by line, marking the lines that differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x == y {
			out.WriteString("  " + x + "\n")
			continue
		}
		if i < len(al) {
			out.WriteString("- " + x + "\n")
		}
		if i < len(bl) {
			out.WriteString("+ " + y + "\n")
		}
	}
	return out.String()
}

// buildKeyctl builds our keyctl into a temporary directory. It is built
// without the race detector even under go test -race: the sequences run
// hundreds of keyctl processes, and the command has no goroutines of its
// own to check. If the go tool is missing, the test binary's own copy
// installed by testscript.Main is used.
func buildKeyctl(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "keyctl")
	if gotool, err := exec.LookPath("go"); err == nil {
		msg, err := exec.Command(gotool, "build", "-o", out, ".").CombinedOutput()
		if err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
		return out
	}
	ours, err := exec.LookPath("keyctl")
	if err != nil || filepath.Dir(ours) == "/usr/bin" {
		t.Skipf("cannot build keyctl and testscript's copy is not in $PATH: %v", err)
	}
	return ours
}

// TestDifferentialTerminal runs scripts with stdout and stderr on one
// terminal, where stdio line-buffers stdout: the lines show printed before
// failing must come before the diagnostic.
func TestDifferentialTerminal(t *testing.T) {
	if _, err := os.Stat(cKeyctl); err != nil {
		t.Skipf("differential test needs the C keyctl at %s: %v", cKeyctl, err)
	}
	needC(t)
	ours := buildKeyctl(t)
	const script = `$K show 0; $K show -x 0; $K newring r @s >/dev/null; $K add user k v %:r >/dev/null; $K setperm %:r 0x01010000; $K show; $K rlist %:r`
	run := func(keyctl string) string {
		master, slave, err := testutil.OpenPty(false)
		if err != nil {
			t.Skipf("no pseudo-terminal: %v", err)
		}
		defer master.Close()
		cmd := exec.Command(keyctl, "session", "-", "/bin/sh", "-c", script)
		cmd.Env = []string{"K=" + keyctl, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
		cmd.Stdout, cmd.Stderr = slave, slave
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		slave.Close()
		out, _ := io.ReadAll(master) // EIO once the last writer has gone
		cmd.Wait()
		return normalise(out)[0]
	}
	want, got := run(cKeyctl), run(ours)
	if got != want {
		t.Errorf("terminal output differs (- C, + ours):\n%s", lineDiff(want, got))
	}
}

// needC holds, for the test, the shared lock on /etc/request-key.d that
// keeps the real-install test of internal/dist (which installs ours as
// /bin/keyctl for a few seconds, under the exclusive lock) from replacing
// cKeyctl meanwhile, and skips the test if cKeyctl is a Go program: ours,
// left by a killed run of that test, which its next run restores.
func needC(t *testing.T) {
	t.Helper()
	if fi, err := os.Stat("/etc/request-key.d"); err == nil && fi.IsDir() {
		testutil.LockDirShared(t, "/etc/request-key.d", 0)
	}
	if f, err := elf.Open(cKeyctl); err == nil {
		isGo := f.Section(".go.buildinfo") != nil
		f.Close()
		if isGo {
			t.Skipf("%s is a Go program, not keyutils': a killed install test left ours (its next run restores it)", cKeyctl)
		}
	}
}
