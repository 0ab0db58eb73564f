//go:build linux

package diagnose

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// find returns the findings of check.
func find(fs []Finding, check string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func one(t *testing.T, fs []Finding, check string) Finding {
	t.Helper()
	got := find(fs, check)
	if len(got) == 0 {
		t.Fatalf("no %s finding in %+v", check, fs)
	}
	return got[0]
}

// fixture is a fake /proc, /etc and request-key program.
type fixture struct{ proc, etc, helper, root string }

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := t.TempDir()
	f := fixture{proc: filepath.Join(d, "proc"), etc: filepath.Join(d, "etc"), helper: filepath.Join(d, "request-key"), root: filepath.Join(d, "root")}
	for _, dir := range []string{f.proc + "/self", f.proc + "/sys/kernel/keys", f.etc, f.root} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f.write(t, f.proc+"/self/status", "Name:\tx\nSeccomp:\t0\nSeccomp_filters:\t0\n", 0o644)
	for name, v := range map[string]string{"maxkeys": "200", "maxbytes": "20000", "root_maxkeys": "1000000", "root_maxbytes": "25000000", "persistent_keyring_expiry": "259200"} {
		f.write(t, f.proc+"/sys/kernel/keys/"+name, v+"\n", 0o644)
	}
	f.write(t, f.proc+"/key-users", "    0:     9 8/8 3/1000000 40/25000000\n", 0o644)
	f.write(t, f.etc+"/request-key.conf", "create user debug:* * /bin/keyctl instantiate %k %c %S\nnegate * * * /bin/keyctl negate %k 30 %S\n", 0o644)
	f.write(t, f.helper, "#!/bin/sh\n", 0o755)
	return f
}

