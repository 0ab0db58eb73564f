//go:build linux

package testutil

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests work on files in a temporary directory, as any user: the
// machine-wide use (cmd/request-key's upcall test) is tested there.

// envHelper, set to a directory, makes TestSuperviseHelperProcess change
// the files of files(dir) under the inherited lock and wait to be killed.
const envHelper = "KEYUTILS_TEST_SUPERVISE_HELPER"

type testFiles struct {
	dir, target, from, created string
	cfg                        Config
}

// files sets up dir: a target file to replace, the content to replace it
// with, and a file to create.
func files(dir string) testFiles {
	f := testFiles{
		dir:     dir,
		target:  filepath.Join(dir, "target"),
		from:    filepath.Join(dir, "new"),
		created: filepath.Join(dir, "ours-"+filepath.Base(dir)+".conf"),
	}
	f.cfg = Config{LockDir: dir, Files: []string{f.target}, Leftovers: []string{filepath.Join(dir, "ours-*.conf")}}
	return f
}

func writeFile(t *testing.T, path, data string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

// state describes the files of dir: name, mode, inode and content.
func state(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		b.WriteString(e.Name() + " " + fi.Mode().String() + " " + inode(fi) + " " + string(data) + "\n")
	}
	return b.String()
}

func inode(fi os.FileInfo) string {
	return strconv.FormatUint(fi.Sys().(*syscall.Stat_t).Ino, 10)
}

func TestSuperviseRestore(t *testing.T) {
	f := files(t.TempDir())
	writeFile(t, f.target, "original", 0o751)
	writeFile(t, f.from, "ours", 0o600)
	before := state(t, f.dir)

	s := Supervise(t, f.cfg)
	s.Replace(f.target, f.from)
	s.Create(f.created, []byte("conf"), 0o644)
	if b, _ := os.ReadFile(f.target); string(b) != "ours" {
		t.Errorf("target = %q after Replace", b)
	}
	if fi, err := os.Stat(f.target); err != nil || fi.Mode() != 0o751 {
		t.Errorf("target mode after Replace: %v %v, want the original's", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(f.created); string(b) != "conf" {
		t.Errorf("created = %q", b)
	}
	for range 2 { // idempotent
		if err := s.Restore(); err != nil {
			t.Fatal(err)
		}
		if after := state(t, f.dir); after != before {
			t.Fatalf("after Restore:\n%s\nwant\n%s", after, before)
		}
	}
}

// TestSuperviseCreateExisting: Create never replaces a file.
func TestSuperviseCreateExisting(t *testing.T) {
	f := files(t.TempDir())
	writeFile(t, f.target, "original", 0o644)
	s := Supervise(t, f.cfg)
	writeFile(t, f.created, "someone else's", 0o644)
	rep, err := s.call(request{Op: "create", Path: f.created, Data: []byte("x"), Perm: 0o644})
	if err != nil || rep.Err == "" {
		t.Fatalf("create over an existing file: %+v %v, want an error", rep, err)
	}
	if err := s.Restore(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(f.created); string(b) != "someone else's" {
		t.Errorf("existing file now %q", b)
	}
}

// TestSuperviseForeignReplacement: a file someone else replaced after us
// is left alone.
func TestSuperviseForeignReplacement(t *testing.T) {
	f := files(t.TempDir())
	writeFile(t, f.target, "original", 0o644)
	writeFile(t, f.from, "ours", 0o644)
	s := Supervise(t, f.cfg)
	s.Replace(f.target, f.from)
	writeFile(t, f.dir+"/upgrade", "upgrade", 0o644)
	if err := os.Rename(f.dir+"/upgrade", f.target); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(); err == nil || !strings.Contains(err.Error(), "replaced by someone else") {
		t.Errorf("Restore: %v, want it to say the file was replaced by someone else", err)
	}
	if b, _ := os.ReadFile(f.target); string(b) != "upgrade" {
		t.Errorf("target = %q, want the foreign replacement kept", b)
	}
	if m, _ := filepath.Glob(f.dir + "/.*keyutils-go-test*"); len(m) != 0 {
		t.Errorf("left: %q", m)
	}
}

// TestSuperviseRecover: what a run killed with its supervisor left, at
// every step, is undone by the next one, which refuses nothing.
func TestSuperviseRecover(t *testing.T) {
	tests := []struct {
		name    string
		leave   func(t *testing.T, f testFiles) // from the state "target is original"
		want    string                          // content of target afterwards
		wantLog string
	}{
		{"tmp only", func(t *testing.T, f testFiles) {
			writeFile(t, tmpPath(f.target), "ours", 0o600)
			writeFile(t, tmpPath(f.created), "conf", 0o600)
		}, "original", "removed " + "TMP"},
		{"backup made, not installed", func(t *testing.T, f testFiles) {
			writeFile(t, tmpPath(f.target), "ours", 0o600)
			link(t, f.target, backupPrefix(f.target)+hash("ours"))
		}, "original", "had not been replaced"},
		{"installed", func(t *testing.T, f testFiles) {
			link(t, f.target, backupPrefix(f.target)+hash("ours"))
			writeFile(t, f.dir+"/x", "ours", 0o755)
			rename(t, f.dir+"/x", f.target)
			writeFile(t, f.created, "conf", 0o644)
		}, "original", "restored " + "TARGET"},
		{"installed, then replaced by someone else", func(t *testing.T, f testFiles) {
			link(t, f.target, backupPrefix(f.target)+hash("ours"))
			writeFile(t, f.dir+"/x", "upgrade", 0o755)
			rename(t, f.dir+"/x", f.target)
		}, "upgrade", "replaced by someone else"},
		{"installed, then removed", func(t *testing.T, f testFiles) {
			rename(t, f.target, backupPrefix(f.target)+hash("ours"))
		}, "original", "restored " + "TARGET"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := files(t.TempDir())
			writeFile(t, f.target, "original", 0o644)
			tc.leave(t, f)
			s := Supervise(t, f.cfg)
			if b, _ := os.ReadFile(f.target); string(b) != tc.want {
				t.Errorf("target = %q, want %q", b, tc.want)
			}
			if m, _ := filepath.Glob(f.dir + "/*"); len(m) != 1 || m[0] != f.target {
				t.Errorf("files left: %q", m)
			}
			if m, _ := filepath.Glob(f.dir + "/.*"); len(m) != 0 {
				t.Errorf("files left: %q", m)
			}
			want := strings.NewReplacer("TMP", tmpPath(f.target), "TARGET", f.target).Replace(tc.wantLog)
			if log := strings.Join(s.Recovered, "\n"); !strings.Contains(log, want) {
				t.Errorf("Recovered = %q, want it to contain %q", log, want)
			}
		})
	}
}

// hash is the hash of content in backup names.
func hash(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:8])
}

