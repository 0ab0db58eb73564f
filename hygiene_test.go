//go:build linux

package keyutils_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// secret is a recognisable payload: no error message may contain it, in
// clear or in hex.
const secret = "S3CRET-payload-7f1d"

func checkNoSecret(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: succeeded, want a failure", what)
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v|%+v|%#v|%q", err, err, err, err)} {
		if strings.Contains(s, secret) || strings.Contains(strings.ToLower(s), hex.EncodeToString([]byte(secret))) ||
			strings.Contains(s, "S3CRET") {
			t.Errorf("%s: error shows the payload: %s", what, s)
		}
	}
}

// TestSecretNotInErrors feeds a recognisable payload through every library
// call that takes one, made to fail in each way the kernel offers, and
// checks that the errors (formatted every way) never contain it.
func TestSecretNotInErrors(t *testing.T) {
	ring := testutil.Keyring(t)
	p := []byte(secret)
	big := append(bytes.Repeat([]byte(secret), 40000/len(secret)), p...)

	_, err := keyutils.AddKey("user", "d", p, keyutils.Serial(0x7ffffff0))
	checkNoSecret(t, "AddKey into a missing keyring", err)
	_, err = keyutils.AddKey("user", "d", big, ring)
	checkNoSecret(t, "AddKey of an oversized payload", err)
	_, err = keyutils.AddKey("no-such-type", "d", p, ring)
	checkNoSecret(t, "AddKey of an unknown type", err)
	_, err = keyutils.AddKey("logon", "no-prefix", p, ring)
	checkNoSecret(t, "AddKey of a logon key without prefix", err)
	_, err = keyutils.AddKey("keyring", "r", p, ring)
	checkNoSecret(t, "AddKey of a keyring with a payload", err)

	id := addUser(t, ring, "k", "old")
	checkNoSecret(t, "Update of a keyring", keyutils.Update(ring, p))
	checkNoSecret(t, "Update oversized", keyutils.Update(id, big))
	if err := keyutils.SetPerm(id, keyutils.PosAll&^keyutils.PosWrite|keyutils.UsrView); err != nil {
		t.Fatal(err)
	}
	checkNoSecret(t, "Update without write permission", keyutils.Update(id, p))
	if err := keyutils.Revoke(id); err != nil {
		t.Fatal(err)
	}
	checkNoSecret(t, "Update of a revoked key", keyutils.Update(id, p))
	checkNoSecret(t, "Instantiate without authority", keyutils.Instantiate(id, p, nil))
	checkNoSecret(t, "InstantiateIov without authority", keyutils.InstantiateIov(id, [][]byte{p[:5], p[5:]}, nil))
	if bytes.Equal(p, []byte(secret)) == false {
		t.Error("a failed call changed the caller's payload")
	}
}

// TestReadIntoAndWipe: the caller can read a payload into its own memory
// without the library keeping a copy, and wipe it.
func TestReadIntoAndWipe(t *testing.T) {
	ring := testutil.Keyring(t)
	id := addUser(t, ring, "k", secret)
	buf := make([]byte, 64)
	n, err := keyutils.ReadInto(id, buf)
	if err != nil || string(buf[:n]) != secret {
		t.Fatalf("ReadInto = %q, %v", buf[:n], err)
	}
	keyutils.Wipe(buf)
	if !bytes.Equal(buf, make([]byte, len(buf))) {
		t.Errorf("Wipe left %q", buf)
	}
	allocs := testing.AllocsPerRun(20, func() { keyutils.ReadInto(id, buf) })
	if allocs != 0 {
		t.Errorf("ReadInto allocates %v times", allocs)
	}
}
