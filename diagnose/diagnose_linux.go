package diagnose

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/gunzip"
	"github.com/keyutils-go/keyutils/requestkey"
)

// defaultHelper is the program the kernel runs for request_key upcalls
// (security/keys/request_key.c), unless CONFIG_STATIC_USERMODEHELPER
// redirects every usermode helper to CONFIG_STATIC_USERMODEHELPER_PATH.
const defaultHelper = "/sbin/request-key"

// Run examines the key environment of the calling thread (its session
// keyring is the thread's: call Run on a locked thread when that
// matters) and returns the findings, in the order of the Check names in
// Finding.
func (o *Options) Run() []Finding {
	var fs []Finding
	caps, capErr := keyutils.Capabilities()
	_, keysErr := os.Stat(o.proc("sys/kernel/keys"))
	keysPresent := keysErr == nil
	fs = append(fs, kernelFinding(caps, capErr, keysPresent))
	mode, filters := seccompStatus(o.proc("self/status"))
	fs = append(fs, syscallFinding(mode, filters, probe(), keysPresent))
	if keysPresent || capErr == nil {
		info, err := keyutils.CurrentSession()
		fs = append(fs, o.sessionFindings(info, err, unix.Geteuid())...)
		fs = append(fs, userKeyringsFinding())
		fs = append(fs, o.quotaFindings(unix.Geteuid())...)
		fs = append(fs, persistentFinding(capErr == nil && caps.Has(keyutils.CapPersistentKeyrings), o.sysctl("persistent_keyring_expiry")))
	}
	fs = append(fs, o.helperFinding())
	fs = append(fs, confFinding(o.etc()))
	return fs
}

// Run is (&Options{}).Run(): the findings about the running system.
func Run() []Finding { return (&Options{}).Run() }

