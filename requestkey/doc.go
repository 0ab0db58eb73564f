// Package requestkey implements request-key(8), the program the kernel runs
// to construct a key that request_key(2) did not find, and lets Go programs
// be such constructors.
//
// # Configuration
//
// The configuration is read from /etc/request-key.d/*.conf, then
// /etc/request-key.conf (Load). Blank lines, lines starting with '#' and
// lines starting with white space are ignored. Every other line is
//
//	<op> <type> <description> <callout-info> <program> <arg>...
//
// The first four fields are patterns matched against the operation
// ("create"; "negate" on the pipe-form retry), the key type, the key
// description and the callout info. The first '*' of a pattern stands for
// any string (Match). Of the matching lines, the one whose '*'s cover the
// fewest bytes wins, field by field from the left, and the first one read
// on ties (Config.Lookup). Its program is run with the macros of its
// arguments expanded (Rule.Command): %o %k %t %d %c %u %g %T %P %S, %%...
// and %{type:description}. A program written "|prog" runs in pipe form:
// it gets the callout info on stdin and its stdout becomes the payload
// (Run).
//
// One extension: a comment line "#@timeout <seconds>" sets how long
// programs may run before they are killed (default DefaultTimeout; 0
// means no limit). The first such line read wins. keyutils 1.6.3 sees a
// comment.
//
// # Go handlers
//
// Serve is the whole main function of a Go program that a configuration
// line names, e.g. "create user myapp:* * /usr/local/sbin/myapp-key %k":
// the Handler gets the key's description and callout info and returns the
// payload, or an error that negates or rejects the key (Rejection).
//
// # Differences from keyutils 1.6.3
//
// The behaviour, messages and debug output are those of request-key 1.6.3,
// except for these bug fixes and changes:
//
//   - A "prefix*suffix" pattern matches data that start with prefix and end
//     with suffix. (1.6.3 compares the end of the data with the first
//     len(suffix) bytes of the pattern: "a*c" matched "aba", not "abc".)
//   - The last line of a file that does not end in a newline keeps its last
//     character, and is read as if it had one (so it may be 4095 bytes
//     long, and a one-character last line is a syntax error). (1.6.3
//     always removes the last character of a line, and ignores a last line
//     of one character.) Likewise a line ends at a NUL byte. (1.6.3 removes
//     the character before the NUL, and dies with SIGSEGV on a line that
//     starts with one.)
//   - A program path without '/' is a syntax error naming the file and
//     line, reported after the arguments are expanded; so is an empty one
//     ("| /bin/cat"). (1.6.3 dies with SIGSEGV when verbose and otherwise
//     fails to execute it, or prints "-- exec disabled --" in debug mode.)
//   - The files of request-key.d are read in name order, so ties between
//     lines of different files are broken the same way on every machine.
//     (1.6.3 uses readdir order.)
//   - Errors raised while expanding and running the chosen line's program
//     name that line's file and line number. (1.6.3 prints an empty file
//     name and a stale line number, e.g. ":16: Unsupported macro", and no
//     prefix at all for "keysub ... data not printable", "child exited",
//     "child died on signal", "Too much data read from query program" and
//     "instantiate key failed".) "No matching action" has no prefix
//     (1.6.3: ": No matching action").
//   - When a pipe-form program fails, the lookup for op "negate" is a
//     fresh one: the best matching "negate" line runs, such as the stock
//     "negate * * * /bin/keyctl negate %k 30 %S". If there is none, the
//     program's failure is reported. (1.6.3 keeps the failed line's
//     wildness and program: a "negate" line runs only if it matches
//     strictly better than the create line, which "negate * * *" never
//     does, and otherwise the failed program is run a second time.)
//   - Programs are run as children and waited for instead of replacing
//     request-key (execv), so that request-key can enforce the timeout and
//     check the result. If a program exits, fails or is killed without
//     having instantiated, negated or rejected the key, request-key
//     negates it for NegateTimeout. More generally, once request-key has
//     assumed authority over a key it never exits without the key being
//     finished: every error negates it for NegateTimeout (5 s) and is
//     logged. (1.6.3 leaves it to the kernel, which negates for 60 s.)
//   - Programs are killed, with their process group, after the timeout
//     (DefaultTimeout, 60 s, or "#@timeout"); the kernel waits for
//     request-key uninterruptibly, so a hanging program would otherwise
//     hang the requesting process for ever. A killed pipe-form program
//     counts as failed (op "negate" retry).
//   - Debug output does not show key payloads substituted by
//     %{type:description}: "- argv[1] = (key payload, 6 bytes)".
//   - The pipe-form traces of 1.6.3 ("pipe_to_program(...)", "select
//     ...", "wrote", "read", "read err", "EPIPE") are not emitted; "child
//     exited", "instantiate with N bytes" and "instantiation successful"
//     are. A -vv match trace is one syslog message, not two. A last line
//     the program writes to stderr without a newline is logged too (1.6.3
//     drops it), and every "Child:" line ends in a newline on stderr.
//   - When request-key has no key left to finish (no authority, or the
//     normal-form program finished it), it exits with the program's exit
//     status, like 1.6.3, which becomes the program; a program killed by a
//     signal gives 128 plus the signal number (1.6.3 dies by the signal).
//   - --version prints "request-key from keyutils-1.6.3 (Go port
//     <version>)" instead of a build date, so that the line holds exactly
//     one "keyutils-<version>" for scripts to find.
package requestkey