func (f fixture) write(t *testing.T, path, data string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func (f fixture) options() *Options {
	return &Options{Proc: f.proc, Etc: f.etc, RequestKey: f.helper, Root: f.root,
		Env: func(string) (string, bool) { return "", false }}
}

// TestRunHere: in the test's own anonymous session, as root, with a sound
// fake configuration, nothing is wrong, and each check has its finding.
func TestRunHere(t *testing.T) {
	f := newFixture(t)
	fs := f.options().Run()
	for _, c := range []string{"kernel", "syscalls", "session", "user-keyrings", "quota", "persistent", "request-key", "request-key.conf"} {
		if g := one(t, fs, c); g.Severity >= Warning {
			t.Errorf("%s: %+v", c, g)
		}
	}
	if Wrong(fs) {
		t.Errorf("wrong: %+v", fs)
	}
	if s := one(t, fs, "session"); !strings.HasPrefix(s.Text, "anonymous session keyring") {
		t.Errorf("session: %+v", s)
	}
	if k := one(t, fs, "kernel"); !strings.Contains(k.Text, "persistent_keyrings") {
		t.Errorf("kernel: %+v", k)
	}
	if q := one(t, fs, "quota"); q.Text != "root: 3/1000000 keys, 40/25000000 bytes" {
		t.Errorf("quota: %+v", q)
	}
	if p := one(t, fs, "persistent"); !strings.Contains(p.Text, "72h0m0s") {
		t.Errorf("persistent: %+v", p)
	}
	if r := one(t, fs, "request-key.conf"); !strings.HasPrefix(r.Text, "2 lines from ") {
		t.Errorf("request-key.conf: %+v", r)
	}
}

func TestQuota(t *testing.T) {
	for _, c := range []struct {
		u    keyutils.KeyUser
		sev  Severity
		text string
	}{
		{keyutils.KeyUser{UID: 1000, QuotaKeys: 3, MaxKeys: 200, QuotaBytes: 10, MaxBytes: 20000}, OK, "uid 1000: 3/200 keys, 10/20000 bytes"},
		{keyutils.KeyUser{UID: 1000, QuotaKeys: 180, MaxKeys: 200, MaxBytes: 20000}, Warning, "90%"},
		{keyutils.KeyUser{UID: 1000, QuotaKeys: 200, MaxKeys: 200, MaxBytes: 20000}, Problem, "EDQUOT"},
		{keyutils.KeyUser{UID: 1000, QuotaKeys: 1, MaxKeys: 200, QuotaBytes: 20000, MaxBytes: 20000}, Problem, "EDQUOT"},
		{keyutils.KeyUser{UID: 0, QuotaKeys: 1, MaxKeys: 1000000, MaxBytes: 25000000}, OK, "root: 1/1000000"},
	} {
		f := quotaFinding(c.u)
		if f.Severity != c.sev || !strings.Contains(f.Text, c.text) || (c.sev >= Warning) != (f.Fix != "") {
			t.Errorf("%+v: %+v", c.u, f)
		}
	}
	// From the files: a user without a line gets the sysctl limits, and
	// root's line is reported too; a full quota is a problem.
	fx := newFixture(t)
	fx.write(t, fx.proc+"/key-users", "    0:     9 8/8 3/1000000 40/25000000\n 1000:     2 200/200 200/200 19000/20000\n", 0o644)
	fs := fx.options().quotaFindings(1000)
	if len(fs) != 2 || fs[0].Severity != Problem || !strings.HasPrefix(fs[1].Text, "root: 3/") {
		t.Errorf("uid 1000 at its limit: %+v", fs)
	}
	fs = fx.options().quotaFindings(2000)
	if len(fs) != 2 || fs[0].Text != "uid 2000: 0/200 keys, 0/20000 bytes" || fs[0].Severity != OK {
		t.Errorf("uid 2000 without keys: %+v", fs)
	}
}

func TestSessionKinds(t *testing.T) {
	d := func(s string) keyutils.Description { return keyutils.Description{Type: "keyring", Description: s} }
	for _, c := range []struct {
		info keyutils.SessionInfo
		sev  Severity
		text string
	}{
		{keyutils.SessionInfo{Serial: 5, Own: true, Description: d("_ses")}, OK, "anonymous session keyring 5"},
		{keyutils.SessionInfo{Serial: 6, Own: false, Description: d("_uid_ses.1000")}, Warning, "shared with every process of this user without a session"},
		{keyutils.SessionInfo{Serial: 6, Own: true, Description: d("_uid_ses.1000")}, Note, "joined the user-session keyring"},
		{keyutils.SessionInfo{Serial: 7, Own: true, Description: d("work")}, Note, `named session keyring "work"`},
	} {
		f := classifySession(c.info, 1000)
		if f.Severity != c.sev || !strings.Contains(f.Text, c.text) {
			t.Errorf("%+v: %+v", c.info, f)
		}
	}
	// Where it came from: the environment and container markers.
	fx := newFixture(t)
	o := fx.options()
	env := map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "STY": "1.pts", "SUDO_USER": "alice", "container": "podman"}
	o.Env = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	fs := o.sessionFindings(keyutils.SessionInfo{Serial: 5, Own: true, Description: d("_ses")}, nil, 0)
	var all string
	for _, f := range fs {
		all += f.Text + "\n"
	}
	for _, w := range []string{"inside tmux", "inside screen", "under sudo (from alice)", "in a container (container=podman)"} {
		if !strings.Contains(all, w) {
			t.Errorf("no %q in\n%s", w, all)
		}
	}
	o.Env = func(string) (string, bool) { return "", false }
	fx.write(t, fx.root+"/.dockerenv", "", 0o644)
	if fs := o.sessionFindings(keyutils.SessionInfo{Own: true, Description: d("_ses")}, nil, 0); len(fs) != 2 || !strings.Contains(fs[1].Text, "/.dockerenv") {
		t.Errorf("docker marker: %+v", fs)
	}
	// systemd's invocation_id key in the session keyring.
	os.Remove(fx.root + "/.dockerenv")
	ring := testutil.Keyring(t)
	k, err := keyutils.AddKey("user", "invocation_id", []byte("0123456789abcdef"), ring)
	if err != nil {
		t.Fatal(err)
	}
	fs = o.sessionFindings(keyutils.SessionInfo{Own: true, Description: d("_ses"), Members: []keyutils.Serial{k}}, nil, 0)
	if len(fs) != 2 || !strings.Contains(fs[1].Text, "systemd") {
		t.Errorf("systemd: %+v", fs)
	}
}

