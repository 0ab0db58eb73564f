//go:build linux

package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// stdJSON is what encoding/json prints for v, as writeJSON did with it.
func stdJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jsonGen makes random values of the --json types, with the strings,
// numbers and nil/empty cases where encodings differ.
type jsonGen struct{ r *rand.Rand }

var jsonPieces = []string{
	"", "a", "key:desc", `"`, `\`, "<&>", "\x00", "\x01", "\b", "\f", "\n", "\r", "\t", "\x1f", " ", "\x7f",
	"é", "€", "𝄞", "\u2028", "\u2029", "\u2027", "\u202a", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80",
	"\xf4\x90\x80\x80", "\xef\xbf\xbd", "/", "%", "keyring", "_ses", "alswrv-----v------------",
}

func (g jsonGen) string() string {
	if g.r.IntN(4) == 0 {
		return ""
	}
	var b []byte
	for range g.r.IntN(6) {
		if g.r.IntN(3) == 0 {
			b = append(b, byte(g.r.IntN(256)))
		} else {
			b = append(b, jsonPieces[g.r.IntN(len(jsonPieces))]...)
		}
	}
	return string(b)
}

func (g jsonGen) strings() []string {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	s := make([]string, 1+g.r.IntN(3))
	for i := range s {
		s[i] = g.string()
	}
	return s
}

func (g jsonGen) int() int {
	switch g.r.IntN(5) {
	case 0:
		return 0
	case 1:
		return -1
	case 2:
		return math.MaxInt32
	case 3:
		return math.MinInt
	}
	return g.r.IntN(1<<20) - 1<<19
}

func (g jsonGen) int32s() []int32 {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []int32{}
	}
	s := make([]int32, 1+g.r.IntN(4))
	for i := range s {
		s[i] = int32(g.r.Uint32())
	}
	return s
}

func (g jsonGen) key(depth int) *KeyJSON {
	k := &KeyJSON{
		Serial: int32(g.r.Uint32()), Error: g.string(), Type: g.string(), Description: g.string(),
		UID: g.int(), GID: g.int(), Perm: g.string(), PermText: g.string(), Flags: g.string(),
		State: g.strings(), Timeout: g.string(), Usage: g.int(), KeysError: g.string(),
	}
	switch g.r.IntN(3) {
	case 0:
		k.DescriptionBytes = []byte{}
	case 1:
		k.DescriptionBytes = []byte(g.string())
	}
	if g.r.IntN(2) == 0 {
		s := int64(g.int())
		k.TimeoutSeconds = &s
	}
	if depth < 3 {
		switch g.r.IntN(3) {
		case 0:
			k.Keys = []*KeyJSON{}
		case 1:
			for range 1 + g.r.IntN(3) {
				k.Keys = append(k.Keys, g.key(depth+1))
			}
		}
	}
	return k
}

func (g jsonGen) why() WhyJSON {
	w := WhyJSON{
		Need: g.string(), Allowed: g.r.IntN(2) == 0, OK: g.r.IntN(2) == 0, StateError: g.string(),
		Possessed: g.r.IntN(2) == 0, Reachable: g.r.IntN(2) == 0, Top: g.string(),
		Chain: g.int32s(), Unchecked: g.int32s(), Class: g.string(), ClassRights: g.string(),
		PossessorRights: g.string(), Granted: g.string(), ByPossession: g.r.IntN(2) == 0, Owner: g.r.IntN(2) == 0,
	}
	if g.r.IntN(4) > 0 {
		w.Key = g.key(2)
	}
	if g.r.IntN(4) > 0 {
		w.Caller = &Caller{UID: g.int(), GID: g.int()}
		switch g.r.IntN(3) {
		case 1:
			w.Caller.Groups = []int{}
		case 2:
			w.Caller.Groups = []int{g.int(), g.int()}
		}
	}
	switch g.r.IntN(3) {
	case 1:
		w.Remedies = []RemedyJSON{}
	case 2:
		for range 1 + g.r.IntN(3) {
			w.Remedies = append(w.Remedies, RemedyJSON{Kind: g.string(), Command: g.string(), Perm: g.string(), Feasible: g.r.IntN(2) == 0})
		}
	}
	return w
}

// TestJSONLikeEncodingJSON: the hand-written encoders print what
// encoding/json printed for the same values, byte for byte.
func TestJSONLikeEncodingJSON(t *testing.T) {
	g := jsonGen{rand.New(rand.NewPCG(1, 2))}
	check := func(v jsonValue) {
		t.Helper()
		want := stdJSON(t, v)
		got := append(v.appendJSON(nil), '\n')
		if !bytes.Equal(got, want) {
			t.Fatalf("for %#v:\n got %s\nwant %s", v, got, want)
		}
	}
	check((*KeyJSON)(nil))
	check(&KeyJSON{})
	check(ListJSON{})
	check(WhyJSON{})
	for range 3000 {
		check(g.key(0))
		check(ListJSON{Keyring: int32(g.r.Uint32()), Members: g.int32s(), Keys: g.key(0).Keys})
		check(g.why())
	}
	// Every single byte and every rune boundary case, alone and in text.
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			check(&KeyJSON{Description: s, DescriptionBytes: []byte(s)})
		}
	}
	for n := range 7 {
		check(&KeyJSON{DescriptionBytes: []byte("abcdef"[:n])})
	}
}

// FuzzJSONString: appendJSONString matches encoding/json for any string.
func FuzzJSONString(f *testing.F) {
	for _, s := range jsonPieces {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := &KeyJSON{Description: s, DescriptionBytes: []byte(s)}
		want := stdJSON(t, k)
		if got := append(k.appendJSON(nil), '\n'); !bytes.Equal(got, want) {
			t.Fatalf("for %q:\n got %s\nwant %s", s, got, want)
		}
	})
}
