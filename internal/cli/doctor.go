//go:build linux

package cli

import (
	"github.com/keyutils-go/keyutils/diagnose"
	"github.com/keyutils-go/keyutils/internal/syslog"
)

// cmdDoctor is "keyctl doctor", an extension: one line per finding of
// package diagnose ("<severity> <check>: <text>"), each followed by what to
// do ("        fix: ..."); exit status 0 when no finding is a problem, 1
// otherwise.
func (c *ctx) cmdDoctor(args []string) error {
	if len(args) != 0 {
		return c.extensionUsage("doctor")
	}
	fs := (&diagnose.Options{Env: c.env}).Run()
	for _, f := range fs {
		c.printf("%-8s %s: %s\n", f.Severity, f.Check, syslog.Escape(f.Text))
		if f.Fix != "" {
			c.printf("         fix: %s\n", syslog.Escape(f.Fix))
		}
	}
	if diagnose.Wrong(fs) {
		return exitFail
	}
	return nil
}
