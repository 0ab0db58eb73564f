package requestkey

import (
	"fmt"
	"strings"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/errtext"
)

// MaxArgs is the most arguments (after argv[0]) a program may be given.
const MaxArgs = 253

// Command is the program a Rule runs for an Upcall, with its macros
// expanded.
type Command struct {
	Rule *Rule    // the line it comes from
	Pipe bool     // "|" form: callout info on stdin, payload from stdout
	Path string   // program path
	Args []string // argv; Args[0] is the last element of Path

	fromKey []bool // Args[i] holds a key payload (%{type:desc}): not logged
}

// program splits r.Program into pipe flag, path and argument tokens as
// request-key(8) does: the path is what precedes the first white space
// after the optional '|', even if that is nothing ("| /bin/cat").
func (r *Rule) program() (pipe bool, path string, tokens []string) {
	p := r.Program
	if strings.HasPrefix(p, "|") {
		pipe, p = true, p[1:]
	}
	i := 0
	for i < len(p) && !isSpace(p[i]) {
		i++
	}
	return pipe, p[:i], fields(p[i:])
}

// checkPath rejects an empty program path and, as an upstream fix, a
// path without '/' (request-key(8) crashes with SIGSEGV on it, or fails
// to execute it with EFAULT).
func (r *Rule) checkPath(path string) error {
	if path == "" {
		return r.syntaxError()
	}
	if !strings.Contains(path, "/") {
		return lineError(r.File, r.Line, ErrSyntax,
			fmt.Sprintf("Program path '%s' is not a path (it must contain '/')", path))
	}
	return nil
}

// checkProgram reports the errors Command would find in the program part
// of r, other than macro errors.
func (r *Rule) checkProgram() error {
	_, path, tokens := r.program()
	if len(tokens) > MaxArgs {
		return r.tooManyArgs()
	}
	return r.checkPath(path)
}

func (r *Rule) tooManyArgs() error {
	return lineError(r.File, r.Line, ErrSyntax, "Too many arguments")
}

// keySub returns the payload of the key a %{type:desc} macro names.
type keySub func(keyType, desc string) (keyutils.Serial, []byte, error)

// Command returns the command r runs for u, expanding the macros of its
// arguments. Macros apply to whole arguments only:
//
//	%%...   the argument with one '%' removed
//	%o %k %t %d %c %u %g %T %P %S
//	        u's Op, Key, Type, Description, Callout, UID, GID,
//	        ThreadRing, ProcessRing and SessionRing
//	%{type:description}
//	        the payload (which must be printable ASCII) of the key found by
//	        request_key(2) without callout: a search of the requester's
//	        keyrings when authority over the key is assumed
//	%xy...  (two or more characters, not '{') passed unchanged
//
// A lone '%' or '%' and any other single character (also "%{") is an
// error. Errors
// name r's file and line (upstream fix: request-key(8) gives an empty file
// name and a wrong line number here).
func (r *Rule) Command(u *Upcall, log *Logger) (*Command, error) {
	return r.command(u, log, defaultKeySub)
}

func (r *Rule) command(u *Upcall, log *Logger, ks keySub) (*Command, error) {
	log.Debugf(1, "execute_program('%s','%s')", u.Callout, r.Program)
	pipe, path, tokens := r.program()
	c := &Command{Rule: r, Pipe: pipe, Path: path}
	c.Args = append(c.Args, path[strings.LastIndexByte(path, '/')+1:])
	c.fromKey = append(c.fromKey, false)
	for i, t := range tokens {
		if i+1 > MaxArgs {
			return nil, r.tooManyArgs()
		}
		log.Debugf(1, "argv[%d]: '%s'", i+1, t)
		a, key, err := expand(t, u, log, ks)
		if err != nil {
			return nil, lineError(r.File, r.Line, ErrMacro, err.Error())
		}
		c.Args = append(c.Args, a)
		c.fromKey = append(c.fromKey, key)
	}
	// Checked where request-key(8) would crash: after the arguments.
	if err := r.checkPath(path); err != nil {
		return nil, err
	}
	return c, nil
}

type macroError string

func (e macroError) Error() string { return string(e) }

func expand(t string, u *Upcall, log *Logger, ks keySub) (arg string, fromKey bool, err error) {
	if !strings.HasPrefix(t, "%") {
		return t, false, nil
	}
	switch {
	case len(t) == 1:
		return "", false, macroError("Missing macro name")
	case t[1] == '%':
		return t[1:], false, nil
	case len(t) > 2 && t[1] == '{':
		return expandKey(t, log, ks)
	case len(t) > 2:
		return t, false, nil
	}
	switch t[1] {
	case 'o':
		return u.Op, false, nil
	case 'k':
		return u.Key, false, nil
	case 't':
		return u.Type, false, nil
	case 'd':
		return u.Description, false, nil
	case 'c':
		return u.Callout, false, nil
	case 'u':
		return u.UID, false, nil
	case 'g':
		return u.GID, false, nil
	case 'T':
		return u.ThreadRing, false, nil
	case 'P':
		return u.ProcessRing, false, nil
	case 'S':
		return u.SessionRing, false, nil
	}
	return "", false, macroError("Unsupported macro")
}

func expandKey(t string, log *Logger, ks keySub) (string, bool, error) {
	body := t[2:]
	colon := strings.IndexByte(body, ':')
	if colon < 0 {
		return "", false, macroError("Keysub macro lacks ':'")
	}
	end := strings.IndexByte(body[colon:], '}')
	if end < 0 {
		return "", false, macroError("Unterminated keysub macro")
	}
	end += colon
	if end != len(body)-1 {
		return "", false, macroError("Keysub macro has trailing rubbish")
	}
	typ, desc := body[:colon], body[colon+1:end]
	log.Debugf(1, "Keysub: %s key \"%s\"", typ, desc)
	if typ == "" {
		return "", false, macroError("Keysub type empty")
	}
	if desc == "" {
		return "", false, macroError("Keysub description empty")
	}
	id, p, err := ks(typ, desc)
	if err != nil {
		return "", false, err
	}
	for _, b := range p {
		if b < 0x20 || b > 0x7e {
			keyutils.Wipe(p)
			return "", false, macroError(fmt.Sprintf("keysub %d data not printable ('%02x')", id, b))
		}
	}
	s := string(p)
	keyutils.Wipe(p)
	return s, true, nil
}

func defaultKeySub(keyType, desc string) (keyutils.Serial, []byte, error) {
	id, err := keyutils.RequestKey(keyType, desc, nil)
	if err != nil {
		return 0, nil, macroError("Keysub key not found: " + errtext.Of(err))
	}
	p, err := keyutils.Read(id)
	if err != nil {
		return id, nil, macroError(fmt.Sprintf("Can't read keysub %d data: %s", id, errtext.Of(err)))
	}
	return id, p, nil
}

// logArgs writes the "- argv[i] = ..." debug lines; arguments holding key
// payloads are not shown.
func (c *Command) logArgs(log *Logger) {
	for i, a := range c.Args {
		if c.fromKey[i] {
			log.Debugf(1, "- argv[%d] = (key payload, %d bytes)", i, len(a))
		} else {
			log.Debugf(1, "- argv[%d] = \"%s\"", i, a)
		}
	}
}
