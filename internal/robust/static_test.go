//go:build linux

package robust

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The commands must build as static binaries with the default settings
// (cgo enabled when a C compiler is present): admins install them where no
// libc may be found, and a program that links cgo also loses
// syscall.AllThreadsSyscall. Importing package net (log/syslog does) or
// os/user would silently link libc.
func TestCommandsAreStatic(t *testing.T) {
	for _, cmd := range []string{"keyctl", "request-key", "key.dns_resolver"} {
		bin := filepath.Join(t.TempDir(), cmd)
		build := exec.Command("go", "build", "-o", bin, "../../cmd/"+cmd)
		build.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", cmd, err, out)
		}
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s is dynamically linked (it has an ELF interpreter): something imports a package that links cgo", cmd)
			}
		}
		f.Close()
	}
}