func TestSyscallFinding(t *testing.T) {
	reach := []probeResult{{"keyctl", unix.EOPNOTSUPP, unix.EOPNOTSUPP}, {"add_key", unix.EINVAL, unix.EINVAL}, {"request_key", unix.EINVAL, unix.EINVAL}}
	if f := syscallFinding("2", "1", reach, true); f.Severity != OK || !strings.Contains(f.Text, "seccomp: filter, 1 filter(s)") {
		t.Errorf("filtered but reaching: %+v", f)
	}
	blocked := append([]probeResult{}, reach...)
	blocked[1].errno = unix.EPERM
	if f := syscallFinding("2", "1", blocked, true); f.Severity != Problem || !strings.Contains(f.Text, "add_key (EPERM)") || !strings.Contains(f.Fix, "seccomp") {
		t.Errorf("blocked: %+v", f)
	}
	if f := syscallFinding("0", "0", blocked, false); !strings.Contains(f.Fix, "CONFIG_KEYS") {
		t.Errorf("no keys: %+v", f)
	}
	if f := kernelFinding(nil, unix.ENOSYS, false); f.Severity != Problem || !strings.Contains(f.Fix, "CONFIG_KEYS") {
		t.Errorf("kernel without keys: %+v", f)
	}
	if f := persistentFinding(false, ""); f.Severity != Note {
		t.Errorf("no persistent keyrings: %+v", f)
	}
}

func TestRequestKeyHelper(t *testing.T) {
	fx := newFixture(t)
	o := fx.options()
	if f := o.helperFinding(); f.Severity != OK || !strings.Contains(f.Text, "is an executable file") {
		t.Errorf("good helper: %+v", f)
	}
	os.Chmod(fx.helper, 0o644)
	if f := o.helperFinding(); f.Severity != Problem || !strings.Contains(f.Text, "not executable") {
		t.Errorf("not executable: %+v", f)
	}
	os.Chmod(fx.helper, 0o777)
	if f := o.helperFinding(); f.Severity != Warning || !strings.Contains(f.Fix, "chmod go-w") {
		t.Errorf("world-writable: %+v", f)
	}
	os.Remove(fx.helper)
	if f := o.helperFinding(); f.Severity != Problem || !strings.Contains(f.Text, "does not exist") || !strings.Contains(f.Fix, "ENOKEY") {
		t.Errorf("missing: %+v", f)
	}
	os.Mkdir(fx.helper, 0o755)
	if f := o.helperFinding(); f.Severity != Problem || !strings.Contains(f.Text, "not a regular file") {
		t.Errorf("directory: %+v", f)
	}

	// The kernel's path, from config.gz.
	o.RequestKey = ""
	config := func(s string) {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Write([]byte(s))
		z.Close()
		fx.write(t, fx.proc+"/config.gz", b.String(), 0o444)
	}
	if p, src, _ := o.helperPath(); p != defaultHelper || !strings.Contains(src, "not available") {
		t.Errorf("no config.gz: %s (%s)", p, src)
	}
	config("CONFIG_KEYS=y\n# CONFIG_STATIC_USERMODEHELPER is not set\n")
	if p, src, _ := o.helperPath(); p != defaultHelper || !strings.Contains(src, "is off") {
		t.Errorf("not static: %s (%s)", p, src)
	}
	config("CONFIG_STATIC_USERMODEHELPER=y\nCONFIG_STATIC_USERMODEHELPER_PATH=\"/sbin/usermode-helper\"\n")
	if p, _, off := o.helperPath(); p != "/sbin/usermode-helper" || off {
		t.Errorf("static: %s %v", p, off)
	}
	config("CONFIG_STATIC_USERMODEHELPER=y\nCONFIG_STATIC_USERMODEHELPER_PATH=\"\"\n")
	if f := o.helperFinding(); f.Severity != Problem || !strings.Contains(f.Text, "runs no usermode helpers") {
		t.Errorf("helpers disabled: %+v", f)
	}
}

func TestRequestKeyConf(t *testing.T) {
	fx := newFixture(t)
	if f := confFinding(fx.etc); f.Severity != OK {
		t.Errorf("good: %+v", f)
	}
	os.Mkdir(fx.etc+"/request-key.d", 0o755)
	fx.write(t, fx.etc+"/request-key.d/bad.conf", "create user\n", 0o644)
	if f := confFinding(fx.etc); f.Severity != Problem || !strings.Contains(f.Text, "bad.conf") {
		t.Errorf("syntax error: %+v", f)
	}
	os.Remove(fx.etc + "/request-key.d/bad.conf")
	if os.Geteuid() == 0 {
		fx.write(t, fx.etc+"/request-key.d/open.conf", "create user x * /bin/true\n", 0o666)
		if f := confFinding(fx.etc); f.Severity != Warning || !strings.Contains(f.Text, "open.conf") {
			t.Errorf("untrusted file: %+v", f)
		}
		os.Remove(fx.etc + "/request-key.d/open.conf")
	}
	os.Remove(fx.etc + "/request-key.conf")
	if f := confFinding(fx.etc); f.Severity != Problem || !strings.Contains(f.Text, "no configuration lines") {
		t.Errorf("empty: %+v", f)
	}
}

