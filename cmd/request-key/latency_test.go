//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// EnvLatency names a request-key binary to compare with this build; set,
// with EnvUpcall, TestLatencyUpcall measures the kernel upcall end to end.
// scripts/bench sets it to a copy of the system's (C) request-key.
const EnvLatency = "KEYUTILS_TEST_UPCALL_LATENCY"

// EnvLatencyFloor names a C program that exits at once (scripts/bench
// builds one); set, TestLatencyUpcall also times it in request-key's
// place, next to a Go program that does the same, which it builds: the
// least any C or Go upcall program costs.
const EnvLatencyFloor = "KEYUTILS_TEST_UPCALL_LATENCY_FLOOR"

// TestLatencyUpcall measures request_key(2) of user keys, end to end,
// through three kinds of request: "ip", whose line is
// "/bin/keyctl instantiate %k %c %S" (run in process by this build, by a
// /bin/keyctl child by the C request-key); "ex", the same line through a
// path that is not recognised ("<dir>//keyctl": a child for both); and
// "neg", a description no line matches, which request-key leaves to be
// negated (ENOKEY). It installs in turn the binary named by EnvLatency
// ("other") and this build ("ours"), in 10 rounds of 10 requests of each
// kind, interleaved, and logs the medians and, for scripts/bench, one
// "ROW | ... |" table line per kind: runs, the 1-minute load average at
// the start and end, other's and our median [min–max] in ms, and the
// ratio of the medians. With EnvLatencyFloor, each round also installs
// that C program and a Go one that both exit at once, and times 10
// requests with each (negated when the program exits): "ROW" lines for
// them give their median [min–max] against the C request-key's negative
// path.
func TestLatencyUpcall(t *testing.T) {
	other := os.Getenv(EnvLatency)
	if other == "" {
		t.Skip("set " + EnvLatency + "=<request-key binary to compare>")
	}
	needUpcall(t)
	kc, err := filepath.EvalSymlinks("/bin/keyctl")
	if err != nil {
		t.Skip(err)
	}
	bin := build(t, t.TempDir(), ".", "request-key")
	p := fmt.Sprintf("kgolat:%d:", os.Getpid())
	conf := "create user " + p + "ip:* * /bin/keyctl instantiate %k %c %S\n" +
		"create user " + p + "ex:* * " + filepath.Dir(kc) + "//keyctl instantiate %k %c %S\n"
	type prog struct{ name, path string }
	progs := []prog{{"other", other}, {"ours", bin}}
	if c := os.Getenv(EnvLatencyFloor); c != "" {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module noop\n\ngo 1.24\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		progs = append(progs, prog{"floor-c", c}, prog{"floor-go", buildIn(t, dir, "noop")})
	}
	kinds := []string{"ip", "ex", "neg"}
	times := map[string][]time.Duration{}
	load0 := loadavg1()
	n := 0
	for round := range 10 {
		for _, b := range progs {
			t.Run(fmt.Sprintf("%s-%d", b.name, round), func(t *testing.T) {
				install(t, b.path, conf)
				ring := testutil.Keyring(t)
				for range 10 {
					for _, kind := range kinds {
						if strings.HasPrefix(b.name, "floor") && kind != "neg" {
							continue
						}
						n++
						start := time.Now()
						_, err := keyutils.RequestKeyWithCallout("user", fmt.Sprintf("%s%s:%d", p, kind, n), "x", ring)
						d := time.Since(start)
						if kind == "neg" {
							if !errors.Is(err, keyutils.ErrNotFound) {
								t.Fatalf("request of a key no line matches: %v, want ENOKEY", err)
							}
						} else if err != nil {
							t.Fatal(err)
						}
						times[b.name+" "+kind] = append(times[b.name+" "+kind], d)
					}
				}
			})
		}
	}
	load1 := loadavg1()
	t.Logf("load: %s at the start, %s at the end", load0, load1)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/1e6) }
	med := func(d []time.Duration) time.Duration {
		if len(d)%2 == 1 {
			return d[len(d)/2]
		}
		return (d[len(d)/2-1] + d[len(d)/2]) / 2
	}
	title := map[string]string{
		"ip":  "upcall, positive: `/bin/keyctl instantiate %k %c %S` line",
		"ex":  "upcall, positive: the same line as `<dir>//keyctl` (a C keyctl child for both)",
		"neg": "upcall, negative: no matching line (negated)",
	}
	for _, kind := range kinds {
		o, u := times["other "+kind], times["ours "+kind]
		if len(o) == 0 || len(u) == 0 {
			continue
		}
		slices.Sort(o)
		slices.Sort(u)
		for _, x := range []struct {
			name string
			d    []time.Duration
		}{{"other", o}, {"ours", u}} {
			d := x.d
			t.Logf("%-5s %-3s runs %d: median %v min %v p90 %v max %v", x.name, kind, len(d),
				med(d).Round(10*time.Microsecond), d[0].Round(10*time.Microsecond),
				d[len(d)*9/10].Round(10*time.Microsecond), d[len(d)-1].Round(10*time.Microsecond))
		}
		t.Logf("ROW | %s | %d | %s–%s | %s [%s–%s] | %s [%s–%s] | %.2f |", title[kind], len(u), load0, load1,
			ms(med(o)), ms(o[0]), ms(o[len(o)-1]), ms(med(u)), ms(u[0]), ms(u[len(u)-1]),
			float64(med(u))/float64(med(o)))
	}
	// The floors, against the C request-key's negative path.
	o := times["other neg"]
	for _, f := range []struct{ name, title string }{
		{"floor-c", "floor: a C program that exits at once (`int main(void) { return 0; }`, dynamically linked)"},
		{"floor-go", "floor: a Go program that exits at once (`func main() {}`)"},
	} {
		d := times[f.name+" neg"]
		if len(d) == 0 || len(o) == 0 {
			continue
		}
		slices.Sort(d)
		t.Logf("ROW | %s | %d | %s–%s | %s [%s–%s] | %s [%s–%s] | %.2f |", f.title, len(d), load0, load1,
			ms(med(o)), ms(o[0]), ms(o[len(o)-1]), ms(med(d)), ms(d[0]), ms(d[len(d)-1]),
			float64(med(d))/float64(med(o)))
	}
}

// loadavg1 returns the 1-minute load average from /proc/loadavg.
func loadavg1() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// buildIn builds the main package of the module in dir as dir/name.
func buildIn(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, b)
	}
	return out
}
