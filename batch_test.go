//go:build linux

package keyutils_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
)

// batchTree is walkTree with what a helper thread outside the caller's
// session may not look up (keys and a keyring only their possessor may
// view or read, a revoked key) and enough keys for several helper
// threads.
func batchTree(t *testing.T) keyutils.Serial {
	t.Helper()
	ring, ids := walkTree(t)
	posOnly := keyutils.PosAll // nothing for the user: only possession shows it
	p := addUser(t, ring, "posonly", "v")
	if err := keyutils.SetPerm(p, posOnly); err != nil {
		t.Fatal(err)
	}
	pr := newRing(t, ring, "posring")
	for i := range 20 {
		addUser(t, pr, fmt.Sprintf("pm%d", i), "v")
	}
	if err := keyutils.SetPerm(pr, posOnly); err != nil {
		t.Fatal(err)
	}
	rv := addUser(t, ring, "revoked", "v")
	if err := keyutils.Revoke(rv); err != nil {
		t.Fatal(err)
	}
	// The same again among enough keys for several helper threads.
	big := newRing(t, ids["c"], "big")
	for i := range 1100 {
		addUser(t, big, fmt.Sprintf("k%d", i), "v")
		switch i {
		case 300:
			if err := keyutils.SetPerm(addUser(t, big, "bigposonly", "v"), posOnly); err != nil {
				t.Fatal(err)
			}
		case 700:
			bpr := newRing(t, big, "bigposring")
			addUser(t, bpr, "bpm", "v")
			if err := keyutils.SetPerm(bpr, posOnly); err != nil {
				t.Fatal(err)
			}
		case 900:
			if err := keyutils.Revoke(addUser(t, big, "bigrevoked", "v")); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Linked twice: visited at both places.
	if err := keyutils.Link(pr, ids["a"]); err != nil {
		t.Fatal(err)
	}
	return ring
}

// walkText renders a walk, one line per call of fn.
func walkText(t *testing.T, w *keyutils.Walker, root keyutils.Serial) string {
	t.Helper()
	var b strings.Builder
	err := w.Walk(root, func(path []keyutils.Serial, key keyutils.Serial, desc keyutils.Description, err error) error {
		fmt.Fprintf(&b, "%v %d %d %q %v\n", path, key, w.Depth(), desc.Raw, err)
		if strings.HasSuffix(desc.Raw, ";b") {
			return keyutils.SkipKeyring
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return b.String()
}

func TestWalkerBatch(t *testing.T) {
	ring := batchTree(t)
	for _, depth := range []int{0, 1, 2, 3} {
		plain := walkText(t, &keyutils.Walker{MaxDepth: depth}, ring)
		batch := walkText(t, &keyutils.Walker{MaxDepth: depth, Batch: true}, ring)
		if plain != batch {
			t.Errorf("MaxDepth %d: Batch walk differs:\n%s\nwithout Batch:\n%s", depth, batch, plain)
		}
		if depth == 0 && (!strings.Contains(batch, ";posonly") || !strings.Contains(batch, ";pm19") || !strings.Contains(batch, ";bigposonly") || !strings.Contains(batch, ";bpm")) {
			t.Errorf("Batch walk lacks the possessor-only or revoked keys:\n%s", batch)
		}
	}
}

func TestDescribeAll(t *testing.T) {
	ring := batchTree(t)
	var ids []keyutils.Serial
	keyutils.WalkKeys(ring, func(_ []keyutils.Serial, key keyutils.Serial, _ keyutils.Description, _ error) error {
		ids = append(ids, key)
		return nil
	})
	ids = append(ids, keyutils.Serial(2147483000)) // no such key
	for _, n := range []int{3, 16, len(ids)} {
		var d keyutils.Describer
		descs, errs := d.DescribeAll(ids[len(ids)-n:])
		if len(descs) != n || len(errs) != n {
			t.Fatalf("DescribeAll of %d keys: %d descriptions, %d errors", n, len(descs), len(errs))
		}
		for i, id := range ids[len(ids)-n:] {
			want, werr := keyutils.Describe(id)
			if descs[i] != want || fmt.Sprint(errs[i]) != fmt.Sprint(werr) {
				t.Errorf("DescribeAll: key %d: %q, %v; Describe: %q, %v", id, descs[i].Raw, errs[i], want.Raw, werr)
			}
		}
		if !errors.Is(errs[n-1], keyutils.ErrNotFound) {
			t.Errorf("DescribeAll(missing key): %v, want ErrNotFound", errs[n-1])
		}
	}
}
