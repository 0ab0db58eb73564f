//go:build linux

package main

import (
	"debug/buildinfo"
	"go/version"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestNoCgroupDescriptors checks that keyctl starts with descriptors 3 and
// 4 closed, as the C tool does: watch_add, watch_rm, watch_sync and
// watch_session take descriptor numbers. The runtime's cgroup-aware
// GOMAXPROCS (Go 1.25 and later) keeps the cgroup's CPU limit files open
// there for the life of the process; it is off because go.mod's go line is
// 1.24 (see main.go). The test fails if it is turned on: by a toolchain
// that knows the setting, the default GODEBUG recorded in the binary must
// include containermaxprocs=0, and watch_sync must find descriptors 3 and
// 4 closed (which shows only on machines that have the cgroup files).
func TestNoCgroupDescriptors(t *testing.T) {
	bin := buildKeyctl(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if version.Compare(info.GoVersion, "go1.25") >= 0 {
		var godebug string
		for _, s := range info.Settings {
			if s.Key == "DefaultGODEBUG" {
				godebug = s.Value
			}
		}
		if !slices.Contains(strings.Split(godebug, ","), "containermaxprocs=0") {
			t.Errorf("keyctl built by %s has DefaultGODEBUG %q, without containermaxprocs=0: its runtime keeps the cgroup CPU limit files open on descriptors that keyctl's watch commands take (see main.go)", info.GoVersion, godebug)
		}
	}
	for _, fd := range []int{3, 4} {
		// A descriptor this process holds without close-on-exec is
		// inherited by keyctl: nothing to learn from it then.
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			t.Logf("descriptor %d is open here and would be inherited: not checked", fd)
			continue
		}
		cmd := exec.Command(bin, "watch_sync", strconv.Itoa(fd))
		cmd.Env = []string{} // the binary's own GODEBUG defaults
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "Bad file descriptor") {
			t.Errorf("keyctl watch_sync %d: %q, want EBADF: keyctl started with descriptor %d open (see main.go)", fd, out, fd)
		}
	}
}
