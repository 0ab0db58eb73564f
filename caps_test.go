//go:build linux

package keyutils_test

import (
	"bytes"
	"errors"
	"math/big"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestCapabilities(t *testing.T) {
	caps, err := keyutils.Capabilities()
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) == 0 {
		t.Fatal("no capability bytes")
	}
	t.Logf("capabilities % x", []byte(caps))
	names := map[string]bool{}
	for _, c := range keyutils.AllCapabilities() {
		name := c.String()
		if name == "unknown" || names[name] {
			t.Errorf("capability %#x has name %q", uint16(c), name)
		}
		names[name] = true
		if got, ok := keyutils.ParseCapability(name); !ok || got != c {
			t.Errorf("ParseCapability(%q) = %#x, %v", name, uint16(got), ok)
		}
	}
	if len(names) != 11 {
		t.Errorf("%d capabilities, want 11", len(names))
	}
	if _, ok := keyutils.ParseCapability("nonsense"); ok {
		t.Error("ParseCapability(nonsense) succeeded")
	}
	if keyutils.Capability(0x0740).String() != "unknown" {
		t.Error("String of an unknown capability")
	}
	if (keyutils.Caps{}).Has(keyutils.CapCapabilities) || (keyutils.Caps{0xff}).Has(keyutils.CapNotify) ||
		!(keyutils.Caps{0, 4}).Has(keyutils.CapNotify) {
		t.Error("Caps.Has")
	}
	if !caps.Has(keyutils.CapCapabilities) {
		t.Error("a kernel that answers KEYCTL_CAPABILITIES does not report it")
	}

	// keyctl supports prints have_<name>=0|1 for every capability.
	out, err := exec.Command("keyctl", "supports").Output()
	if err != nil {
		t.Logf("no keyctl to compare with: %v", err)
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, val, _ := strings.Cut(strings.TrimPrefix(line, "have_"), "=")
		c, ok := keyutils.ParseCapability(name)
		if !ok {
			t.Errorf("keyctl supports lists %q, unknown here", name)
			continue
		}
		if caps.Has(c) != (val == "1") {
			t.Errorf("%s: Has = %v, keyctl says %s", name, caps.Has(c), val)
		}
	}
}

// TestProbeCapabilities compares libkeyutils' probing fallback with the
// kernel's own answer for the capabilities probing can detect.
func TestProbeCapabilities(t *testing.T) {
	caps, err := keyutils.Capabilities()
	if err != nil {
		t.Fatal(err)
	}
	probed := keyutils.ProbeCapabilities()
	if len(probed) != 1 {
		t.Fatalf("probe returned %d bytes", len(probed))
	}
	for _, c := range []keyutils.Capability{keyutils.CapPersistentKeyrings, keyutils.CapDHCompute,
		keyutils.CapPublicKey, keyutils.CapInvalidate, keyutils.CapRestrictKeyring, keyutils.CapMove} {
		if probed.Has(c) != caps.Has(c) {
			t.Errorf("%v: probed %v, kernel says %v", c, probed.Has(c), caps.Has(c))
		}
	}
	for _, c := range []keyutils.Capability{keyutils.CapCapabilities, keyutils.CapBigKey, keyutils.CapNotify} {
		if probed.Has(c) {
			t.Errorf("probe claims %v", c)
		}
	}
}

// skipUnsupported skips the test when err says the kernel lacks what it
// needs, after checking that Capabilities agrees.
func skipUnsupported(t *testing.T, err error, what string, c keyutils.Capability) {
	t.Helper()
	caps, cerr := keyutils.Capabilities()
	if cerr != nil {
		t.Fatal(cerr)
	}
	if errors.Is(err, keyutils.ErrUnsupported) {
		if caps.Has(c) {
			t.Errorf("the kernel says %v, but Capabilities has %v", err, c)
		}
		t.Skipf("kernel lacks %s: %v", what, err)
	}
	if !caps.Has(c) {
		t.Errorf("the operation is there (%v), but Capabilities lacks %v", err, c)
	}
}

