//go:build linux

package cli

// CommandNames returns the names of keyctl's commands, in the order of the
// usage text: what the man page and the bash completion must cover.
func CommandNames() []string {
	cmds := commands()
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	return names
}

// CommandSyntax returns, for each command of CommandNames, its syntax lines
// as the usage text prints them after "keyctl <name> " (one empty string
// for a command without arguments), followed by those of our extensions,
// which the usage text leaves out.
func CommandSyntax() map[string][]string {
	m := make(map[string][]string)
	for _, c := range commands() {
		m[c.name] = append(append([]string(nil), c.formats...), extensionSyntax(c.name)...)
	}
	return m
}
