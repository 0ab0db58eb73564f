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
// Two extensions: a comment line "#@timeout <seconds>" sets how long
// programs may run before they are killed (default DefaultTimeout; 0
// means no limit); the first such line read wins. A comment line "#@exec
// keyctl" has keyctl lines run as children (see Options.Keyctl).
// keyutils 1.6.3 sees comments.
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
//     counts as failed (op "negate" retry). So does a pipe-form program
//     that exits while a process it started still holds its stdout when
//     the timeout expires: "child exited 0 but its stdout was still open
//     when the timeout expired after 1m0s (held by a process it
//     started)"; the process group is killed and what was read is
//     discarded. A process that holds only its
//     stderr does not hold up the payload: stderr is read for one more
//     second after the program exited, then abandoned, with a log line.
//     A pipe-form timeout is logged even when the "negate" line finishes
//     the key. (1.6.3 reads stdout and stderr to their end, however long
//     that takes.)
//   - Debug output does not show key payloads substituted by
//     %{type:description}: "- argv[1] = (key payload, 6 bytes)".
//   - The pipe-form traces of 1.6.3 ("pipe_to_program(...)", "select
//     ...", "wrote", "read", "read err", "EPIPE") are not emitted; "child
//     exited", "instantiate with N bytes" and "instantiation successful"
//     are. A -vv match trace is one syslog message, not two. A last line
//     the program writes to stderr without a newline is logged too (1.6.3
//     drops it), and every "Child:" line ends in a newline on stderr.
//   - A normal-form line whose program is the system's keyctl
//     (/bin/keyctl, /usr/bin/keyctl, /sbin/keyctl or /usr/sbin/keyctl, an
//     ELF executable once symbolic links are resolved) with the command
//     instantiate, negate or reject, as the stock lines are, is run in
//     request-key's process (Options.Keyctl: cmd/request-key runs its own
//     keyctl's code) with the same arguments, authority (on the thread that
//     assumed it), standard streams and exit status, instead of starting a
//     keyctl process: observably, no child. A failure is handled as a
//     child's ("child exited <n>", and the key negated for NegateTimeout).
//     A "#@exec keyctl" comment line turns this off. (1.6.3 execs keyctl.)
//   - When request-key has no key left to finish (no authority, or the
//     normal-form program finished it), it exits with the program's exit
//     status, like 1.6.3, which becomes the program; a program killed by a
//     signal gives 128 plus the signal number (1.6.3 dies by the signal).
//   - --version prints "request-key from keyutils-1.6.3 (Go port
//     <version>, commit <commit>)" instead of a build date (see
//     internal/version), so that the line holds exactly one
//     "keyutils-<version>" for scripts to find.
//   - Everything request-key logs or prints in debug mode is escaped
//     (Logger): C0 control characters other than tab, DEL and bytes that
//     are not valid UTF-8 as \xhh, C1 control characters, U+2028, U+2029
//     and the bidirectional controls as \uhhhh. Printable ASCII, tab and
//     other UTF-8 text are unchanged (a backslash is not doubled), so
//     ordinary output is byte-identical. (1.6.3 prints them raw: a key
//     description such as "\033]0;...\a" or "\033[2J" drives the terminal
//     of whoever runs request-key -v, and a newline in a program's stderr,
//     or a NUL on a stream /dev/log, starts a forged log record.) A
//     program's stderr line is logged up to its first NUL, as by 1.6.3.
//   - Configuration files are opened without blocking and read one line at
//     a time, at most MaxFileSize (1 MiB) of each: a larger file is an
//     error at the line that crosses the limit. A request-key.conf that is
//     not a regular file or a directory (a FIFO, a device such as
//     /dev/zero, a socket) is skipped and "Ignoring <path>: not a regular
//     file" is logged. (1.6.3 hangs on a FIFO and crashes on /dev/zero.)
//   - Running as root, request-key skips any configuration file or
//     directory that a user other than root could change, and logs why
//     ("Ignoring /etc/request-key.conf: writable by group or others (mode
//     0664)"): one not owned by root, writable by group or others, or
//     reached through a directory (any, from /) or symbolic link that is
//     not root's in the same sense; a directory on the way may be
//     world-writable if it has the sticky bit, but request-key.d may not.
//     The other files are read. Not as root, nothing is checked. (1.6.3
//     reads what is there: whoever can write it can run programs as root.)
package requestkey