// modp2048 is the prime of the 2048-bit MODP group of RFC 3526.
const modp2048 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AACAA68FFFFFFFFFFFFFFFF"

// dhKeys adds the private key, prime and base of a DH computation to ring
// and returns them with the expected shared secret.
func dhKeys(t *testing.T, ring keyutils.ID) (priv, prime, base keyutils.Serial, want []byte) {
	p, _ := new(big.Int).SetString(modp2048, 16)
	x := big.NewInt(0x1234567890abcdef)
	g := big.NewInt(2)
	priv = addUser(t, ring, "dh:private", string(x.Bytes()))
	prime = addUser(t, ring, "dh:prime", string(p.Bytes()))
	base = addUser(t, ring, "dh:base", string(g.Bytes()))
	want = new(big.Int).Exp(g, x, p).FillBytes(make([]byte, len(p.Bytes())))
	return priv, prime, base, want
}

func TestDHCompute(t *testing.T) {
	ring := testutil.Keyring(t)
	priv, prime, base, want := dhKeys(t, ring)
	got, err := keyutils.DHCompute(priv, prime, base)
	skipUnsupported(t, err, "Diffie-Hellman (CONFIG_KEY_DH_OPERATIONS)", keyutils.CapDHCompute)
	if err != nil {
		t.Fatalf("DHCompute: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("DHCompute = % x, want % x", got, want)
	}
	_, err = keyutils.DHCompute(keyutils.Serial(1), prime, base)
	wantErr(t, err, keyutils.ErrNotFound, "dh_compute", 1)
}

func TestDHComputeKDF(t *testing.T) {
	ring := testutil.Keyring(t)
	priv, prime, base, _ := dhKeys(t, ring)
	k, err := keyutils.DHComputeKDF(priv, prime, base, "sha256", []byte("other info"), 32)
	skipUnsupported(t, err, "Diffie-Hellman with KDF (CONFIG_KEY_DH_OPERATIONS)", keyutils.CapDHCompute)
	if err != nil || len(k) != 32 {
		t.Fatalf("DHComputeKDF = % x, %v", k, err)
	}
	k2, err := keyutils.DHComputeKDF(priv, prime, base, "sha256", []byte("other info"), 32)
	if err != nil || !bytes.Equal(k, k2) {
		t.Fatalf("DHComputeKDF is not deterministic: % x, % x, %v", k, k2, err)
	}
}

func TestWatchKey(t *testing.T) {
	ring := testutil.Keyring(t)
	// Without a watch queue any fd is refused, but a kernel without
	// notifications says so first.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	err := keyutils.WatchKey(ring, p[0], 1)
	skipUnsupported(t, err, "key notifications (CONFIG_WATCH_QUEUE)", keyutils.CapNotify)
	// A plain pipe is not a watch queue.
	if err == nil {
		t.Fatal("WatchKey on a plain pipe succeeded")
	}
	wantErr(t, err, err.(*keyutils.Error).Err, "watch_key", int32(ring))
	t.Logf("WatchKey on a plain pipe: %v", err)
}

func TestBigKey(t *testing.T) {
	ring := testutil.Keyring(t)
	caps, _ := keyutils.Capabilities()
	payload := make([]byte, 100000)
	for i := range payload {
		payload[i] = byte(i)
	}
	id, err := keyutils.AddKey("big_key", "big", payload, ring)
	if errors.Is(err, unix.ENODEV) {
		if caps.Has(keyutils.CapBigKey) {
			t.Errorf("no big_key type but Capabilities has %v", keyutils.CapBigKey)
		}
		t.Skipf("kernel lacks the big_key type: %v", err)
	}
	if err != nil {
		t.Fatalf("AddKey(big_key): %v", err)
	}
	got, err := keyutils.Read(id)
	if err != nil || string(got) != string(payload) {
		t.Fatalf("Read(big_key) = %d bytes, %v", len(got), err)
	}
}
