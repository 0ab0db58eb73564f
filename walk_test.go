//go:build linux

package keyutils_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// walkTree builds
//
//	ring
//	├── a (keyring)
//	│   ├── a1
//	│   └── b (keyring)
//	│       └── b1
//	├── r1
//	├── hidden (user key the caller may not view)
//	├── locked (keyring the caller may view but not search or read)
//	└── c (keyring)
//	    └── c1
func walkTree(t *testing.T) (ring keyutils.Serial, ids map[string]keyutils.Serial) {
	t.Helper()
	ring = testutil.Keyring(t)
	ids = map[string]keyutils.Serial{}
	ids["a"] = newRing(t, ring, "a")
	ids["a1"] = addUser(t, ids["a"], "a1", "v")
	ids["b"] = newRing(t, ids["a"], "b")
	ids["b1"] = addUser(t, ids["b"], "b1", "v")
	ids["r1"] = addUser(t, ring, "r1", "v")
	ids["hidden"] = addUser(t, ring, "hidden", "v")
	ids["locked"] = newRing(t, ring, "locked")
	ids["c"] = newRing(t, ring, "c")
	ids["c1"] = addUser(t, ids["c"], "c1", "v")
	if err := keyutils.SetPerm(ids["hidden"], keyutils.PosAll&^keyutils.PosView); err != nil {
		t.Fatal(err)
	}
	if err := keyutils.SetPerm(ids["locked"], keyutils.PosView|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	return ring, ids
}

func TestWalkKeys(t *testing.T) {
	ring, ids := walkTree(t)
	names := map[keyutils.Serial]string{ring: "ring"}
	for n, s := range ids {
		names[s] = n
	}
	walk := func(skip map[string]error) string {
		var b strings.Builder
		err := keyutils.WalkKeys(ring, func(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
			var p []string
			for _, s := range path {
				p = append(p, names[s])
			}
			fmt.Fprintf(&b, "%s/%s", strings.Join(p, "/"), names[key])
			switch {
			case errors.Is(err, keyutils.ErrPermission):
				b.WriteString(" EACCES")
			case err != nil:
				b.WriteString(" " + err.Error())
			}
			if err == nil && desc.Description != names[key] && key != ring {
				b.WriteString(" bad description " + desc.Description)
			}
			b.WriteString("\n")
			if err != nil && desc.Type == "" {
				return nil
			}
			return skip[names[key]]
		})
		if err != nil {
			fmt.Fprintf(&b, "walk: %v\n", err)
		}
		return b.String()
	}
	// ref is the walk the callback above should see, written out
	// naively from ReadKeyring's orders.
	var ref func(b *strings.Builder, path []string, key keyutils.Serial, skip map[string]error) error
	ref = func(b *strings.Builder, path []string, key keyutils.Serial, skip map[string]error) error {
		name := names[key]
		line := strings.Join(path, "/") + "/" + name
		switch name {
		case "hidden":
			b.WriteString(line + " EACCES\n")
			return nil
		case "locked":
			b.WriteString(line + "\n" + line + " EACCES\n")
			return skip[name]
		}
		b.WriteString(line + "\n")
		leaf := name == "a1" || name == "b1" || name == "c1" || name == "r1"
		if err := skip[name]; err != nil {
			if err == keyutils.SkipKeyring && !leaf {
				return nil // only the keyring's members are skipped
			}
			return err
		}
		if leaf {
			return nil
		}
		members, err := keyutils.ReadKeyring(key)
		if err != nil {
			return nil
		}
		for _, m := range members {
			if err := ref(b, append(path, name), m, skip); err == keyutils.SkipKeyring {
				break
			} else if err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range []struct {
		name string
		skip map[string]error
	}{
		{"all", nil},
		{"skip keyring", map[string]error{"a": keyutils.SkipKeyring}},
		{"skip rest", map[string]error{"a1": keyutils.SkipKeyring}},
		{"skip all", map[string]error{"b1": keyutils.SkipAll}},
		{"stop", map[string]error{"r1": errors.New("stop")}},
		{"skip root", map[string]error{"ring": keyutils.SkipKeyring}},
	} {
		var b strings.Builder
		err := ref(&b, nil, ring, c.skip)
		if err != nil && err != keyutils.SkipAll {
			fmt.Fprintf(&b, "walk: %v\n", err)
		}
		want := b.String()
		if got := walk(c.skip); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", c.name, got, want)
		}
		if !strings.Contains(want, "ring/a/b/b1\n") && c.name == "all" {
			t.Errorf("oracle misses b1:\n%s", want)
		}
	}
}

// TestWalkerDepthAndLast: MaxDepth stops the walk below a level, and Last
// and Depth describe the key visited.
func TestWalkerDepthAndLast(t *testing.T) {
	ring, ids := walkTree(t)
	var got []string
	w := keyutils.Walker{MaxDepth: 1}
	err := w.Walk(ring, func(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
		if err == nil {
			got = append(got, fmt.Sprintf("%s:%d:%v", desc.Description, w.Depth(), w.Last()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	members, err := keyutils.ReadKeyring(ring)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("test:%s:0:true", t.Name())}
	for i, m := range members {
		if m == ids["hidden"] {
			continue
		}
		d, err := keyutils.Describe(m)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%s:1:%v", d.Description, i == len(members)-1))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestWalkChangingTree walks a tree that another goroutine keeps
// changing: every call is well-formed and the walk ends.
func TestWalkChangingTree(t *testing.T) {
	ring := testutil.Keyring(t)
	stop := testutil.ChurnTree(t, ring, "walk")
	defer stop()
	for i := 0; i < 200; i++ {
		err := keyutils.WalkKeys(ring, func(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
			if len(path) == 0 && key != ring || len(path) > 0 && path[0] != ring {
				return fmt.Errorf("path %v for key %d", path, key)
			}
			if err == nil && desc.Type == "" {
				return fmt.Errorf("key %d: no type and no error", key)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestInfo(t *testing.T) {
	ring := testutil.Keyring(t)
	k := addUser(t, ring, "info: with colon", "12345")
	info, err := keyutils.Info(k)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Described || !info.Listed || !info.Permanent || !info.Instantiated() || info.Revoked() ||
		info.Description.Description != "info: with colon" || info.Summary != "5" || info.Usage < 1 || !info.Expires.IsZero() {
		t.Errorf("permanent key: %+v", info)
	}
	before := time.Now()
	if err := keyutils.SetTimeout(k, time.Hour); err != nil {
		t.Fatal(err)
	}
	info, err = keyutils.Info(k)
	if err != nil {
		t.Fatal(err)
	}
	// /proc/keys rounds down to its unit: 1h in the first second, then
	// 59m.
	if info.Permanent || info.Timeout != time.Hour && info.Timeout != 59*time.Minute || info.Expires.Before(before.Add(58*time.Minute)) || info.Expires.After(time.Now().Add(time.Hour)) {
		t.Errorf("key with a timeout: %+v", info)
	}
	if err := keyutils.Revoke(k); err != nil {
		t.Fatal(err)
	}
	info, err = keyutils.Info(k)
	if err != nil {
		t.Fatal(err)
	}
	if info.Described || !info.Listed || !info.Revoked() || info.Description.Type != "user" || info.Description.Perm != 0x3f010000 {
		t.Errorf("revoked key: %+v", info)
	}
	if _, err := keyutils.Info(keyutils.Serial(0)); err == nil {
		t.Error("Info(0): no error")
	}
	s, err := keyutils.Info(keyutils.SessionKeyring)
	if err != nil || s.Description.Type != "keyring" || s.Serial <= 0 {
		t.Errorf("Info(@s): %+v, %v", s, err)
	}
}
