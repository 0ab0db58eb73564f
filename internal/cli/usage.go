//go:build linux

package cli

import "strings"

// command is one entry of keyctl's command table: the exact name and its
// syntax lines for the usage text (none for our extensions, see
// extensionSyntax). handler has its handler.
type command struct {
	name    string
	formats []string
}

// commands returns keyctl's command table, in the order of the usage text.
// The table is static data (no allocation when commands is called).
func commands() []command { return commandTable[:] }

var commandTable = [...]command{
	{"--version", []string{""}},
	{"add", []string{"[-x] <type> <desc> <data> <keyring>"}},
	{"chgrp", []string{"<key> <gid>"}},
	{"chown", []string{"<key> <uid>"}},
	{"clear", []string{"<keyring>"}},
	{"describe", []string{"<keyring>"}},
	{"dh_compute", []string{"<private> <prime> <base>"}},
	{"dh_compute_kdf", []string{"<private> <prime> <base> <len> <hash_name>"}},
	{"dh_compute_kdf_oi", []string{"[-x] <private> <prime> <base> <len> <hash_name>"}},
	{"doctor", nil},
	{"get_persistent", []string{"<keyring> [<uid>]"}},
	{"id", []string{"<key>"}},
	{"instantiate", []string{"[-x] <key> <data> <keyring>"}},
	{"invalidate", []string{"<key>"}},
	{"link", []string{"<key> <keyring>"}},
	{"list", []string{"<keyring>"}},
	{"move", []string{"[-f] <key> <from_keyring> <to_keyring>"}},
	{"negate", []string{"<key> <timeout> <keyring>"}},
	{"new_session", []string{"[<name>]"}},
	{"newring", []string{"<name> <keyring>"}},
	{"padd", []string{"[-x] <type> <desc> <keyring>"}},
	{"pinstantiate", []string{"[-x] <key> <keyring>"}},
	{"pipe", []string{"<key>"}},
	{"pkey_query", []string{"<key> <pass> [k=v]*"}},
	{"pkey_encrypt", []string{"<key> <pass> <datafile> [k=v]*"}},
	{"pkey_decrypt", []string{"<key> <pass> <datafile> [k=v]*"}},
	{"pkey_sign", []string{"<key> <pass> <datafile> [k=v]*"}},
	{"pkey_verify", []string{"<key> <pass> <datafile> <sigfile> [k=v]*"}},
	{"prequest2", []string{"<type> <desc> [<dest_keyring>]"}},
	{"print", []string{"<key>"}},
	{"pupdate", []string{"[-x] <key>"}},
	{"purge", []string{"<type>", "[-p] [-i] <type> <desc>", "-s <type> <desc>"}},
	{"rdescribe", []string{"<keyring> [sep]"}},
	{"read", []string{"<key>"}},
	{"reap", []string{"[-v]"}},
	{"reject", []string{"<key> <timeout> <error> <keyring>"}},
	{"request", []string{"<type> <desc> [<dest_keyring>]"}},
	{"request2", []string{"<type> <desc> <info> [<dest_keyring>]"}},
	{"restrict_keyring", []string{"<keyring> [<type> [<restriction>]]"}},
	{"revoke", []string{"<key>"}},
	{"rlist", []string{"<keyring>"}},
	{"search", []string{"<keyring> <type> <desc> [<dest_keyring>]"}},
	{"security", []string{"<key>"}},
	{"session", []string{"", "- [<prog> <arg1> <arg2> ...]", "<name> [<prog> <arg1> <arg2> ...]"}},
	{"setperm", []string{"<key> <mask>"}},
	{"show", []string{"[-x] [<keyring>]"}},
	{"supports", []string{"[<cap> | --raw]"}},
	{"timeout", []string{"<key> <timeout>"}},
	{"unlink", []string{"<key> [<keyring>]"}},
	{"update", []string{"[-x] <key> <data>"}},
	{"watch", []string{"[-f<filters>] <key>"}},
	{"watch_add", []string{"<fd> <key>"}},
	{"watch_rm", []string{"<fd> <key>"}},
	{"watch_session", []string{"[-f<filters>] [-n <name>] <notifylog> <gclog> <fd> <prog> [<arg1> <arg2> ...]"}},
	{"watch_sync", []string{"<fd>"}},
	{"why", nil},
	{"--test", []string{"..."}},
}

// extensionSyntax returns the syntax lines of our extension name (README:
// Extensions), by command. The usage text leaves them out: keyctl prints it
// for every malformed command line, and it stays 1.6.3's byte for byte. The
// man page and the completion list them (CommandSyntax).
func extensionSyntax(name string) []string {
	switch name {
	case "describe":
		return []string{"--json <key>"}
	case "doctor":
		return []string{""}
	case "list":
		return []string{"--json <keyring>"}
	case "rlist":
		return []string{"--json <keyring>"}
	case "show":
		return []string{"--json [<keyring>]"}
	case "why":
		return []string{"[--json] <key> [view|read|write|search|link|setattr]"}
	}
	return nil
}

// usageFooter is the part of the usage text after the syntax lines.
const usageFooter = `
Key/keyring ID:
  <nnn>   numeric keyring ID
  @t      thread keyring
  @p      process keyring
  @s      session keyring
  @u      user keyring
  @us     user default session keyring
  @g      group keyring
  @a      assumed request_key authorisation key

<type> can be "user" for a user-defined keyring
If you do this, prefix the description with "<subtype>:"
`

// usageText builds a usage text: "Format:", one line per syntax of every
// command ("  keyctl <prefix><name> <format>"), then the footer.
func usageText(prefix string, cmds []command) string {
	var b strings.Builder
	b.WriteString("Format:\n")
	for _, cmd := range cmds {
		for _, f := range cmd.formats {
			b.WriteString("  keyctl " + prefix + cmd.name + " " + f + "\n")
		}
	}
	b.WriteString(usageFooter)
	return b.String()
}

// extensionUsage prints the syntax lines of the extension name to stderr
// and returns exit status 2: an extension's malformed command line gets
// its own format, since the usage text does not list it.
func (c *ctx) extensionUsage(name string) error {
	var b strings.Builder
	b.WriteString("Format:\n")
	for _, f := range extensionSyntax(name) {
		b.WriteString("  keyctl " + name + " " + f + "\n")
	}
	c.errw.Write([]byte(b.String()))
	return exitUsage
}

// usage prints the whole usage text to stderr and returns exit status 2,
// which is what keyctl does for any malformed command line.
func (c *ctx) usage() error {
	c.errw.Write([]byte(usageText("", commands())))
	return exitUsage
}