func (o *Options) sysctl(name string) string {
	b, err := os.ReadFile(o.proc("sys/kernel/keys/" + name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// kernelFinding reports the key service and its optional features.
func kernelFinding(caps keyutils.Caps, err error, keysPresent bool) Finding {
	f := Finding{Check: "kernel"}
	if err != nil {
		f.Severity = Problem
		if !keysPresent {
			f.Text = "no key retention service: /proc/sys/kernel/keys is missing and keyctl fails (" + err.Error() + ")"
			f.Fix = "use a kernel built with CONFIG_KEYS"
		} else {
			f.Text = "the kernel has the key retention service, but keyctl(KEYCTL_CAPABILITIES) fails: " + err.Error()
			f.Fix = "see the syscalls finding"
		}
		return f
	}
	var have, lack []string
	for _, c := range keyutils.AllCapabilities() {
		if c == keyutils.CapCapabilities {
			continue
		}
		if caps.Has(c) {
			have = append(have, c.String())
		} else {
			lack = append(lack, c.String())
		}
	}
	f.Text = "key retention service present; features: " + strings.Join(have, ", ")
	if len(lack) > 0 {
		f.Text += "; absent: " + strings.Join(lack, ", ")
	}
	if len(caps) < 2 {
		f.Text += " (probed: the kernel predates KEYCTL_CAPABILITIES, big_key cannot be told)"
	}
	return f
}

// seccompStatus returns the Seccomp and Seccomp_filters fields of a
// /proc/<pid>/status file ("" when absent).
func seccompStatus(path string) (mode, filters string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, val, _ := strings.Cut(sc.Text(), ":")
		switch name {
		case "Seccomp":
			mode = strings.TrimSpace(val)
		case "Seccomp_filters":
			filters = strings.TrimSpace(val)
		}
	}
	return mode, filters
}

// probeResult is the errno of one probe: a system call with arguments the
// kernel refuses, so that only the refusal's kind tells anything.
type probeResult struct {
	name  string
	errno unix.Errno
	want  unix.Errno // what the kernel answers
}

// probe calls keyctl, add_key and request_key with arguments the kernel
// rejects (an unknown keyctl operation; an empty key type), so that
// nothing changes and the answer shows whether the call reached it.
func probe() []probeResult {
	empty := []byte{0}
	p := unsafe.Pointer(&empty[0])
	_, _, e1 := unix.Syscall6(unix.SYS_KEYCTL, 0x7fff, 0, 0, 0, 0, 0)
	_, _, e2 := unix.Syscall6(unix.SYS_ADD_KEY, uintptr(p), uintptr(p), 0, 0, 0, 0)
	_, _, e3 := unix.Syscall6(unix.SYS_REQUEST_KEY, uintptr(p), uintptr(p), 0, 0, 0, 0)
	return []probeResult{
		{"keyctl", e1, unix.EOPNOTSUPP},
		{"add_key", e2, unix.EINVAL},
		{"request_key", e3, unix.EINVAL},
	}
}

// syscallFinding reports whether the key system calls reach the kernel.
func syscallFinding(mode, filters string, probes []probeResult, keysPresent bool) Finding {
	f := Finding{Check: "syscalls"}
	seccomp := map[string]string{"": "unknown", "0": "disabled", "1": "strict", "2": "filter"}[mode]
	if seccomp == "" {
		seccomp = mode
	}
	if mode == "2" && filters != "" {
		seccomp += ", " + filters + " filter(s)"
	}
	var blocked []string
	for _, p := range probes {
		if p.errno != p.want {
			blocked = append(blocked, fmt.Sprintf("%s (%s)", p.name, unix.ErrnoName(p.errno)))
		}
	}
	if len(blocked) == 0 {
		f.Text = "keyctl, add_key and request_key reach the kernel (seccomp: " + seccomp + ")"
		return f
	}
	f.Severity = Problem
	f.Text = "blocked: " + strings.Join(blocked, ", ") + " (seccomp: " + seccomp + ")"
	switch {
	case !keysPresent:
		f.Fix = "the kernel lacks CONFIG_KEYS"
	case mode == "2":
		f.Fix = "a seccomp filter refuses them, as container runtimes' default profiles do (Docker, Podman: moby#18780); run with a profile that allows keyctl, add_key and request_key, e.g. docker run --security-opt seccomp=<profile.json>"
	default:
		f.Fix = "something between the program and the kernel refuses them (an LSM policy, a sandbox); check its policy"
	}
	return f
}

// sessionFindings reports the session keyring and where it may come from.
func (o *Options) sessionFindings(info keyutils.SessionInfo, err error, uid int) []Finding {
	if err != nil {
		return []Finding{{Check: "session", Severity: Problem, Text: "no session keyring: " + err.Error(),
			Fix: "start one: keyctl session - <program>, or log in through pam_keyinit"}}
	}
	fs := []Finding{classifySession(info, uid)}
	var d keyutils.Describer
	for _, m := range info.Members {
		desc, err := d.Describe(m)
		if err == nil && desc.Type == "user" && desc.Description == "invocation_id" {
			fs = append(fs, Finding{Check: "session", Severity: Note,
				Text: "set up by systemd for a service or a user unit (it holds systemd's invocation_id key): keys added to @s last as long as this invocation of the unit",
				Fix:  "for keys that outlive the unit, use @u or a persistent keyring (KeyringMode= in systemd.exec(5) chooses what the unit gets)"})
			break
		}
	}
	env := o.Env
	if env == nil {
		env = os.LookupEnv
	}
	if _, ok := env("TMUX"); ok {
		fs = append(fs, Finding{Check: "session", Severity: Note,
			Text: "inside tmux: the session keyring is the tmux server's, inherited from the shell that started the server, not from this login (fscrypt#146)",
			Fix:  "restart the tmux server from the session whose keys you need, or run keyctl link <key> @s in it"})
	}
	if _, ok := env("STY"); ok {
		fs = append(fs, Finding{Check: "session", Severity: Note,
			Text: "inside screen: the session keyring is the screen server's, inherited from the shell that started it",
			Fix:  "restart screen from the session whose keys you need"})
	}
	if u, ok := env("SUDO_USER"); ok {
		fs = append(fs, Finding{Check: "session", Severity: Note,
			Text: "under sudo (from " + u + "): the session keyring is the one sudo gave the command (the invoking user's, or a new one if PAM's pam_keyinit runs), and keys of the invoking user are not possessed here",
			Fix:  "run keyctl commands for a user's keys as that user, or with sudo -i for a login session of the target user"})
	}
	if c := o.container(env); c != "" {
		fs = append(fs, Finding{Check: "session", Severity: Note,
			Text: "in a container (" + c + "): the key retention service is the host's; keyrings are shared across containers of the same uid unless the runtime gives each its own session keyring",
			Fix:  ""})
	}
	return fs
}

// classifySession tells own, named, anonymous and user-session fallback
// session keyrings apart.
func classifySession(info keyutils.SessionInfo, uid int) Finding {
	f := Finding{Check: "session"}
	desc := info.Description.Description
	userSes := "_uid_ses." + strconv.Itoa(uid)
	switch {
	case !info.Own:
		f.Severity = Warning
		f.Text = fmt.Sprintf("no session keyring of its own: @s is the user-session keyring %s (%d), so keys added to @s here are shared with every process of this user without a session", desc, int32(info.Serial))
		f.Fix = "start a session keyring: keyctl session - <program>, or log in through pam_keyinit (pam_keyinit.so force revoke in the PAM stack)"
	case desc == "_ses":
		f.Text = fmt.Sprintf("anonymous session keyring %d of its own (%d keys)", int32(info.Serial), len(info.Members))
	case desc == userSes:
		f.Severity = Note
		f.Text = fmt.Sprintf("joined the user-session keyring %s (%d) by name: it is shared with every process of this user without a session", desc, int32(info.Serial))
	default:
		f.Severity = Note
		f.Text = fmt.Sprintf("named session keyring %q (%d): every process that joins that name (keyctl session %s) shares it", desc, int32(info.Serial), desc)
	}
	return f
}

// container names the evidence that the process runs in a container.
func (o *Options) container(env func(string) (string, bool)) string {
	if v, ok := env("container"); ok && v != "" {
		return "container=" + v
	}
	for _, p := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(o.Root + p); err == nil {
			return p
		}
	}
	return ""
}

// userKeyringsFinding reports the user and user-session keyrings.
func userKeyringsFinding() Finding {
	f := Finding{Check: "user-keyrings"}
	var parts []string
	for _, sp := range []keyutils.Special{keyutils.UserKeyring, keyutils.UserSessionKeyring} {
		s, err := keyutils.GetKeyringID(sp, false)
		if err != nil {
			f.Severity = Problem
			f.Text = sp.String() + ": " + err.Error()
			return f
		}
		n := "?"
		if ids, err := keyutils.ReadKeyring(s); err == nil {
			n = strconv.Itoa(len(ids))
		}
		d, _ := keyutils.Describe(s)
		parts = append(parts, fmt.Sprintf("%s %s (%d, %s keys)", sp, d.Description, int32(s), n))
	}
	f.Text = strings.Join(parts, "; ")
	return f
}

// quotaFindings reports the key quotas of uid and of root.
func (o *Options) quotaFindings(uid int) []Finding {
	users := map[int]keyutils.KeyUser{}
	if b, err := os.ReadFile(o.proc("key-users")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if u, err := keyutils.ParseKeyUser(line); err == nil {
				users[u.UID] = u
			}
		}
	}
	var fs []Finding
	for _, id := range []int{uid, 0} {
		u, ok := users[id]
		if !ok {
			// No line: the user owns no keys; the limits are the sysctls.
			prefix := ""
			if id == 0 {
				prefix = "root_"
			}
			u = keyutils.KeyUser{UID: id, MaxKeys: atoi(o.sysctl(prefix + "maxkeys")), MaxBytes: atoi(o.sysctl(prefix + "maxbytes"))}
		}
		fs = append(fs, quotaFinding(u))
		if uid == 0 {
			break
		}
	}
	return fs
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// quotaFinding grades one user's quota usage.
func quotaFinding(u keyutils.KeyUser) Finding {
	f := Finding{Check: "quota"}
	who := "uid " + strconv.Itoa(u.UID)
	sysctl := "kernel.keys.maxkeys and kernel.keys.maxbytes"
	if u.UID == 0 {
		who = "root"
		sysctl = "kernel.keys.root_maxkeys and kernel.keys.root_maxbytes"
	}
	f.Text = fmt.Sprintf("%s: %d/%d keys, %d/%d bytes", who, u.QuotaKeys, u.MaxKeys, u.QuotaBytes, u.MaxBytes)
	full := func(n, max int) bool { return max > 0 && n >= max }
	near := func(n, max int) bool { return max > 0 && n*10 >= max*9 }
	fix := "remove keys (keyctl purge, keyctl reap, keyctl clear; revoked and expired keys count until the garbage collector runs, gc_delay seconds later) or raise the limits: sysctl " + sysctl
	switch {
	case full(u.QuotaKeys, u.MaxKeys) || full(u.QuotaBytes, u.MaxBytes):
		f.Severity = Problem
		f.Text += ": the quota is exhausted, adding keys fails with EDQUOT (Disk quota exceeded; runc#726, moby#22865)"
		f.Fix = fix
	case near(u.QuotaKeys, u.MaxKeys) || near(u.QuotaBytes, u.MaxBytes):
		f.Severity = Warning
		f.Text += ": 90% or more of the quota is used"
		f.Fix = fix
	}
	return f
}

// persistentFinding reports persistent keyring support and expiry.
func persistentFinding(has bool, expiry string) Finding {
	f := Finding{Check: "persistent"}
	if !has {
		f.Severity = Note
		f.Text = "the kernel has no persistent keyrings (CONFIG_PERSISTENT_KEYRINGS): keyctl get_persistent and stores anchored there fail"
		f.Fix = "use @u, or a kernel with CONFIG_PERSISTENT_KEYRINGS"
		return f
	}
	f.Text = "persistent keyrings available (keyctl get_persistent @s links yours)"
	if n, err := strconv.Atoi(expiry); err == nil {
		f.Text += fmt.Sprintf("; one not accessed for %s (kernel.keys.persistent_keyring_expiry) is destroyed", time.Duration(n)*time.Second)
	}
	return f
}

// helperPath returns the program the kernel runs for request_key upcalls
// and how it was determined.
func (o *Options) helperPath() (path, source string, disabled bool) {
	if o.RequestKey != "" {
		return o.RequestKey, "given", false
	}
	notAvailable := "the kernel's built-in path; " + o.proc("config.gz") + " is not available to check CONFIG_STATIC_USERMODEHELPER"
	f, err := os.Open(o.proc("config.gz"))
	if err != nil {
		return defaultHelper, notAvailable, false
	}
	defer f.Close()
	// internal/gunzip rather than compress/gzip: compress/flate and
	// hash/crc32 would slow the start-up of every command that links this
	// package.
	gz, err := io.ReadAll(io.LimitReader(f, 16<<20+1))
	if err != nil {
		return defaultHelper, "the kernel's built-in path", false
	}
	if len(gz) > 16<<20 {
		return defaultHelper, notAvailable, false
	}
	config, err := gunzip.Decompress(gz, 64<<20)
	if err != nil {
		return defaultHelper, "the kernel's built-in path", false
	}
	static, staticPath := false, ""
	sc := bufio.NewScanner(bytes.NewReader(config))
	for sc.Scan() {
		line := sc.Text()
		if line == "CONFIG_STATIC_USERMODEHELPER=y" {
			static = true
		}
		if v, ok := strings.CutPrefix(line, "CONFIG_STATIC_USERMODEHELPER_PATH="); ok {
			staticPath, _ = strconv.Unquote(v)
		}
	}
	if static {
		return staticPath, "CONFIG_STATIC_USERMODEHELPER_PATH: every usermode helper runs through it, with " + defaultHelper + " as its first argument", staticPath == ""
	}
	return defaultHelper, "the kernel's built-in path; CONFIG_STATIC_USERMODEHELPER is off", false
}

// helperFinding reports the request-key program.
func (o *Options) helperFinding() Finding {
	f := Finding{Check: "request-key"}
	path, source, disabled := o.helperPath()
	if disabled {
		f.Severity = Problem
		f.Text = "the kernel runs no usermode helpers (CONFIG_STATIC_USERMODEHELPER with an empty path): request_key(2) cannot construct keys"
		f.Fix = "keys must exist before they are requested; a kernel with a helper path is needed for upcalls"
		return f
	}
	fix := "install request-key at " + path + " (keyutils' or this project's cmd/request-key); without it request_key(2) fails with ENOKEY (Required key not available) for every key not already present (ssh-tpm-agent#94)"
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f.Severity, f.Text, f.Fix = Problem, path+" ("+source+") does not exist", fix
	case err != nil:
		f.Severity, f.Text, f.Fix = Problem, path+": "+err.Error(), fix
	case !fi.Mode().IsRegular():
		f.Severity, f.Text, f.Fix = Problem, path+" ("+source+") is not a regular file", fix
	case fi.Mode().Perm()&0o111 == 0:
		f.Severity, f.Text, f.Fix = Problem, path+" ("+source+") is not executable", "chmod 755 "+path
	default:
		f.Text = path + " (" + source + ") is an executable file"
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && (st.Uid != 0 || fi.Mode().Perm()&0o022 != 0) {
			f.Severity = Warning
			f.Text += ", but one that a user other than root may change, and the kernel runs it as root"
			f.Fix = "chown root:root " + path + "; chmod go-w " + path
		}
	}
	return f
}

