//go:build linux

package keyutils_test

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// whyCase is a key whose Why verdicts are compared with the kernel's
// answers to the real operations. ring, when not 0, is a keyring the
// caller possesses and may search that holds the key directly, so that a
// search of it for desc tests the search verdict.
type whyCase struct {
	key  keyutils.Serial
	ring keyutils.Serial
	desc string
}

func (c whyCase) String() string { return fmt.Sprintf("%d/%d/%s", c.key, c.ring, c.desc) }

func parseWhyCase(s string) (whyCase, error) {
	f := strings.SplitN(s, "/", 3)
	if len(f) != 3 {
		return whyCase{}, errors.New("bad case " + s)
	}
	k, err1 := strconv.ParseInt(f[0], 10, 32)
	r, err2 := strconv.ParseInt(f[1], 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return whyCase{}, err
	}
	return whyCase{keyutils.Serial(k), keyutils.Serial(r), f[2]}, nil
}

var allNeeds = []keyutils.PermBits{keyutils.PermView, keyutils.PermRead, keyutils.PermWrite,
	keyutils.PermSearch, keyutils.PermLink, keyutils.PermSetattr}

// checkWhy asks Why about every permission of every case and does the
// operation itself, on a locked thread; it returns the disagreements.
// scratch is a keyring the caller may write, for the link test.
func checkWhy(cases []whyCase, scratch keyutils.Serial) []string {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var bad []string
	for _, c := range cases {
		for _, need := range allNeeds {
			a, err := keyutils.Why(c.key, need)
			var want bool
			switch {
			case err == nil:
				want = a.OK()
			case errors.Is(err, keyutils.ErrPermission):
				if need != keyutils.PermView {
					continue // cannot tell without viewing the key
				}
			default:
				bad = append(bad, fmt.Sprintf("key %d %s: Why: %v", c.key, keyutils.PermBitName(need), err))
				continue
			}
			var opErr error
			switch need {
			case keyutils.PermView:
				_, opErr = keyutils.DescribeRaw(c.key)
			case keyutils.PermRead:
				_, opErr = keyutils.Read(c.key)
			case keyutils.PermWrite:
				opErr = keyutils.Update(c.key, []byte("x"))
			case keyutils.PermSearch:
				if c.ring == 0 {
					continue
				}
				var found keyutils.Serial
				found, opErr = keyutils.Search(c.ring, "user", c.desc, nil)
				if opErr == nil && found != c.key {
					opErr = fmt.Errorf("found %d", found)
				}
			case keyutils.PermLink:
				if opErr = keyutils.Link(c.key, scratch); opErr == nil {
					keyutils.Unlink(c.key, scratch)
				}
			case keyutils.PermSetattr:
				opErr = keyutils.SetTimeout(c.key, 0)
			}
			if got := opErr == nil; got != want {
				detail := "Why: error " + fmt.Sprint(err)
				if a != nil {
					detail = fmt.Sprintf("Why: %+v", *a)
				}
				bad = append(bad, fmt.Sprintf("key %d %s: kernel says %v, %s", c.key, keyutils.PermBitName(need), opErr, detail))
			}
		}
	}
	return bad
}

// randPerm returns a random mask, with view usually granted somewhere.
func randPerm(r *rand.Rand) keyutils.Perm {
	p := keyutils.Perm(r.Uint32()) & (keyutils.PosAll | keyutils.UsrAll | keyutils.GrpAll | keyutils.OthAll)
	if r.Intn(4) != 0 {
		p |= keyutils.PosView | keyutils.UsrView | keyutils.OthView
	}
	return p
}

