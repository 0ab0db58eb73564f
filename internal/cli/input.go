//go:build linux

package cli

import (
	"errors"
	"io"
)

// maxStdin is how much of standard input keyctl consumes: 1 MiB, the rest
// is left unread.
const maxStdin = 1 << 20

// readStdin reads standard input to EOF, at most maxStdin bytes. A read
// error is reported as "stdin: <text>" with exit status 1. The data may be
// a payload: the buffers it outgrows on the way are wiped, and so is what
// was read when it fails. The caller wipes the result.
func (c *ctx) readStdin() ([]byte, error) {
	buf := make([]byte, 0, 4096)
	for len(buf) < maxStdin {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), maxStdin))
			copy(grown, buf)
			clear(buf)
			buf = grown
		}
		n, err := c.in.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			clear(buf)
			return nil, c.perror("stdin", err)
		}
	}
	return buf, nil
}

// unhex decodes keyctl's -x data: pairs of hex digits, with C isspace
// whitespace allowed between pairs. A lone last digit is "Short hex
// doublet", anything else not hex "Bad hex doublet", both exit status 1.
func (c *ctx) unhex(s []byte) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); {
		if isSpace(s[i]) {
			i++
			continue
		}
		if i+1 >= len(s) {
			clear(out)
			return nil, c.fail(exitFail, "Short hex doublet")
		}
		hi, lo := digitVal(s[i]), digitVal(s[i+1])
		if hi >= 16 || lo >= 16 {
			clear(out)
			return nil, c.fail(exitFail, "Bad hex doublet")
		}
		out = append(out, byte(hi<<4|lo))
		i += 2
	}
	return out, nil
}

// hexOpt strips a leading "-x" from args and reports whether it was there.
func hexOpt(args []string) ([]string, bool) {
	if len(args) > 0 && args[0] == "-x" {
		return args[1:], true
	}
	return args, false
}

// payload returns data, hex-decoded when hex is set and data is not empty.
// A decoded payload is a new buffer: data, the hex text, is then wiped,
// and so is everything when decoding fails. The caller wipes the result.
func (c *ctx) payload(data []byte, hex bool) ([]byte, error) {
	if !hex || len(data) == 0 {
		return data, nil
	}
	defer clear(data)
	return c.unhex(data)
}
