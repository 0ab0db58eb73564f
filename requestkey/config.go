package requestkey

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keyutils-go/keyutils/internal/errtext"
)

// MaxLine is the longest configuration line request-key accepts, in bytes,
// including its newline if it has one.
const MaxLine = 4095

// MaxFileSize is the largest configuration file request-key reads, in
// bytes; it stops at the line that goes past it, with an error.
const MaxFileSize = 1 << 20

// Config is the parsed request-key configuration: the lines of every file
// in the order request-key reads them.
type Config struct {
	// Rules are the configuration lines other than comments and blank
	// lines, in reading order.
	Rules []Rule
	// Timeout is the time a program may run before request-key kills it,
	// from the first "#@timeout" directive read; 0 if there was none.
	// See Options.Timeout.
	Timeout time.Duration
	// HasTimeout reports whether a "#@timeout" directive was read.
	HasTimeout bool
	// ExecKeyctl is set by a "#@exec keyctl" directive: keyctl lines are
	// run as children even when Options.Keyctl is set.
	ExecKeyctl bool
	// Skipped lists the files and directories that were not read, and
	// why: each is an *Error wrapping ErrNotRegular or ErrUntrusted. See
	// Load.
	Skipped []error

	// stop is the error that ended reading (a file that cannot be opened
	// or read, a line too long, a bad directive), after the rules read
	// before it. Lookup reports it when it gets there, after the trace of
	// the lines before it, as request-key(8) does: it reads and matches
	// line by line.
	stop error

	scan  string   // the directory scanned, for the "__ SCAN" trace; "" if none
	files []source // the files read, for the "__ read" trace
}

type source struct {
	name  string // as shown in messages
	first int    // index in Rules of its first rule
}

// Rule is one configuration line:
//
//	<op> <type> <description> <callout-info> <program> <arg>...
//
// A line with missing fields is kept: like request-key(8), Lookup reports
// its syntax error only if the fields before the missing one match.
type Rule struct {
	File     string    // file name as shown in messages
	Line     int       // 1-based line number
	Patterns [4]string // op, type, description and callout-info patterns
	Program  string    // the rest of the line: program and arguments, possibly "|"-prefixed

	n int // number of patterns present (4 when the line is complete)
}

// Load reads the configuration from dir, which is "/etc" normally and ""
// (the current directory) for request-key -l: first every "*.conf" file of
// dir/request-key.d, sorted by name, then dir/request-key.conf. Missing
// files and directories are skipped. Only regular files whose name does not
// start with '.' are read from request-key.d, as in request-key(8); they are
// named in messages by their bare file name.
//
// Files are read line by line (see Parse), at most MaxFileSize bytes of
// each. A request-key.conf that is not a regular file or a directory (a
// FIFO, a device, a socket) is skipped, and so, when the caller runs as
// root, is a file or directory that a user other than root could change:
// one not owned by root, writable by group or others, or reached through
// such a directory or symbolic link (directories with the sticky bit
// excepted). Skipped files and directories are listed, with the reason,
// in the Config's Skipped; Run logs them.
func Load(dir string) (*Config, error) {
	c := load(dir)
	if c.stop != nil {
		return nil, c.stop
	}
	return c, nil
}

// load is Load, but returns what was read before an error, with the error
// in c.stop.
func load(dir string) *Config {
	c := &Config{}
	d := filepath.Join(dir, "request-key.d")
	c.scan = d
	if c.loadDir(d) != nil {
		return c
	}
	f := filepath.Join(dir, "request-key.conf")
	c.load(f, f, nil)
	return c
}

// loadDir reads the files of the request-key.d directory d.
func (c *Config) loadDir(d string) error {
	df, err := openConfig(d, true)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var skip *Error
	if errors.As(err, &skip) {
		c.Skipped = append(c.Skipped, skip)
		return nil
	}
	if err != nil {
		c.stop = openError(d, err)
		return c.stop
	}
	defer df.Close()
	ents, err := df.ReadDir(-1)
	if err != nil {
		c.stop = openError(d, err)
		return c.stop
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") || len(n) < 5 || !strings.HasSuffix(n, ".conf") || !e.Type().IsRegular() {
			continue
		}
		if c.load(filepath.Join(d, n), n, df) != nil {
			return c.stop
		}
	}
	return nil
}

// load reads one file, named name in messages, or the entry path of the
// directory d if d is not nil. A missing file is traced as read, as by
// request-key(8), and skipped; so is one that must be skipped, with the
// reason in c.Skipped.
func (c *Config) load(path, name string, d *os.File) error {
	var f *os.File
	var err error
	if d != nil {
		f, err = openConfigAt(d, path, filepath.Base(path))
	} else {
		f, err = openConfig(path, false)
	}
	var skip *Error
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.files = append(c.files, source{name: name, first: len(c.Rules)})
		return nil
	case errors.As(err, &skip):
		c.files = append(c.files, source{name: name, first: len(c.Rules)})
		c.Skipped = append(c.Skipped, skip)
		return nil
	case err != nil:
		c.files = append(c.files, source{name: name, first: len(c.Rules)})
		c.stop = openError(name, err)
		return c.stop
	}
	defer f.Close()
	return c.read(name, f)
}