// buildWhyKeys makes n keys with random masks, owners among uids and groups
// among gids, half directly in ring and half in a keyring below it that
// grants uid search in no class (so its keys are not possessed).
func buildWhyKeys(t *testing.T, r *rand.Rand, ring keyutils.Serial, n int, uids, gids []int, hidden keyutils.Perm) []whyCase {
	t.Helper()
	hide, err := keyutils.NewKeyring("why-hidden", ring)
	if err != nil {
		t.Fatal(err)
	}
	var cases []whyCase
	for i := 0; i < n; i++ {
		desc := fmt.Sprintf("why-%d", i)
		in := ring
		if i%2 == 1 {
			in = hide
		}
		k, err := keyutils.AddKey("user", desc, []byte("payload"), in)
		if err != nil {
			t.Fatal(err)
		}
		if err := keyutils.Chown(k, uids[r.Intn(len(uids))], gids[r.Intn(len(gids))]); err != nil {
			t.Fatal(err)
		}
		if err := keyutils.SetPerm(k, randPerm(r)); err != nil {
			t.Fatal(err)
		}
		c := whyCase{key: k, desc: desc}
		if in == ring {
			c.ring = ring
		}
		cases = append(cases, c)
	}
	if err := keyutils.SetPerm(hide, hidden); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestWhyAgreesWithKernel compares Why with the kernel over random keys,
// masks, owners, groups and possession states, as root.
func TestWhyAgreesWithKernel(t *testing.T) {
	other := testutil.UnusedID(t, 0)
	t.Cleanup(func() { testutil.WaitNoKeys(t, other) })
	ring := testutil.Keyring(t)
	scratch, err := keyutils.NewKeyring("why-scratch", ring)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(1))
	// The hidden keyring: everything but search, for every class.
	hidden := keyutils.Perm(0x37373737)
	cases := buildWhyKeys(t, r, ring, 120, []int{0, int(other)}, []int{0, int(other), -1}, hidden)
	for _, b := range checkWhy(cases, scratch) {
		t.Error(b)
	}
}

// TestWhyAgreesWithKernelNonRoot is TestWhyAgreesWithKernel as a user
// that owns some of the keys, is in the group of some, and possesses some
// through a keyring of root's that it links into its own session keyring.
func TestWhyAgreesWithKernelNonRoot(t *testing.T) {
	id := testutil.UnusedID(t, 1)
	t.Cleanup(func() { testutil.WaitNoKeys(t, id) })
	exe := testutil.ExecutableForAll(t)
	ring := testutil.Keyring(t)
	shared, err := keyutils.NewKeyring("why-shared", ring)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(2))
	hidden := keyutils.Perm(0x3f373737) // root may search, the user may not
	cases := buildWhyKeys(t, r, shared, 120, []int{0, int(id)}, []int{0, int(id), -1}, hidden)
	// The user links shared into its session: it may view, read, search
	// and link it.
	if err := keyutils.SetPerm(shared, 0x3f3f001b); err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, c := range cases {
		list = append(list, c.String())
	}
	cmd := exec.Command(exe, "-test.run=^TestWhyHelper$", "-test.v")
	cmd.Env = append(filterEnv(os.Environ(), testutil.EnvSession),
		"KEYUTILS_WHY_SHARED="+shared.String(), "KEYUTILS_WHY_CASES="+strings.Join(list, ","))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: testutil.Credential(id)}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "why helper ran") {
		t.Fatalf("helper: %v\n%s", err, out)
	}
}

func filterEnv(env []string, drop string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, drop+"=") {
			out = append(out, e)
		}
	}
	return out
}

