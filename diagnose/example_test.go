//go:build linux

package diagnose_test

import (
	"fmt"
	"os"

	"github.com/keyutils-go/keyutils/diagnose"
)

// Print what is wrong with the key environment and what to do, as keyctl
// doctor does.
func ExampleRun() {
	fs := diagnose.Run()
	for _, f := range fs {
		if f.Severity >= diagnose.Warning {
			fmt.Printf("%s %s: %s\n", f.Severity, f.Check, f.Text)
			if f.Fix != "" {
				fmt.Println("  fix:", f.Fix)
			}
		}
	}
	if diagnose.Wrong(fs) {
		os.Exit(1)
	}
}
