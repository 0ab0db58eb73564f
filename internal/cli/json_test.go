//go:build linux

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// run runs keyctl with args on a locked thread and returns stdout, stderr
// and the exit status.
func run(args ...string) (string, string, int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out, errb bytes.Buffer
	rc := Main(append([]string{"keyctl"}, args...), IO{Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), rc
}

// decode decodes exactly one JSON document followed by a newline.
func decode(t *testing.T, out string, v any) {
	t.Helper()
	if !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("not one JSON document and a newline: %q", out)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %q: %v", out, err)
	}
}

// hostile are descriptions that must survive JSON: control bytes, invalid
// UTF-8, ';', quotes, backslashes, HTML, a terminal escape.
var hostile = []string{
	"plain", "semi;colons;;", "new\nline\ttab\r", "\x01\x1f\x7f", "bad\xff\xfeutf8", "\xc3", "quote\"back\\slash",
	"<b>&amp;</b>", "\x1b]0;title\a", "\u2028\u202e", "caf\u00e9",
}

// checkDesc checks that k carries desc exactly.
func checkDesc(t *testing.T, k *KeyJSON, desc string) {
	t.Helper()
	if utf8.ValidString(desc) {
		if k.Description != desc || k.DescriptionBytes != nil {
			t.Errorf("key %d: description %q, bytes %q; want %q", k.Serial, k.Description, k.DescriptionBytes, desc)
		}
		return
	}
	if string(k.DescriptionBytes) != desc || k.Description != string([]rune(desc)) {
		t.Errorf("key %d: description %q, bytes %q; want bytes %q", k.Serial, k.Description, k.DescriptionBytes, desc)
	}
}