// confFinding reports the request-key configuration in dir.
func confFinding(dir string) Finding {
	f := Finding{Check: "request-key.conf"}
	files, _ := filepath.Glob(filepath.Join(dir, "request-key.d", "*.conf"))
	if _, err := os.Stat(filepath.Join(dir, "request-key.conf")); err == nil {
		files = append(files, filepath.Join(dir, "request-key.conf"))
	}
	cfg, err := requestkey.Load(dir)
	if err == nil {
		err = cfg.Check()
	}
	switch {
	case err != nil:
		f.Severity = Problem
		f.Text = "the configuration does not parse: " + strings.ReplaceAll(err.Error(), "\n", "; ")
		f.Fix = "fix the lines named (see request-key.conf(5))"
	case len(cfg.Skipped) > 0:
		f.Severity = Warning
		var why []string
		for _, s := range cfg.Skipped {
			why = append(why, s.Error())
		}
		f.Text = "files not read: " + strings.Join(why, "; ")
		f.Fix = "make them regular files owned by root and not writable by group or others"
	case len(cfg.Rules) == 0:
		f.Severity = Problem
		f.Text = "no configuration lines in " + dir + "/request-key.conf or " + dir + "/request-key.d/*.conf: request-key has nothing to run, so every upcall fails"
		f.Fix = "install a request-key.conf (the stock one ships with keyutils and in this project's dist/)"
	default:
		f.Text = fmt.Sprintf("%d lines from %s parse", len(cfg.Rules), strings.Join(files, ", "))
	}
	return f
}
