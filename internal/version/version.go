// Package version holds the version numbers the commands report.
package version

import (
	"runtime/debug"
	"strings"
)

// Compat is the keyutils release whose behaviour the commands reproduce.
// Scripts parse "keyutils-<Compat>" out of the --version lines.
const Compat = "1.6.3"

// Version is keyutils-go's own version.
const Version = "0.1.0"

// Line returns the --version line of the command prog, without the final
// newline:
//
//	keyctl from keyutils-1.6.3 (Go port 0.1.0, commit 0123456789ab)
//
// It starts as keyutils 1.6.3's line does ("<prog> from keyutils-1.6.3 ("),
// and "keyutils-1.6.3" is its only "keyutils-" token: the parenthesis, where
// 1.6.3 gives its build date, says what was built (see Port).
func Line(prog string) string {
	return prog + " from keyutils-" + Compat + " (Go port " + Port() + ")"
}

// Port returns Version followed by where the running binary was built
// from, as the go command recorded it in the binary's build information:
//
//   - "0.1.0, commit 0123456789ab" when built in a git clone: the first 12
//     hexadecimal digits of the commit, with "-dirty" appended when the
//     tree had uncommitted changes;
//   - "0.1.0, module v0.1.0" when built by "go install <module>@<version>",
//     outside a clone: the module's version (a pseudo-version names the
//     commit);
//   - "0.1.0" alone when neither is recorded (go test binaries, builds
//     with -buildvcs=false).
func Port() string {
	info, _ := debug.ReadBuildInfo()
	return port(info)
}

// port is Port for the build information info (nil: none).
func port(info *debug.BuildInfo) string {
	if info == nil {
		return Version
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch v := info.Main.Version; {
	case rev != "":
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "-dirty"
		}
		return Version + ", commit " + rev
	case v != "" && v != "(devel)" && !strings.ContainsAny(v, " ()"):
		return Version + ", module " + v
	}
	return Version
}
