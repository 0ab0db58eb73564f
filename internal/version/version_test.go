package version

import (
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

func TestPort(t *testing.T) {
	setting := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	rev := "c5b7989e1f2a3b4c5d6e7f8091a2b3c4d5e6f708"
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, Version},
		{"go test binary", &debug.BuildInfo{Main: debug.Module{Path: "github.com/keyutils-go/keyutils"}}, Version},
		{"devel", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, Version},
		{"clone", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: setting("vcs", "git", "vcs.revision", rev, "vcs.modified", "false")},
			Version + ", commit c5b7989e1f2a"},
		{"dirty clone", &debug.BuildInfo{Settings: setting("vcs.revision", rev, "vcs.modified", "true")},
			Version + ", commit c5b7989e1f2a-dirty"},
		{"clone, Go 1.24 stamps a version too", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20250101000000-c5b7989e1f2a+dirty"}, Settings: setting("vcs.revision", rev, "vcs.modified", "true")},
			Version + ", commit c5b7989e1f2a-dirty"},
		{"short revision", &debug.BuildInfo{Settings: setting("vcs.revision", "abc")}, Version + ", commit abc"},
		{"go install module@version", &debug.BuildInfo{Main: debug.Module{Path: "github.com/keyutils-go/keyutils", Version: "v0.1.0"}},
			Version + ", module v0.1.0"},
		{"pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20250101000000-c5b7989e1f2a"}},
			Version + ", module v0.0.0-20250101000000-c5b7989e1f2a"},
	} {
		if got := port(tc.info); got != tc.want {
			t.Errorf("%s: port = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestLine: the line starts as 1.6.3's does and "keyutils-1.6.3" is its
// only keyutils- token, which is what scripts parse (keyutils' own tests:
// expr "$line" : '.*keyutils-\([0-9.]*\).*').
func TestLine(t *testing.T) {
	l := Line("keyctl")
	if !strings.HasPrefix(l, "keyctl from keyutils-"+Compat+" (Go port "+Version) || !strings.HasSuffix(l, ")") {
		t.Errorf("Line = %q", l)
	}
	if n := strings.Count(l, "keyutils-"); n != 1 {
		t.Errorf("Line = %q has %d keyutils- tokens, want 1", l, n)
	}
	if m := regexp.MustCompile(`keyutils-([0-9.]*)`).FindStringSubmatch(l); m == nil || m[1] != Compat {
		t.Errorf("Line = %q: parsed version %q, want %s", l, m, Compat)
	}
}
