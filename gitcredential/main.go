package gitcredential

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/keyutils-go/keyutils/internal/syslog"
	"github.com/keyutils-go/keyutils/secret"
)

// Program is the command's name: git runs "git credential-keyctl", that
// is git-credential-keyctl, for credential.helper=keyctl.
const Program = "git-credential-keyctl"

// Usage is the command's usage text (-h).
const Usage = `usage: git-credential-keyctl [--timeout <seconds>] [--anchor <anchor>] <operation>

A git credential helper that keeps credentials in the kernel's key
retention service, in memory, for the login session (by default) and for
--timeout seconds at most. git runs it; configure it with

    git config --global credential.helper 'keyctl --timeout 900'

Operations (git's credential helper protocol, gitcredentials(7)):
  get         print the stored credential matching the description on stdin
  store       store the credential described on stdin
  erase       remove the stored credentials matching the description on stdin
  capability  print the helper's capabilities
Other operations are ignored.

Options:
  --timeout <seconds>  keep credentials at most this long (default 900, as
                       git's credential-cache; 0: no limit but the
                       credential's password_expiry_utc)
  --anchor <anchor>    where the store lives: session (default: the login
                       session's keyring, gone at logout), user or
                       user-session (until reboot), persistent (survives
                       logout, until 3 days unused)
  -h, --help           print this text
`

// Main is the git-credential-keyctl command: it parses args (os.Args:
// the program's name, the options and the operation that git appends),
// serves the operation on stdin and stdout, reports errors on stderr and
// returns the exit status: 0, 1 for a failed operation, 2 for a bad
// command line. See Usage.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet(Program, flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	timeout := flags.String("timeout", strconv.Itoa(int(DefaultTimeout/time.Second)), "")
	anchorName := flags.String("anchor", secret.Session.String(), "")
	if len(args) > 0 {
		args = args[1:]
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "%s: %s\n%s", Program, syslog.Escape(fmt.Sprintf(format, a...)), Usage)
		return 2
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, Usage)
			return 0
		}
		return bad("%v", err)
	}
	secs, err := strconv.ParseUint(*timeout, 10, 32)
	if err != nil {
		return bad("--timeout %q: want a whole number of seconds from 0 to %d", *timeout, uint32(maxTTL))
	}
	anchor, err := secret.ParseAnchor(*anchorName)
	if err != nil {
		return bad("--anchor %q: want session, user, user-session or persistent", *anchorName)
	}
	if flags.NArg() != 1 {
		return bad("want one operation (get, store, erase or capability), not %d arguments", flags.NArg())
	}
	op := flags.Arg(0)
	h := &Helper{Timeout: time.Duration(secs) * time.Second}
	switch op {
	case "get", "store", "erase":
		h.Store, err = secret.Open(StoreName, secret.Options{Anchor: anchor})
	}
	if err == nil {
		err = h.Serve(op, stdin, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s: %s\n", Program, op, syslog.Escape(err.Error()))
		return 1
	}
	return 0
}
