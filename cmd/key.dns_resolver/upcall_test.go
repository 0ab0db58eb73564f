//go:build linux

package main

import (
	"bufio"
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
	"github.com/keyutils-go/keyutils/internal/dnstest"
	"github.com/keyutils-go/keyutils/internal/testutil"
	"golang.org/x/sys/unix"
)

// EnvUpcall opts in to TestUpcall, which replaces the machine's
// /sbin/request-key, /sbin/key.dns_resolver and /etc/resolv.conf for its
// duration (restored afterwards, even if the test is killed).
const EnvUpcall = "KEYUTILS_TEST_UPCALL"

// confGlob matches, in confDir, the configuration files TestUpcall
// creates; the pid fills the *.
const confGlob = "00-keyutils-go-dnstest-*.conf"

// realPath resolves path (/sbin may be a link to /usr/sbin), skipping the
// test if it does not exist.
func realPath(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Skipf("no %s to replace: %v", path, err)
	}
	return p
}

// isMountPoint reports whether path is a mount point (a file bound over,
// as in containers): it cannot be replaced by rename.
func isMountPoint(t *testing.T, path string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 && fields[4] == path {
			return true
		}
	}
	return false
}

// TestUpcall runs the kernel's path end to end: request_key(2) of
// dns_resolver keys, through our keyctl (request2), the kernel's upcall,
// our request-key installed as /sbin/request-key, and our key.dns_resolver
// installed as /sbin/key.dns_resolver (the program the configuration line
// names), asking the test's DNS server, named in a replaced
// /etc/resolv.conf. Each key must hold the expected payload and expire
// after the expected time. A supervising process (testutil.Supervise)
// makes the changes and undoes them, also if the test is killed; runs are
// serialised by flock on /etc/request-key.d.
func TestUpcall(t *testing.T) {
	if os.Getenv(EnvUpcall) != "1" {
		t.Skip("set " + EnvUpcall + "=1 (as root) to install our request-key and key.dns_resolver and a resolv.conf for this test")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: installs /sbin/request-key, /sbin/key.dns_resolver and /etc/resolv.conf")
	}
	if b, err := os.ReadFile("/proc/keys"); err != nil || !strings.Contains(string(b), " .dns_resolver: ") {
		t.Skip("no .dns_resolver keyring in /proc/keys: the kernel lacks CONFIG_DNS_RESOLVER, or its module is not loaded")
	}
	rk, kdr, rc := realPath(t, "/sbin/request-key"), realPath(t, cResolver), realPath(t, "/etc/resolv.conf")
	if isMountPoint(t, rc) {
		t.Skipf("%s is a mount point: it cannot be replaced", rc)
	}
	dir := t.TempDir()
	ours := buildOurs(t)
	requestKey := buildPkg(t, dir, "../request-key", "request-key")
	keyctl := buildPkg(t, dir, "../keyctl", "keyctl")

	// Names unique to this run: the kernel caches dns_resolver keys.
	dom := fmt.Sprintf("kgo%d-%d.test", os.Getpid(), time.Now().UnixNano()%1e6)
	zone := strings.ReplaceAll(`
h1.DOM       45 A 198.51.100.1
h2.DOM       50 A 198.51.100.2
h2.DOM       40 A 198.51.100.3
h3.DOM       50 A 198.51.100.2
h3.DOM       40 A 198.51.100.3
alias.DOM    20 CNAME h1.DOM
_afs3-vlserver._udp.cell.DOM 35 SRV 10 0 7003 h2.DOM
cell2.DOM    30 AFSDB 1 h1.DOM
`, "DOM", dom)
	srv := dnstest.StartPort53(t, zone)
	resolv := writeFile(t, dir, "resolv.conf", "nameserver "+srv.Addr.Addr().String()+"\noptions timeout:1 attempts:2\n")

	s := testutil.Supervise(t, testutil.Config{
		LockDir:   confDir,
		Files:     []string{rk, kdr, rc},
		Leftovers: []string{filepath.Join(confDir, confGlob)},
	})
	before := map[string]string{rk: fingerprint(t, rk), kdr: fingerprint(t, kdr), rc: fingerprint(t, rc)}
	confPath := filepath.Join(confDir, strings.Replace(confGlob, "*", strconv.Itoa(os.Getpid()), 1))
	t.Cleanup(func() {
		if err := s.Restore(); err != nil {
			t.Error(err)
		}
		for p, fp := range before {
			if now := fingerprint(t, p); now != fp {
				t.Errorf("%s not restored: %s, was %s", p, now, fp)
			}
		}
		if _, err := os.Lstat(confPath); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s not removed", confPath)
		}
	})
	s.Replace(rk, requestKey)
	s.Replace(kdr, ours)
	s.Replace(rc, resolv)
	// The stock line, for our names only (the stock request-key.conf
	// may lack it).
	s.Create(confPath, []byte("create dns_resolver *."+dom+" * /sbin/key.dns_resolver %k\n"), 0o644)

	ring := testutil.Keyring(t)
	for _, tc := range []struct {
		desc, callout string
		payload       string        // "" for a rejected key
		expiry        time.Duration // its timeout
	}{
		{"h1." + dom, "", "198.51.100.1", 45 * time.Second},
		{"h2." + dom, "list", "198.51.100.2,198.51.100.3", 40 * time.Second},
		{"h3." + dom, "ipv4", "198.51.100.2", 50 * time.Second},
		{"alias." + dom, "", "198.51.100.1", 20 * time.Second},
		{"afsdb:cell." + dom, "srv=1", "198.51.100.2+7003,198.51.100.3+7003", 35 * time.Second},
		{"afsdb:cell2." + dom, "", "198.51.100.1", 30 * time.Second},
		{"nx." + dom, "", "", 60 * time.Second},
	} {
		t.Run(tc.desc+"/"+tc.callout, func(t *testing.T) {
			start := time.Now()
			cmd := exec.Command(keyctl, "request2", "dns_resolver", tc.desc, tc.callout, strconv.Itoa(int(ring)))
			out, err := cmd.CombinedOutput()
			if tc.payload == "" {
				if err == nil || !strings.Contains(string(out), "No data available") {
					t.Fatalf("keyctl request2: %v %q, want the ENODATA rejection", err, out)
				}
			} else {
				if err != nil {
					t.Fatalf("keyctl request2: %v %q", err, out)
				}
				id, err := strconv.Atoi(strings.TrimSpace(string(out)))
				if err != nil {
					t.Fatalf("keyctl request2 printed %q", out)
				}
				got, err := keyutils.Read(keyutils.Serial(id))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.payload {
					t.Errorf("payload %q, want %q", got, tc.payload)
				}
			}
			left, ok := keyExpiry(t, tc.desc)
			elapsed := time.Since(start)
			if !ok {
				t.Fatalf("no dns_resolver key %q in /proc/keys", tc.desc)
			}
			// The kernel shows whole units, rounded down, of the time
			// left: between the timeout less the time spent (and a
			// second of rounding) and the timeout.
			if left > tc.expiry || left < tc.expiry-elapsed-time.Second-unit(tc.expiry) {
				t.Errorf("expires in %v, want %v (%v spent)", left, tc.expiry, elapsed)
			}
		})
	}
}

// unit is the rounding of /proc/keys for a timeout of about d.
func unit(d time.Duration) time.Duration {
	if d >= time.Minute {
		return time.Minute
	}
	return 0
}

// keyExpiry finds the dns_resolver key desc in /proc/keys and returns the
// time it has left, as shown there.
func keyExpiry(t *testing.T, desc string) (time.Duration, bool) {
	t.Helper()
	b, err := os.ReadFile("/proc/keys")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l) // the type column is cut to 9 characters
		if len(f) < 9 || f[7] != "dns_resol" || strings.TrimSuffix(f[8], ":") != desc {
			continue
		}
		e := f[3]
		if len(e) < 2 {
			return 0, false
		}
		n, err := strconv.Atoi(e[:len(e)-1])
		if err != nil {
			return 0, false
		}
		u := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[e[len(e)-1]]
		return time.Duration(n) * u, u != 0
	}
	return 0, false
}

func buildPkg(t *testing.T, dir, pkg, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// fingerprint describes a file: content size and hash, mode, owner, inode.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d bytes %x mode %o uid %d ino %d", len(b), hash(b), st.Mode, st.Uid, st.Ino)
}

func hash(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}
