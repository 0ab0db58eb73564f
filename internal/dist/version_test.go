//go:build linux

package dist

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils/internal/version"
)

// TestVersionNamesCommit: keyctl and request-key built by make say
// "<prog> from keyutils-1.6.3 (Go port <version>, commit <commit>)", the
// commit being the clone's HEAD, and "keyutils-1.6.3" is the only
// keyutils- token, as scripts expect (keyutils' own test suite runs
// expr "$(keyctl --version)" : '.*keyutils-\([0-9.]*\).*').
func TestVersionNamesCommit(t *testing.T) {
	bin := built(t)
	head := ""
	if git, err := exec.LookPath("git"); err == nil {
		if out, err := exec.Command(git, "-C", root, "rev-parse", "HEAD").Output(); err == nil {
			head = strings.TrimSpace(string(out))
		}
	}
	line := regexp.MustCompile(`^(keyctl|request-key) from keyutils-` + regexp.QuoteMeta(version.Compat) +
		` \(Go port ` + regexp.QuoteMeta(version.Version) + `(, commit ([0-9a-f]{12})(-dirty)?)?\)\n$`)
	for _, prog := range []string{"keyctl", "request-key"} {
		out := run(t, nil, filepath.Join(bin, prog), "--version")
		m := line.FindStringSubmatch(out)
		if m == nil || m[1] != prog {
			t.Errorf("%s --version = %q, want it to match %s", prog, out, line)
			continue
		}
		if n := strings.Count(out, "keyutils-"); n != 1 {
			t.Errorf("%s --version = %q: %d keyutils- tokens, want 1", prog, out, n)
		}
		switch {
		case head == "":
			t.Logf("not a git clone (or no git): %s --version = %q", prog, out)
		case m[3] == "":
			t.Errorf("%s --version = %q names no commit; HEAD is %s", prog, out, head)
		case !strings.HasPrefix(head, m[3]):
			t.Errorf("%s --version = %q; HEAD is %s", prog, out, head)
		}
	}
}
