//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// envBigRing asks the test binary, run as TestBigRingHelperProcess, to add
// keys to a keyring: "ring:n" adds user keys k1..kn (payload "v") to ring
// and writes the serials of the session keyring, ring and the keys, in
// decimal, to the file bigRingSerials.
const envBigRing = "KEYCTL_TEST_BIGRING"

// bigRingSerials is the file, in the script's directory, of the serials
// the outputs may show (see envBigRing).
const bigRingSerials = "serials"

// TestBigRingHelperProcess is not a test: TestDifferentialBigKeyring's
// scripts run the test binary with envBigRing set to build their keyrings
// in one process (a keyctl add per key would take seconds for 10,000
// keys). It runs in the script's session keyring (testutil.EnvSession
// stops TestMain from joining one of its own), which possesses the ring.
func TestBigRingHelperProcess(t *testing.T) {
	spec := os.Getenv(envBigRing)
	if spec == "" {
		t.Skip("helper process of TestDifferentialBigKeyring")
	}
	rs, ns, _ := strings.Cut(spec, ":")
	ring, err1 := strconv.ParseInt(rs, 10, 32)
	n, err2 := strconv.Atoi(ns)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("%s=%q: %v", envBigRing, spec, err)
	}
	s, err := keyutils.SessionKeyring.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	serials := []byte(fmt.Sprintf("%d %d", int32(s), ring))
	for i := 1; i <= n; i++ {
		k, err := keyutils.AddKey("user", "k"+strconv.Itoa(i), []byte("v"), keyutils.Serial(ring))
		if err != nil {
			t.Fatalf("adding key %d: %v", i, err)
		}
		serials = fmt.Appendf(serials, " %d", int32(k))
	}
	if err := os.WriteFile(bigRingSerials, serials, 0o644); err != nil {
		t.Fatal(err)
	}
}

// bigRingPrelude defines mk RING N for the scripts: fill RING with user
// keys k1..kN through the test binary $T, or exit 99.
// (GORACE: a race-enabled test binary otherwise sleeps a second on exit.)
const bigRingPrelude = `mk() { ` + envBigRing + `="$1:$2" ` + testutil.EnvSession + `=1 GORACE=atexit_sleep_ms=0 "$T" -test.run='^TestBigRingHelperProcess$' -test.count=1 >/dev/null 2>&1 || { echo "mk $2 failed" >&2; exit 99; }; }
`

// bigRingScript exercises every keyctl command that reads a keyring on a
// keyring of n links ($r, in @s): show (of the ring and of the session
// tree, decimal and hex), list, rlist, search, purge in all its forms
// (each walks the session tree), and finally empties the ring.
func bigRingScript(n int) string {
	return fmt.Sprintf(`r=$($K newring big @s); mk $r %[1]d
$K show $r; echo "rc=$?"
$K show; echo "rc=$?"
$K show -x $r; echo "rc=$?"
$K list $r; echo "rc=$?"
$K rlist $r; echo "rc=$?"
$K search @s user k%[1]d; $K search $r user k1; $K search $r user k%[1]d $r; $K search @s user nosuch; echo "rc=$?"
$K purge -s user k1; $K purge user k2; $K purge -p -i user K3; $K purge -s user nosuch; $K purge user nosuch; echo "rc=$?"
$K rlist $r | wc -w; $K list $r | head -1
$K purge user; echo "rc=$?"; $K list $r
$K purge keyring; echo "rc=$?"; $K show
`, n)
}