func link(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Link(from, to); err != nil {
		t.Fatal(err)
	}
}

func rename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// TestSuperviseHelperProcess is the child of TestSuperviseKilled.
func TestSuperviseHelperProcess(t *testing.T) {
	dir := os.Getenv(envHelper)
	if dir == "" {
		t.Skip("the child process of TestSuperviseKilled")
	}
	f := files(dir)
	s := Supervise(t, f.cfg)
	s.Replace(f.target, f.from)
	s.Create(f.created, []byte("conf"), 0o644)
	os.Stdout.WriteString("CHANGED\n")
	bufio.NewReader(os.Stdin).ReadString('\n') // until killed
}

// TestSuperviseKilled: when the test process is SIGKILLed, with its
// process group, its supervisor restores and exits.
func TestSuperviseKilled(t *testing.T) {
	f := files(t.TempDir())
	writeFile(t, f.target, "original", 0o644)
	writeFile(t, f.from, "ours", 0o644)
	before := state(t, f.dir)
	lock := LockDir(t, f.dir, 0)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inW.Close()
	cmd := exec.Command("/proc/self/exe", "-test.run=^TestSuperviseHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), envHelper+"="+f.dir, EnvLockFD+"=3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, w, w
	cmd.ExtraFiles = []*os.File{lock}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	w.Close()
	inR.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()

	out := make(chan string)
	changed := make(chan bool, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if sc.Text() == "CHANGED" {
				changed <- true
			}
		}
		out <- b.String() // at end of file: the child and the supervisor are gone
	}()
	select {
	case <-changed:
	case o := <-out:
		t.Fatalf("the child exited before changing the files:\n%s", o)
	}
	if now := state(t, f.dir); now == before {
		t.Fatalf("the child changed nothing")
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var o string
	select {
	case o = <-out:
	case <-time.After(5 * time.Minute):
		t.Fatal("supervisor still running 5 minutes after its test process was killed")
	}
	if now := state(t, f.dir); now != before {
		t.Errorf("after the kill:\n%s\nwant\n%s", now, before)
	}
	if !strings.Contains(o, "test process gone: restored "+f.target) {
		t.Errorf("the supervisor did not say it restored:\n%s", o)
	}
}
