//go:build linux

// Command request-key is the kernel's key-construction upcall program, a
// drop-in replacement for /sbin/request-key from keyutils 1.6.3. The kernel
// runs it as
//
//	request-key <op> <key> <uid> <gid> <threadring> <processring> <sessionring>
//
// when request_key(2) needs a key constructed; it picks a line of
// /etc/request-key.d/*.conf and /etc/request-key.conf and runs that line's
// program. See package requestkey for the configuration and for the
// differences from keyutils 1.6.3, and request-key(8) for the options:
//
//	-d        debug mode: no authority, fake key (-D), programs not run
//	-D desc   raw key description for debug mode
//	-l        read request-key.d/ and request-key.conf from the current directory
//	-n        do not log to syslog
//	-v        more diagnostics on stderr (repeatable)
//	--version print the version (only as the single argument)
//
// Errors exit 1 and are logged to syslog (ident request-key, facility
// LOG_AUTHPRIV), and to stderr with -v. After assuming authority over the
// key, request-key never exits leaving it uninstantiated: on error it
// negates the key for requestkey.NegateTimeout (5 s).
//
// Everything it logs or prints in debug mode is escaped (control
// characters, invalid UTF-8), so that key descriptions, callout info and
// programs' stderr cannot forge log records or drive a terminal; and,
// running as root, it skips (and logs) configuration files that a user
// other than root could change. See requestkey.Logger and requestkey.Load.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/keyutils-go/keyutils/internal/cli"
	"github.com/keyutils-go/keyutils/internal/syslog"
	"github.com/keyutils-go/keyutils/internal/version"
	"github.com/keyutils-go/keyutils/requestkey"
)

// testBinary is set by the variable initialisation of upcall_test.go,
// which runs before any init function: in a test binary, init leaves the
// process to the tests.
var testBinary bool

// init runs request-key, and exits. Key authority (KEYCTL_ASSUME_AUTHORITY)
// belongs to a thread, so all the work must be done on one, and the
// programs it runs must be started from it. The Go runtime runs package
// initialisation with the main goroutine locked to the process's main
// thread (see runtime.main), so init has that guarantee for free;
// runtime.LockOSThread, the usual way to keep it for main, also starts the
// runtime's template thread, which the kernel's upcall then waits for
// (BENCHMARKS.md).
func init() {
	if testBinary {
		return
	}
	growStack()
	os.Exit(run(os.Args))
}

// growStack makes the goroutine's stack 32 KiB deep while the stack holds
// two frames. A goroutine starts with a small stack that the runtime
// doubles, copying it and walking each of its frames' stack maps, every
// time a call needs more; request-key's calls need ~16 KiB (the time zone
// read for syslog's timestamp alone has a 4 KiB frame), and growing there,
// deep in the call chain, cost ~5 % of an upcall's run time (perf). One
// growth here, where the walk is short, measured 0.05–0.09 ms less per
// upcall.
//
//go:noinline
func growStack() {
	var pad [24 << 10]byte
	touch(pad[:])
}

// touch uses b, so that growStack's frame is not optimised away.
//
//go:noinline
func touch(b []byte) { b[len(b)-1] = 1 }

// main is not reached: init exits.
func main() {}

// options is the result of command-line parsing.
type options struct {
	debug, local, noLog bool
	verbose             int
	desc                string
	descSet             bool     // -D given, maybe with ""
	args                []string // positional arguments
}

// parseArgs parses args (without argv[0]) as glibc's getopt(3) with
// "D:dlnv": options may follow operands (unless POSIXLY_CORRECT is set:
// then the first operand ends them), "--" ends them, unknown options are
// reported on stderr, prefixed with prog as getopt does with argv[0], and
// otherwise ignored. Both are escaped (syslog.Escape) on stderr: an
// unknown option byte that is a control character or not ASCII is shown
// as \xhh.
func parseArgs(prog string, args []string) options {
	var o options
	_, posix := os.LookupEnv("POSIXLY_CORRECT")
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.args = append(o.args, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if posix {
				o.args = append(o.args, args[i:]...)
				break
			}
			o.args = append(o.args, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'd':
				o.debug = true
			case 'l':
				o.local = true
			case 'n':
				o.noLog = true
			case 'v':
				o.verbose++
			case 'D':
				switch {
				case j+1 < len(a):
					o.desc, o.descSet = a[j+1:], true
				case i+1 < len(args):
					i++
					o.desc, o.descSet = args[i], true
				default:
					fmt.Fprintf(os.Stderr, "%s: option requires an argument -- 'D'\n", syslog.Escape(prog))
				}
				j = len(a)
			default:
				fmt.Fprintf(os.Stderr, "%s: invalid option -- '%s'\n", syslog.Escape(prog), syslog.Escape(a[j:j+1]))
			}
		}
	}
	return o
}

func run(argv []string) int {
	if len(argv) == 2 && argv[1] == "--version" {
		fmt.Println(version.Line("request-key"))
		return 0
	}
	o := parseArgs(argv[0], argv[1:])
	log := &requestkey.Logger{Verbose: o.verbose, Stderr: os.Stderr}
	if !o.noLog {
		// Connected at the first message; with no syslog socket
		// (containers, early boot) messages go nowhere.
		w := syslog.Open(syslog.LogAuthpriv, "request-key")
		log.Syslog = w
		defer w.Close()
	}
	dir := "/etc"
	if o.local {
		dir = ""
	}
	// As request-key(8) does; the programs it runs inherit this.
	signal.Ignore(syscall.SIGPIPE)
	err := requestkey.Run(o.args, &requestkey.Options{
		Dir:                 dir,
		Debug:               o.debug,
		DebugDescription:    o.desc,
		DebugDescriptionSet: o.descSet,
		Log:                 log,
		Keyctl:              keyctl,
		ThreadLocked:        true, // run in init, on the main thread
	})
	var st *requestkey.ExitStatus
	if errors.As(err, &st) {
		return st.Code
	}
	if err != nil {
		log.Errorf("%v", err)
		return 1
	}
	return 0
}

// keyctl runs a keyctl command line in process, on the goroutine that
// holds the authority over the key: the instantiate, negate and reject
// lines of request-key.conf (requestkey.Options.Keyctl).
func keyctl(args []string) int {
	return cli.MainConstruct(args, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
}
