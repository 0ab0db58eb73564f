//go:build linux

package keyutils_test

import (
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// The benchmarks here complete bench_test.go for scripts/bench, which runs
// each of them against the same loop in C (bench/c/bench.c).

// BenchmarkSearch10k is BenchmarkSearch in a keyring of 10,000 keys.
func BenchmarkSearch10k(b *testing.B) {
	ring := testutil.Keyring(b)
	for i := range 10000 {
		addUser(b, ring, "bench:search:"+strconv.Itoa(i), "x")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keyutils.Search(ring, "user", "bench:search:5000", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSyscallFloor is the cost of a system call that does nothing,
// getppid(2), made as the library makes its calls (unix.Syscall6, which
// tells the scheduler that the goroutine is in a system call). Compared
// with the same call from C it is the floor under every ratio of
// scripts/bench: what Go adds to each system call.
func BenchmarkSyscallFloor(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		unix.Syscall6(unix.SYS_GETPPID, 0, 0, 0, 0, 0, 0)
	}
}

// BenchmarkRawSyscallFloor is BenchmarkSyscallFloor without the scheduler
// bookkeeping (unix.RawSyscall6): the difference between the two is what
// entering and leaving a blocking system call costs in Go.
func BenchmarkRawSyscallFloor(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		unix.RawSyscall6(unix.SYS_GETPPID, 0, 0, 0, 0, 0, 0)
	}
}
