//go:build linux

package cli

import (
	"strconv"
	"unicode/utf8"
)

// The --json documents are encoded by hand, exactly as encoding/json
// encodes the types of json.go with HTML escaping off (jsonenc_test.go
// checks it on random values): linking encoding/json costs every keyctl
// and request-key run ~0.14 ms of start-up (BENCHMARKS.md), ~8% of a
// trivial command, for an extension few runs use.

// jsonValue is a document writeJSON prints.
type jsonValue interface {
	appendJSON(b []byte) []byte
}

// jsonObject appends the members of one JSON object to b.
type jsonObject struct {
	b []byte
	n int // members so far
}

func newJSONObject(b []byte) jsonObject { return jsonObject{b: append(b, '{')} }

// key starts member name.
func (o *jsonObject) key(name string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = appendJSONString(o.b, name)
	o.b = append(o.b, ':')
}

func (o *jsonObject) int(name string, v int64) {
	o.key(name)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *jsonObject) bool(name string, v bool) {
	o.key(name)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *jsonObject) string(name, v string) {
	o.key(name)
	o.b = appendJSONString(o.b, v)
}

// stringOmit is string for a field tagged omitempty.
func (o *jsonObject) stringOmit(name, v string) {
	if v != "" {
		o.string(name, v)
	}
}

// int32s appends member name, the list v (null when nil).
func (o *jsonObject) int32s(name string, v []int32) {
	o.key(name)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '[')
	for i, x := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = strconv.AppendInt(o.b, int64(x), 10)
	}
	o.b = append(o.b, ']')
}

// keys appends member name, the keys ks.
func (o *jsonObject) keys(name string, ks []*KeyJSON) {
	o.key(name)
	if ks == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '[')
	for i, k := range ks {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = k.appendJSON(o.b)
	}
	o.b = append(o.b, ']')
}

func (o *jsonObject) end() []byte { return append(o.b, '}') }

const jsonHex = "0123456789abcdef"

// appendJSONString appends s as a JSON string, as encoding/json does with
// HTML escaping off: '"', '\\' and the control characters escaped (\b,
// \f, \n, \r, \t, else \u00XX), each byte of invalid UTF-8 as \ufffd, and
// U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONBytes appends p as encoding/json encodes a []byte: a string of
// its standard, padded base64 encoding.
func appendJSONBytes(b []byte, p []byte) []byte {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b = append(b, '"')
	for len(p) >= 3 {
		v := uint(p[0])<<16 | uint(p[1])<<8 | uint(p[2])
		b = append(b, enc[v>>18&0x3f], enc[v>>12&0x3f], enc[v>>6&0x3f], enc[v&0x3f])
		p = p[3:]
	}
	switch len(p) {
	case 1:
		v := uint(p[0]) << 16
		b = append(b, enc[v>>18&0x3f], enc[v>>12&0x3f], '=', '=')
	case 2:
		v := uint(p[0])<<16 | uint(p[1])<<8
		b = append(b, enc[v>>18&0x3f], enc[v>>12&0x3f], enc[v>>6&0x3f], '=')
	}
	return append(b, '"')
}

func (k *KeyJSON) appendJSON(b []byte) []byte {
	if k == nil {
		return append(b, "null"...)
	}
	o := newJSONObject(b)
	o.int("serial", int64(k.Serial))
	o.stringOmit("error", k.Error)
	o.stringOmit("type", k.Type)
	o.string("description", k.Description)
	if len(k.DescriptionBytes) > 0 {
		o.key("description_bytes")
		o.b = appendJSONBytes(o.b, k.DescriptionBytes)
	}
	o.int("uid", int64(k.UID))
	o.int("gid", int64(k.GID))
	o.string("perm", k.Perm)
	o.string("perm_text", k.PermText)
	o.stringOmit("flags", k.Flags)
	if len(k.State) > 0 {
		o.key("state")
		o.b = append(o.b, '[')
		for i, s := range k.State {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendJSONString(o.b, s)
		}
		o.b = append(o.b, ']')
	}
	o.stringOmit("timeout", k.Timeout)
	if k.TimeoutSeconds != nil {
		o.int("timeout_seconds", *k.TimeoutSeconds)
	}
	if k.Usage != 0 {
		o.int("usage", int64(k.Usage))
	}
	if len(k.Keys) > 0 {
		o.keys("keys", k.Keys)
	}
	o.stringOmit("keys_error", k.KeysError)
	return o.end()
}

func (l ListJSON) appendJSON(b []byte) []byte {
	o := newJSONObject(b)
	o.int("keyring", int64(l.Keyring))
	o.int32s("members", l.Members)
	if len(l.Keys) > 0 {
		o.keys("keys", l.Keys)
	}
	return o.end()
}

func (w WhyJSON) appendJSON(b []byte) []byte {
	o := newJSONObject(b)
	o.key("key")
	o.b = w.Key.appendJSON(o.b)
	o.string("need", w.Need)
	o.bool("allowed", w.Allowed)
	o.bool("ok", w.OK)
	o.stringOmit("state_error", w.StateError)
	if w.Caller != nil {
		o.key("caller")
		o.b = w.Caller.appendJSON(o.b)
	}
	o.bool("possessed", w.Possessed)
	o.bool("reachable", w.Reachable)
	o.stringOmit("top", w.Top)
	if len(w.Chain) > 0 {
		o.int32s("chain", w.Chain)
	}
	if len(w.Unchecked) > 0 {
		o.int32s("unchecked", w.Unchecked)
	}
	o.stringOmit("class", w.Class)
	o.stringOmit("class_rights", w.ClassRights)
	o.stringOmit("possessor_rights", w.PossessorRights)
	o.stringOmit("granted", w.Granted)
	o.bool("by_possession", w.ByPossession)
	o.bool("owner", w.Owner)
	if len(w.Remedies) > 0 {
		o.key("remedies")
		o.b = append(o.b, '[')
		for i, r := range w.Remedies {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = r.appendJSON(o.b)
		}
		o.b = append(o.b, ']')
	}
	return o.end()
}

func (c *Caller) appendJSON(b []byte) []byte {
	o := newJSONObject(b)
	o.int("uid", int64(c.UID))
	o.int("gid", int64(c.GID))
	o.key("groups")
	if c.Groups == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i, g := range c.Groups {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = strconv.AppendInt(o.b, int64(g), 10)
		}
		o.b = append(o.b, ']')
	}
	return o.end()
}

func (r RemedyJSON) appendJSON(b []byte) []byte {
	o := newJSONObject(b)
	o.string("kind", r.Kind)
	o.stringOmit("command", r.Command)
	o.stringOmit("perm", r.Perm)
	o.bool("feasible", r.Feasible)
	return o.end()
}