// helperEnv selects what TestDoctorHelper does in a child process.
const helperEnv = "KEYUTILS_DOCTOR_HELPER"

// TestDoctorHelper runs Run in a child process (seccomp: under a filter
// that refuses add_key; nonroot: as another uid in a session of its own)
// and prints the findings as JSON.
func TestDoctorHelper(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process")
	}
	fx := newFixture(t)
	o := fx.options()
	o.Proc = "/proc"
	if mode == "seccomp" {
		denyAddKey(t)
	}
	fs := o.Run()
	if mode == "nonroot" {
		// Resolving @u created the user's keyrings, which the kernel
		// keeps after the user's processes exit: invalidate them by
		// serial (resolving either special ID again would recreate the
		// other).
		u, err1 := keyutils.UserKeyring.Resolve()
		us, err2 := keyutils.UserSessionKeyring.Resolve()
		if err1 == nil && err2 == nil {
			keyutils.Invalidate(us)
			keyutils.Invalidate(u)
		}
	}
	b, _ := json.Marshal(fs)
	os.Stdout.Write(append(append([]byte("FINDINGS "), b...), '\n'))
}

// denyAddKey installs, on every thread, a seccomp filter that fails
// add_key with EPERM, as container runtimes' profiles do.
func denyAddKey(t *testing.T) {
	prog := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0}, // seccomp_data.nr
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 0, Jf: 1, K: uint32(unix.SYS_ADD_KEY)},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		t.Fatal(e)
	}
}

// runHelper runs TestDoctorHelper in mode and returns its findings.
func runHelper(t *testing.T, mode string, cmd *exec.Cmd) []Finding {
	t.Helper()
	cmd.Args = append(cmd.Args, "-test.run=^TestDoctorHelper$")
	cmd.Env = append(cmd.Env, helperEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	_, js, ok := bytes.Cut(out, []byte("FINDINGS "))
	if err != nil || !ok {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	js, _, _ = bytes.Cut(js, []byte("\n"))
	var fs []Finding
	if err := json.Unmarshal(js, &fs); err != nil {
		t.Fatalf("helper output %q: %v", js, err)
	}
	return fs
}

func TestSeccompBlocked(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	fs := runHelper(t, "seccomp", &exec.Cmd{Path: self, Args: []string{self}, Env: os.Environ()})
	f := one(t, fs, "syscalls")
	if f.Severity != Problem || !strings.Contains(f.Text, "add_key (EPERM)") || strings.Contains(f.Text, "keyctl (") ||
		!strings.Contains(f.Text, "seccomp: filter") || !strings.Contains(f.Fix, "docker run --security-opt seccomp") || !Wrong(fs) {
		t.Errorf("syscalls under a filter: %+v", f)
	}
}

func TestNonRoot(t *testing.T) {
	id := testutil.UnusedID(t, 0)
	t.Cleanup(func() { testutil.WaitNoKeys(t, id) })
	exe := testutil.ExecutableForAll(t)
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, testutil.EnvSession+"=") {
			env = append(env, e)
		}
	}
	cmd := &exec.Cmd{Path: exe, Args: []string{exe}, Env: env, Dir: "/",
		SysProcAttr: &syscall.SysProcAttr{Credential: testutil.Credential(id)}}
	fs := runHelper(t, "nonroot", cmd)
	q := find(fs, "quota")
	uid := strconv.Itoa(int(id))
	if len(q) != 2 || !strings.HasPrefix(q[0].Text, "uid "+uid+": ") || !strings.Contains(q[0].Text, "/200 keys") || !strings.HasPrefix(q[1].Text, "root: ") {
		t.Errorf("quota as uid %s: %+v", uid, q)
	}
	if s := one(t, fs, "session"); s.Severity != OK || !strings.HasPrefix(s.Text, "anonymous session keyring") {
		t.Errorf("session: %+v", s)
	}
	if u := one(t, fs, "user-keyrings"); u.Severity != OK || !strings.Contains(u.Text, "_uid."+uid) {
		t.Errorf("user keyrings: %+v", u)
	}
	for _, c := range []string{"kernel", "syscalls", "persistent"} {
		if f := one(t, fs, c); f.Severity >= Warning {
			t.Errorf("%s: %+v", c, f)
		}
	}
}