// TestDifferentialBigKeyring compares keyctl show, list, rlist, search
// and purge on keyrings of 256 to 260, 1,000 and 10,000 links with the C
// keyctl (keyring payloads of 1 KiB and up stop fitting keyctl's first
// buffers; a keyring of 257 links made show fail with EINVAL). Each run is
// a script in a "keyctl session -" of its own, whose keyrings die with it.
func TestDifferentialBigKeyring(t *testing.T) {
	if _, err := os.Stat(cKeyctl); err != nil {
		t.Skipf("differential test needs the C keyctl at %s (Debian package keyutils): %v", cKeyctl, err)
	}
	helper, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary to build keyrings with: %v", err)
	}
	ours := buildKeyctl(t)
	for _, n := range []int{256, 257, 258, 259, 260, 1000, 10000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			script := bigRingScript(n)
			start := time.Now()
			want := runBigRingSession(t, cKeyctl, helper, script)
			mid := time.Now()
			got := runBigRingSession(t, ours, helper, script)
			t.Logf("C %v, ours %v", mid.Sub(start).Round(time.Millisecond), time.Since(mid).Round(time.Millisecond))
			for who, r := range map[string]runResult{"C": want, "ours": got} {
				if r.status == 99 {
					t.Fatalf("%s: building the keyring failed: %s", who, r.stderr)
				}
			}
			// The C tool must have seen the whole ring, or the
			// comparison proves nothing.
			if header := fmt.Sprintf("%d keys in keyring:\n", n); !strings.Contains(want.stdout, header) {
				t.Fatalf("C keyctl's output lacks %q; stderr:\n%s", header, want.stderr)
			}
			if got.status != want.status {
				t.Errorf("exit status: C %d, ours %d", want.status, got.status)
			}
			if got.stdout != want.stdout {
				t.Errorf("stdout differs (- C, + ours):\n%s", firstLineDiffs(want.stdout, got.stdout, 20))
			}
			if got.stderr != want.stderr {
				t.Errorf("stderr differs (- C, + ours):\n%s", firstLineDiffs(want.stderr, got.stderr, 20))
			}
		})
	}
}

// runBigRingSession is runSession with mk defined and $T the test binary.
func runBigRingSession(t *testing.T, keyctl, helper, script string) runResult {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(keyctl, "session", "-", "/bin/sh", "-c", bigRingPrelude+script)
	cmd.Dir = dir
	cmd.Env = []string{"K=" + keyctl, "T=" + helper, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + dir}
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
	raw, err := os.ReadFile(filepath.Join(dir, bigRingSerials))
	if err != nil {
		t.Fatalf("%s: the helper did not record the serials: %v\nstderr:\n%s", keyctl, err, stderr.Bytes())
	}
	known := map[uint64]bool{}
	for _, f := range strings.Fields(string(raw)) {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			t.Fatalf("serials file: %v", err)
		}
		known[v] = true
	}
	n := normaliseKnown(known, stdout.Bytes(), stderr.Bytes())
	return runResult{n[0], n[1], status}
}

// normaliseKnown is normalise for the serials in known only: among
// thousands of random serials some are shorter than the 6 digits normalise
// takes for one, and counts in the outputs are as long as serials. Like
// normalise it replaces whole words of decimal digits and show -x's
// 0x%08x, with the spaces before them (which pad them), by placeholders
// numbered in order of appearance; it scans by hand, as a regular
// expression takes seconds on these outputs under the race detector.
func normaliseKnown(known map[uint64]bool, outs ...[]byte) []string {
	seen := map[uint64]int{}
	res := make([]string, len(outs))
	for i, b := range outs {
		out := make([]byte, 0, len(b))
		for j := 0; j < len(b); {
			if !isDigit(b[j]) || j > 0 && isWordByte(b[j-1]) {
				out = append(out, b[j])
				j++
				continue
			}
			var v uint64
			var err error
			k := j
			if j+10 <= len(b) && b[j] == '0' && b[j+1] == 'x' && isHex8(b[j+2:j+10]) && (j+10 == len(b) || !isWordByte(b[j+10])) {
				k = j + 10
				v, err = strconv.ParseUint(string(b[j+2:k]), 16, 32)
			} else {
				for k < len(b) && isDigit(b[k]) {
					k++
				}
				if k-j > 10 || k < len(b) && isWordByte(b[k]) {
					err = strconv.ErrSyntax
				} else {
					v, err = strconv.ParseUint(string(b[j:k]), 10, 64)
				}
			}
			if err != nil || !known[v] {
				out = append(out, b[j:k]...)
				j = k
				continue
			}
			n, ok := seen[v]
			if !ok {
				n = len(seen) + 1
				seen[v] = n
			}
			out = bytes.TrimRight(out, " ")
			out = append(out, "<K"+strconv.Itoa(n)+">"...)
			j = k
		}
		res[i] = string(out)
	}
	return res
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWordByte(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isHex8(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// firstLineDiffs lists the first limit lines that differ between a and b,
// with their line numbers (outputs here have thousands of lines).
func firstLineDiffs(a, b string, limit int) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	fmt.Fprintf(&out, "(%d lines, %d lines)\n", len(al), len(bl))
	for i, shown := 0, 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x == y {
			continue
		}
		if shown++; shown > limit {
			out.WriteString("...\n")
			break
		}
		fmt.Fprintf(&out, "%6d - %s\n%6d + %s\n", i+1, x, i+1, y)
	}
	return out.String()
}
