//go:build linux

package cli

import "strings"

// command is one entry of keyctl's command table: the exact name, its
// syntax lines for the usage text (none for our extensions, see
// extensionSyntax), and the handler, which gets the words after the
// command name.
type command struct {
	name    string
	formats []string
	run     func(c *ctx, args []string) error
}

// commands returns keyctl's command table, in the order of the usage text.
func commands() []command {
	return []command{
		{"--version", []string{""}, (*ctx).cmdVersion},
		{"add", []string{"[-x] <type> <desc> <data> <keyring>"}, (*ctx).cmdAdd},
		{"chgrp", []string{"<key> <gid>"}, (*ctx).cmdChgrp},
		{"chown", []string{"<key> <uid>"}, (*ctx).cmdChown},
		{"clear", []string{"<keyring>"}, (*ctx).cmdClear},
		{"describe", []string{"<keyring>"}, (*ctx).cmdDescribe},
		{"dh_compute", []string{"<private> <prime> <base>"}, (*ctx).cmdDHCompute},
		{"dh_compute_kdf", []string{"<private> <prime> <base> <len> <hash_name>"}, (*ctx).cmdDHComputeKDF},
		{"dh_compute_kdf_oi", []string{"[-x] <private> <prime> <base> <len> <hash_name>"}, (*ctx).cmdDHComputeKDFOI},
		{"doctor", nil, (*ctx).cmdDoctor},
		{"get_persistent", []string{"<keyring> [<uid>]"}, (*ctx).cmdGetPersistent},
		{"id", []string{"<key>"}, (*ctx).cmdID},
		{"instantiate", []string{"[-x] <key> <data> <keyring>"}, (*ctx).cmdInstantiate},
		{"invalidate", []string{"<key>"}, (*ctx).cmdInvalidate},
		{"link", []string{"<key> <keyring>"}, (*ctx).cmdLink},
		{"list", []string{"<keyring>"}, (*ctx).cmdList},
		{"move", []string{"[-f] <key> <from_keyring> <to_keyring>"}, (*ctx).cmdMove},
		{"negate", []string{"<key> <timeout> <keyring>"}, (*ctx).cmdNegate},
		{"new_session", []string{"[<name>]"}, (*ctx).cmdNewSession},
		{"newring", []string{"<name> <keyring>"}, (*ctx).cmdNewring},
		{"padd", []string{"[-x] <type> <desc> <keyring>"}, (*ctx).cmdPadd},
		{"pinstantiate", []string{"[-x] <key> <keyring>"}, (*ctx).cmdPinstantiate},
		{"pipe", []string{"<key>"}, (*ctx).cmdPipe},
		{"pkey_query", []string{"<key> <pass> [k=v]*"}, (*ctx).cmdPKeyQuery},
		{"pkey_encrypt", []string{"<key> <pass> <datafile> [k=v]*"}, (*ctx).cmdPKeyEncrypt},
		{"pkey_decrypt", []string{"<key> <pass> <datafile> [k=v]*"}, (*ctx).cmdPKeyDecrypt},
		{"pkey_sign", []string{"<key> <pass> <datafile> [k=v]*"}, (*ctx).cmdPKeySign},
		{"pkey_verify", []string{"<key> <pass> <datafile> <sigfile> [k=v]*"}, (*ctx).cmdPKeyVerify},
		{"prequest2", []string{"<type> <desc> [<dest_keyring>]"}, (*ctx).cmdPrequest2},
		{"print", []string{"<key>"}, (*ctx).cmdPrint},
		{"pupdate", []string{"[-x] <key>"}, (*ctx).cmdPupdate},
		{"purge", []string{"<type>", "[-p] [-i] <type> <desc>", "-s <type> <desc>"}, (*ctx).cmdPurge},
		{"rdescribe", []string{"<keyring> [sep]"}, (*ctx).cmdRdescribe},
		{"read", []string{"<key>"}, (*ctx).cmdRead},
		{"reap", []string{"[-v]"}, (*ctx).cmdReap},
		{"reject", []string{"<key> <timeout> <error> <keyring>"}, (*ctx).cmdReject},
		{"request", []string{"<type> <desc> [<dest_keyring>]"}, (*ctx).cmdRequest},
		{"request2", []string{"<type> <desc> <info> [<dest_keyring>]"}, (*ctx).cmdRequest2},
		{"restrict_keyring", []string{"<keyring> [<type> [<restriction>]]"}, (*ctx).cmdRestrictKeyring},
		{"revoke", []string{"<key>"}, (*ctx).cmdRevoke},
		{"rlist", []string{"<keyring>"}, (*ctx).cmdRlist},
		{"search", []string{"<keyring> <type> <desc> [<dest_keyring>]"}, (*ctx).cmdSearch},
		{"security", []string{"<key>"}, (*ctx).cmdSecurity},
		{"session", []string{"", "- [<prog> <arg1> <arg2> ...]", "<name> [<prog> <arg1> <arg2> ...]"}, (*ctx).cmdSession},
		{"setperm", []string{"<key> <mask>"}, (*ctx).cmdSetperm},
		{"show", []string{"[-x] [<keyring>]"}, (*ctx).cmdShow},
		{"supports", []string{"[<cap> | --raw]"}, (*ctx).cmdSupports},
		{"timeout", []string{"<key> <timeout>"}, (*ctx).cmdTimeout},
		{"unlink", []string{"<key> [<keyring>]"}, (*ctx).cmdUnlink},
		{"update", []string{"[-x] <key> <data>"}, (*ctx).cmdUpdate},
		{"watch", []string{"[-f<filters>] <key>"}, (*ctx).cmdWatch},
		{"watch_add", []string{"<fd> <key>"}, (*ctx).cmdWatchAdd},
		{"watch_rm", []string{"<fd> <key>"}, (*ctx).cmdWatchRm},
		{"watch_session", []string{"[-f<filters>] [-n <name>] <notifylog> <gclog> <fd> <prog> [<arg1> <arg2> ...]"}, (*ctx).cmdWatchSession},
		{"watch_sync", []string{"<fd>"}, (*ctx).cmdWatchSync},
		{"why", nil, (*ctx).cmdWhy},
		{"--test", []string{"..."}, (*ctx).cmdTest},
	}
}

// extensionSyntax holds the syntax lines of our extensions (README:
// Extensions), by command. The usage text leaves them out: keyctl prints it
// for every malformed command line, and it stays 1.6.3's byte for byte. The
// man page and the completion list them (CommandSyntax).
var extensionSyntax = map[string][]string{
	"describe": {"--json <key>"},
	"doctor":   {""},
	"list":     {"--json <keyring>"},
	"rlist":    {"--json <keyring>"},
	"show":     {"--json [<keyring>]"},
	"why":      {"[--json] <key> [view|read|write|search|link|setattr]"},
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
	for _, f := range extensionSyntax[name] {
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
