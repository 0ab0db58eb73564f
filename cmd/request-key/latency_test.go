//go:build linux

package main

import (
	"fmt"
	"os"
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
const EnvLatency = "KEYUTILS_TEST_UPCALL_LATENCY"

// TestLatencyUpcall measures request_key(2) of user keys whose line is
// "/bin/keyctl instantiate %k %c %S" (in process with this build) and the
// same through a path that is not recognised ("<dir>//keyctl": a child),
// installing in turn the binary named by EnvLatency and this build, in
// rounds of 10 requests of each line, interleaved.
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
	times := map[string][]time.Duration{}
	n := 0
	for round := range 5 {
		for _, b := range []struct{ name, path string }{{"before", other}, {"after", bin}} {
			t.Run(fmt.Sprintf("%s-%d", b.name, round), func(t *testing.T) {
				install(t, b.path, conf)
				ring := testutil.Keyring(t)
				for range 10 {
					for _, line := range []string{"ip", "ex"} {
						n++
						start := time.Now()
						_, err := keyutils.RequestKeyWithCallout("user", fmt.Sprintf("%s%s:%d", p, line, n), "x", ring)
						d := time.Since(start)
						if err != nil {
							t.Fatal(err)
						}
						times[b.name+" "+line] = append(times[b.name+" "+line], d)
					}
				}
			})
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load: %s", strings.TrimSpace(string(load)))
	for _, k := range []string{"before ip", "before ex", "after ip", "after ex"} {
		d := times[k]
		slices.Sort(d)
		if len(d) == 0 {
			continue
		}
		t.Logf("%-9s runs %d: median %v min %v p90 %v max %v", k, len(d),
			d[len(d)/2].Round(10*time.Microsecond), d[0].Round(10*time.Microsecond),
			d[len(d)*9/10].Round(10*time.Microsecond), d[len(d)-1].Round(10*time.Microsecond))
	}
}
