// Package version holds the version numbers the commands report.
package version

// Compat is the keyutils release whose behaviour the commands reproduce.
// Scripts parse "keyutils-<Compat>" out of the --version lines.
const Compat = "1.6.3"

// Version is keyutils-go's own version.
const Version = "0.1.0"