func TestJSONHostileDescriptions(t *testing.T) {
	ring := testutil.Keyring(t)
	sub, err := keyutils.NewKeyring("sub;ring\x00", ring)
	if err != nil {
		// A NUL ends the description: use a plain name.
		sub, err = keyutils.NewKeyring("sub;ring", ring)
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[int32]string{}
	for i, d := range hostile {
		in := ring
		if i%2 == 1 {
			in = sub
		}
		k, err := keyutils.AddKey("user", d, []byte("v"), in)
		if err != nil {
			t.Fatal(err)
		}
		want[int32(k)] = d
		if i == 3 {
			if err := keyutils.SetTimeout(k, 3600e9); err != nil {
				t.Fatal(err)
			}
		}
	}

	// describe
	for s, d := range want {
		out, _, rc := run("describe", "--json", fmt.Sprint(s))
		var k KeyJSON
		decode(t, out, &k)
		if rc != 0 || k.Serial != s || k.Type != "user" || k.Perm != "3f010000" || k.PermText != "alswrv-----v------------" {
			t.Errorf("describe %d: rc %d, %+v", s, rc, k)
		}
		checkDesc(t, &k, d)
		if k.Flags == "" || k.State[0] != "instantiated" || k.Timeout == "" {
			t.Errorf("describe %d: no /proc/keys fields: %+v", s, k)
		}
		if d == hostile[3] && (k.TimeoutSeconds == nil || *k.TimeoutSeconds <= 0 || *k.TimeoutSeconds > 3600) {
			t.Errorf("describe %d: timeout %q %v", s, k.Timeout, k.TimeoutSeconds)
		}
	}

	// list and rlist
	out, _, rc := run("list", "--json", ring.String())
	var l ListJSON
	decode(t, out, &l)
	if rc != 0 || l.Keyring != int32(ring) || len(l.Keys) != len(l.Members) || len(l.Members) != (len(hostile)+1)/2+1 {
		t.Fatalf("list: rc %d, %+v", rc, l)
	}
	for i, k := range l.Keys {
		if k.Serial != l.Members[i] {
			t.Errorf("list: key %d is %d, member %d", i, k.Serial, l.Members[i])
		}
		if d, ok := want[k.Serial]; ok {
			checkDesc(t, k, d)
		}
	}
	out, _, rc = run("rlist", "--json", ring.String())
	var rl ListJSON
	decode(t, out, &rl)
	if rc != 0 || fmt.Sprint(rl.Members) != fmt.Sprint(l.Members) || rl.Keys != nil {
		t.Errorf("rlist: rc %d, %+v, want members %v", rc, rl, l.Members)
	}

	// show: the nesting, every hostile key once.
	out, _, rc = run("show", "--json", ring.String())
	var root KeyJSON
	decode(t, out, &root)
	if rc != 0 || root.Serial != int32(ring) || root.Type != "keyring" {
		t.Fatalf("show: rc %d, %+v", rc, root)
	}
	seen := 0
	var walk func(k *KeyJSON, depth int)
	walk = func(k *KeyJSON, depth int) {
		if d, ok := want[k.Serial]; ok {
			seen++
			checkDesc(t, k, d)
			if wantDepth := 1 + (map[bool]int{true: 1}[indexOf(d)%2 == 1]); depth != wantDepth {
				t.Errorf("show: %q at depth %d, want %d", d, depth, wantDepth)
			}
		}
		for _, m := range k.Keys {
			walk(m, depth+1)
		}
	}
	walk(&root, 0)
	if seen != len(hostile) {
		t.Errorf("show: %d of %d keys", seen, len(hostile))
	}
	// show --json of the session keyring, the default, decodes too.
	out, _, rc = run("show", "--json")
	decode(t, out, &root)
	if rc != 0 {
		t.Errorf("show --json: rc %d", rc)
	}
}

func indexOf(d string) int {
	for i, h := range hostile {
		if h == d {
			return i
		}
	}
	return -1
}

// TestJSONInaccessible: a key the caller may not view is reported with its
// error, and describe exits 1.
func TestJSONInaccessible(t *testing.T) {
	ring := testutil.Keyring(t)
	k, err := keyutils.AddKey("user", "hidden", []byte("v"), ring)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetPerm(k, keyutils.PosAll&^keyutils.PosView); err != nil {
		t.Fatal(err)
	}
	out, _, rc := run("describe", "--json", k.String())
	var kj KeyJSON
	decode(t, out, &kj)
	if rc != 1 || kj.Error != "Permission denied" || kj.Type != "" {
		t.Errorf("describe: rc %d, %+v", rc, kj)
	}
	out, _, rc = run("why", "--json", k.String(), "view")
	var w WhyJSON
	decode(t, out, &w)
	if rc != 1 || w.OK || w.Allowed || w.Key.Error != "Permission denied" || w.Need != "view" {
		t.Errorf("why --json of a key that may not be viewed: rc %d, %+v", rc, w)
	}
	if out, _, rc := run("why", k.String(), "read"); rc != 1 || !strings.Contains(out, "the caller may not view it") {
		t.Errorf("why of a key that may not be viewed: rc %d, %q", rc, out)
	}
	out, _, rc = run("list", "--json", ring.String())
	var l ListJSON
	decode(t, out, &l)
	if rc != 0 || len(l.Keys) != 1 || l.Keys[0].Error != "Permission denied" {
		t.Errorf("list: rc %d, %+v", rc, l)
	}

	// A keyring that may be viewed but not read: its members are missing
	// from show's nesting, with the reason.
	locked, err := keyutils.NewKeyring("locked", ring)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keyutils.AddKey("user", "in-locked", []byte("v"), locked); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetPerm(locked, keyutils.PosView|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	out, _, rc = run("show", "--json", ring.String())
	var root KeyJSON
	decode(t, out, &root)
	if rc != 0 || len(root.Keys) != 2 {
		t.Fatalf("show: rc %d, %+v", rc, root)
	}
	for _, k := range root.Keys {
		if k.Serial == int32(locked) && (k.KeysError != "Permission denied" || k.Keys != nil || k.Description != "locked") {
			t.Errorf("show: locked keyring %+v", k)
		}
	}
}

// TestWhyJSON compares why --json with keyutils.Why and its exit status
// with the verdict.
func TestWhyJSON(t *testing.T) {
	ring := testutil.Keyring(t)
	hide, err := keyutils.NewKeyring("hide", ring)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keyutils.AddKey("user", "x;\xff", []byte("v"), ring)
	if err != nil {
		t.Fatal(err)
	}
	h, err := keyutils.AddKey("user", "h", []byte("v"), hide)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetPerm(hide, 0x37370000); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  keyutils.Serial
		need string
		ok   bool
	}{{k, "read", true}, {k, "setattr", true}, {h, "read", false}, {h, "view", true}, {h, "write", false}} {
		out, _, rc := run("why", "--json", c.key.String(), c.need)
		var w WhyJSON
		decode(t, out, &w)
		if w.OK != c.ok || (rc == 0) != c.ok || w.Need != c.need || w.Key.Serial != int32(c.key) {
			t.Errorf("why %d %s: rc %d, %+v", c.key, c.need, rc, w)
		}
		if c.key == k {
			checkDesc(t, w.Key, "x;\xff")
			s, _ := keyutils.SessionKeyring.Resolve()
			if !w.Possessed || w.Top != "@s" || fmt.Sprint(w.Chain) != fmt.Sprint([]int32{int32(s), int32(ring), int32(k)}) {
				t.Errorf("why %d: chain %s %v", c.key, w.Top, w.Chain)
			}
		} else if w.Possessed || c.ok == false && len(w.Remedies) == 0 {
			t.Errorf("why %d %s: %+v", c.key, c.need, w)
		}
		text, _, trc := run("why", c.key.String(), c.need)
		if trc != rc || !strings.Contains(text, c.need+": ") {
			t.Errorf("why %d %s (text): rc %d, want %d:\n%s", c.key, c.need, trc, rc, text)
		}
	}
	if _, errOut, rc := run("why", k.String(), "frobnicate"); rc != 2 || !strings.Contains(errOut, "Unknown permission") {
		t.Errorf("why with a bad permission: rc %d, %q", rc, errOut)
	}
}