// TestWhyHelper is TestWhyAgreesWithKernelNonRoot's other user.
func TestWhyHelper(t *testing.T) {
	v := os.Getenv("KEYUTILS_WHY_CASES")
	if v == "" {
		t.Skip("helper process")
	}
	shared, err := strconv.ParseInt(os.Getenv("KEYUTILS_WHY_SHARED"), 10, 32)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Link(keyutils.Serial(shared), keyutils.SessionKeyring); err != nil {
		t.Fatal(err)
	}
	scratch, err := keyutils.NewKeyring("why-scratch", keyutils.SessionKeyring)
	if err != nil {
		t.Fatal(err)
	}
	var cases []whyCase
	for _, s := range strings.Split(v, ",") {
		c, err := parseWhyCase(s)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	for _, b := range checkWhy(cases, scratch) {
		t.Error(b)
	}
	keyutils.Clear(keyutils.SessionKeyring)
	t.Log("why helper ran")
}

// TestWhyChain checks the possession chain and the kernel's search depth
// limit: keys at most 7 keyrings below @s are possessed, deeper ones are
// not, and a possessor-only mask makes that the difference between reading
// and EACCES.
func TestWhyChain(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring := testutil.Keyring(t)
	s, err := keyutils.SessionKeyring.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	// Keyrings R2 ... R9, R2 in ring and each in the one before, granting
	// their owner everything so that they can be filled when not possessed.
	rings := []keyutils.Serial{s, ring}
	for d := 2; d <= 9; d++ {
		r, err := keyutils.NewKeyring(fmt.Sprint("chain", d), ring)
		if err != nil {
			t.Fatal(err)
		}
		if err := keyutils.SetPerm(r, keyutils.PosAll|keyutils.UsrAll); err != nil {
			t.Fatal(err)
		}
		if d > 2 {
			if err := keyutils.Link(r, rings[d-1]); err != nil {
				t.Fatal(err)
			}
			if err := keyutils.Unlink(r, ring); err != nil {
				t.Fatal(err)
			}
		}
		rings = append(rings, r)
	}
	// The key at depth d (below @s) is in rings[d-1].
	for depth := 2; depth <= 9; depth++ {
		k, err := keyutils.AddKey("user", "chain", []byte("x"), rings[depth-1])
		if err != nil {
			t.Fatal(err)
		}
		// The default mask, possessor all and user view, makes reading
		// depend on possession.
		a, err := keyutils.Why(k, keyutils.PermRead)
		if err != nil {
			t.Fatal(err)
		}
		_, rerr := keyutils.Read(k)
		if want := depth <= 7; a.Possessed != want || a.OK() != (rerr == nil) {
			t.Errorf("depth %d: possessed %v, allowed %v; read: %v", depth, a.Possessed, a.OK(), rerr)
		}
		if a.Possessed {
			want := fmt.Sprint(append(append([]keyutils.Serial{}, rings[:depth]...), k))
			if got := fmt.Sprint(a.Chain); got != want || a.Top != keyutils.SessionKeyring {
				t.Errorf("depth %d: chain %s from %v, want %s from @s", depth, got, a.Top, want)
			}
			if !a.ByPossession || a.Class != keyutils.User {
				t.Errorf("depth %d: class %v, by possession %v", depth, a.Class, a.ByPossession)
			}
		} else if len(a.Remedies) == 0 || a.Remedies[0].Kind != keyutils.RemedyLink {
			t.Errorf("depth %d: remedies %+v, want a link first", depth, a.Remedies)
		}
	}
}

// TestWhyState reports a revoked key's state: permitted, but not OK.
func TestWhyState(t *testing.T) {
	ring := testutil.Keyring(t)
	k, err := keyutils.AddKey("user", "revoked", []byte("x"), ring)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyutils.Revoke(k); err != nil {
		t.Fatal(err)
	}
	a, err := keyutils.Why(k, keyutils.PermRead)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(a.StateErr, keyutils.ErrRevoked) || a.OK() || !strings.Contains(a.Flags, "R") {
		t.Errorf("revoked key: %+v", *a)
	}
	if _, err := keyutils.Why(k, keyutils.PermRead|keyutils.PermWrite); err == nil {
		t.Error("Why with two permissions: no error")
	}
}

// TestWhyThreadKeyring: a key in the thread keyring is possessed through
// @t. The test runs on a goroutine that stays locked to its thread, so the
// runtime discards the thread, and its keyring, when it ends.
func TestWhyThreadKeyring(t *testing.T) {
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		done <- func() error {
			tk, err := keyutils.GetKeyringID(keyutils.ThreadKeyring, true)
			if err != nil {
				return err
			}
			k, err := keyutils.AddKey("user", "thread", []byte("x"), keyutils.ThreadKeyring)
			if err != nil {
				return err
			}
			a, err := keyutils.Why(k, keyutils.PermWrite)
			if err != nil {
				return err
			}
			if !a.Possessed || a.Top != keyutils.ThreadKeyring || fmt.Sprint(a.Chain) != fmt.Sprint([]keyutils.Serial{tk, k}) || !a.OK() {
				return fmt.Errorf("key in @t: %+v", *a)
			}
			return nil
		}()
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