func openError(path string, err error) error {
	return &Error{Msg: "Cannot open " + path + ": " + errtext.Of(err), Err: err}
}

// Parse adds the lines of one configuration file, named name in messages,
// to c. It fails, naming file and line, on a line longer than MaxLine, a
// malformed "#@timeout" directive, or a line that takes the file past
// MaxFileSize; the lines before it are kept, and Lookup reports the error
// when it gets past them.
//
// A line is read up to its first NUL byte, like a C string.
func (c *Config) Parse(name string, data []byte) error {
	return c.read(name, bytes.NewReader(data))
}

// read is Parse, reading the file from r one line at a time: at most
// MaxLine+1 bytes are held at once, and at most MaxFileSize are read.
func (c *Config) read(name string, r io.Reader) error {
	if c.stop != nil {
		return c.stop
	}
	c.files = append(c.files, source{name: name, first: len(c.Rules)})
	br := bufio.NewReaderSize(r, MaxLine+1)
	size := 0
	for no := 1; ; no++ {
		line, err := br.ReadSlice('\n')
		n := len(line) // length with the newline, as request-key(8) checks it
		switch {
		case err == bufio.ErrBufferFull:
			n = MaxLine + 1
		case err == io.EOF && n == 0:
			return nil
		case err != nil && err != io.EOF:
			c.stop = &Error{Msg: name + ": error " + errtext.Of(err), Err: err}
			return c.stop
		}
		if n > MaxLine {
			c.stop = lineError(name, no, ErrSyntax, "Line too long")
			return c.stop
		}
		if size += n; size > MaxFileSize {
			c.stop = lineError(name, no, ErrSyntax, "File too large")
			return c.stop
		}
		// Upstream fix: a last line without a newline (io.EOF) keeps
		// its last character.
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if i := indexByte(line, 0); i >= 0 {
			// Upstream fix: request-key(8) removes the character
			// before the NUL, and crashes on a line starting with one.
			line = line[:i]
		}
		s := string(line)
		if s == "" || isSpace(s[0]) {
			continue
		}
		if s[0] == '#' {
			if err := c.directive(name, no, s); err != nil {
				c.stop = err
				return err
			}
			continue
		}
		c.Rules = append(c.Rules, parseRule(name, no, s))
	}
}

// directive handles "#@timeout <seconds>" and "#@exec keyctl", comments
// to request-key(8).
func (c *Config) directive(name string, no int, s string) error {
	if rest, ok := strings.CutPrefix(s, "#@exec"); ok && (rest == "" || isSpace(rest[0])) {
		if f := fields(rest); len(f) != 1 || f[0] != "keyctl" {
			return lineError(name, no, ErrSyntax, "Bad exec directive")
		}
		c.ExecKeyctl = true
		return nil
	}
	rest, ok := strings.CutPrefix(s, "#@timeout")
	if !ok || (rest != "" && !isSpace(rest[0])) {
		return nil
	}
	f := fields(rest)
	var n int64
	var err error
	if len(f) == 1 {
		n, err = strconv.ParseInt(f[0], 10, 32)
	}
	if len(f) != 1 || err != nil || n < 0 {
		return lineError(name, no, ErrSyntax, "Bad timeout directive")
	}
	if !c.HasTimeout {
		c.Timeout, c.HasTimeout = time.Duration(n)*time.Second, true
	}
	return nil
}

func parseRule(name string, no int, s string) Rule {
	r := Rule{File: name, Line: no}
	for r.n < 4 {
		// As in request-key(8), a match field must be followed by white
		// space; one that reaches the end of the line (or is missing) is
		// a syntax error if the fields before it match.
		s = trimSpace(s)
		i := 0
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return r
		}
		r.Patterns[r.n], s = s[:i], s[i:]
		r.n++
	}
	r.Program = trimSpace(s)
	return r
}

// Complete reports whether the line has all its fields.
func (r *Rule) Complete() bool { return r.n == 4 && r.Program != "" }

// Check returns the syntax error of every incomplete line of c, joined,
// or nil. request-key itself reports such a line only when it gets to it
// while matching; Check is for validating a configuration.
func (c *Config) Check() error {
	var errs []error
	for i := range c.Rules {
		r := &c.Rules[i]
		if !r.Complete() {
			errs = append(errs, r.syntaxError())
			continue
		}
		if err := r.checkProgram(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Rule) syntaxError() error { return lineError(r.File, r.Line, ErrSyntax, "Syntax error") }

// isSpace is C's isspace in the C locale.
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

func trimSpace(s string) string {
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// fields splits s at runs of C-locale white space.
func fields(s string) []string {
	var f []string
	for s = trimSpace(s); s != ""; s = trimSpace(s) {
		i := 0
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		f = append(f, s[:i])
		s = s[i:]
	}
	return f
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
