//go:build linux

package keyutils_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

// addCert generates an RSA-2048 key and a self-signed X.509 certificate
// for it, and adds the certificate as an "asymmetric" key to ring.
func addCert(t *testing.T, ring keyutils.ID, desc string) (keyutils.Serial, *rsa.PrivateKey, []byte) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "keyutils-go test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	id, err := keyutils.AddKey("asymmetric", desc, der, ring)
	if err != nil {
		t.Skipf("kernel cannot load an X.509 certificate as an asymmetric key: %v", err)
	}
	return id, priv, der
}

func TestPKey(t *testing.T) {
	caps, err := keyutils.Capabilities()
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Has(keyutils.CapPublicKey) {
		t.Skip("kernel lacks public key operations (KEYCTL_CAPS0_PUBLIC_KEY)")
	}
	ring := testutil.Keyring(t)
	id, priv, _ := addCert(t, ring, "")
	const info = "enc=pkcs1 hash=sha256"

	d, err := keyutils.Describe(id)
	if err != nil || d.Type != "asymmetric" || d.Description == "" {
		t.Fatalf("Describe(asymmetric) = %+v, %v", d, err)
	}
	_, err = keyutils.Read(id)
	wantErr(t, err, keyutils.ErrUnsupported, "read", int32(id))

	q, err := keyutils.PKeyQuery(id, info)
	if err != nil {
		t.Fatalf("PKeyQuery: %v", err)
	}
	if q.KeySize != 2048 || q.MaxSigSize != 256 || q.MaxEncSize != 256 || q.MaxDataSize != 256 || q.MaxDecSize != 256 {
		t.Errorf("PKeyQuery = %+v", q)
	}
	if q.Ops&keyutils.PKeyVerifyOp == 0 || q.Ops&keyutils.PKeyEncryptOp == 0 || q.Ops&(keyutils.PKeySignOp|keyutils.PKeyDecryptOp) != 0 {
		t.Errorf("PKeyQuery ops = %#x, want encrypt and verify only (public key)", q.Ops)
	}
	if q2, err := keyutils.PKeyQuery(id, ""); err != nil || q2.Ops&keyutils.PKeyVerifyOp != 0 {
		t.Errorf("PKeyQuery without info = %+v, %v; want no verify", q2, err)
	}

	// Encrypt in the kernel, decrypt with Go.
	msg := []byte("attack at dawn")
	out := make([]byte, q.MaxEncSize)
	n, err := keyutils.PKeyEncrypt(id, "enc=pkcs1", msg, out)
	if err != nil {
		t.Fatalf("PKeyEncrypt: %v", err)
	}
	plain, err := rsa.DecryptPKCS1v15(nil, priv, out[:n])
	if err != nil || string(plain) != string(msg) {
		t.Fatalf("decrypting the kernel's ciphertext: %q, %v", plain, err)
	}

	// Sign with Go, verify in the kernel.
	digest := sha256.Sum256([]byte("signed data"))
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if err := keyutils.PKeyVerify(id, info, digest[:], sig); err != nil {
		t.Fatalf("PKeyVerify(good signature): %v", err)
	}
	// A signature of other data is rejected.
	other := sha256.Sum256([]byte("other data"))
	wantErr(t, keyutils.PKeyVerify(id, info, other[:], sig), keyutils.ErrRejected, "pkey_verify", int32(id))
	wantErr(t, keyutils.PKeyVerify(id, info, other[:], sig), unix.EKEYREJECTED, "pkey_verify", int32(id))
	// A corrupted signature fails too; whether as EKEYREJECTED or, when
	// the padding does not decode, EINVAL, depends on the kernel.
	sig[10] ^= 0xff
	if err := keyutils.PKeyVerify(id, info, digest[:], sig); err == nil {
		t.Fatal("PKeyVerify(corrupted signature) succeeded")
	} else {
		t.Logf("PKeyVerify(corrupted signature): %v", err)
	}

	// Errors: not an asymmetric key, bad serial, bad info.
	u := addUser(t, ring, "notpkey", "x")
	_, err = keyutils.PKeyQuery(u, info)
	wantErr(t, err, keyutils.ErrUnsupported, "pkey_query", int32(u))
	_, err = keyutils.PKeyQuery(keyutils.Serial(1), info)
	wantErr(t, err, keyutils.ErrNotFound, "pkey_query", 1)
	_, err = keyutils.PKeyQuery(id, "enc=nonsense")
	if err == nil {
		t.Error("PKeyQuery(enc=nonsense) succeeded")
	}

	// The kernel holds only the public key: sign and decrypt fail here.
	// (Loading a private key needs a PKCS#8 parser the kernel may lack.)
	buf := make([]byte, 256)
	if _, err := keyutils.PKeySign(id, info, digest[:], buf); err == nil {
		t.Error("PKeySign with a public key succeeded")
	} else {
		wantErr(t, err, err.(*keyutils.Error).Err, "pkey_sign", int32(id))
	}
	if _, err := keyutils.PKeyDecrypt(id, "enc=pkcs1", out[:n], buf); err == nil {
		t.Error("PKeyDecrypt with a public key succeeded")
	} else {
		wantErr(t, err, err.(*keyutils.Error).Err, "pkey_decrypt", int32(id))
	}
}

func TestPKeyPrivate(t *testing.T) {
	ring := testutil.Keyring(t)
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	id, err := keyutils.AddKey("asymmetric", "pkcs8", der, ring)
	if err != nil {
		t.Skipf("kernel cannot load a PKCS#8 private key (no PKCS#8 parser?): %v", err)
	}
	const info = "enc=pkcs1 hash=sha256"
	digest := sha256.Sum256([]byte("data"))
	sig := make([]byte, 256)
	n, err := keyutils.PKeySign(id, info, digest[:], sig)
	if err != nil {
		t.Skipf("kernel cannot sign with the private key: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, digest[:], sig[:n]); err != nil {
		t.Fatalf("kernel signature does not verify: %v", err)
	}
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, &priv.PublicKey, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 256)
	if n, err = keyutils.PKeyDecrypt(id, "enc=pkcs1", ct, out); err != nil || string(out[:n]) != "secret" {
		t.Fatalf("PKeyDecrypt = %q, %v", out[:n], err)
	}
}

// TestFindAsymmetricByProcKeys finds a key whose type name /proc/keys
// truncates ("asymmetri") and that the caller does not possess.
func TestFindAsymmetricByProcKeys(t *testing.T) {
	ring := testutil.Keyring(t)
	id, _, _ := addCert(t, ring, "find:cert")
	if k, ok := procKey(t, id); !ok || k.Type != "asymmetri" {
		t.Logf("/proc/keys shows the type as %q", k.Type)
	}
	if err := keyutils.SetPerm(id, keyutils.PosView|keyutils.UsrView|keyutils.UsrSetattr); err != nil {
		t.Fatal(err)
	}
	got, err := keyutils.FindKeyByTypeAndDesc("asymmetric", "find:cert", nil)
	if err != nil || got != id {
		t.Fatalf("FindKeyByTypeAndDesc(asymmetric, find:cert) = %d, %v; want %d", got, err, id)
	}
}
