//go:build linux

package keyutils_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/keyutils-go/keyutils"
)

// Store a secret in a keyring of its own under the session keyring, read it
// back, and remove the keyring.
func Example() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	id, err := keyutils.AddKey("user", "example:token", []byte("s3cr3t"), ring)
	if err != nil {
		log.Fatal(err)
	}
	payload, err := keyutils.Read(id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", payload)
	// Output: s3cr3t
}

// Adding a key of the same type and description again updates it in place.
func ExampleAddKey() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	a, _ := keyutils.AddKey("user", "example:counter", []byte("1"), ring)
	b, _ := keyutils.AddKey("user", "example:counter", []byte("2"), ring)
	payload, _ := keyutils.Read(a)
	fmt.Println(a == b, string(payload))
	// Output: true 2
}

// ReadInto reads a payload into a caller's buffer without allocating.
func ExampleReadInto() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	id, _ := keyutils.AddKey("user", "example:key", []byte("0123456789abcdef"), ring)
	buf := make([]byte, 8)
	n, err := keyutils.ReadInto(id, buf)
	if errors.Is(err, keyutils.ErrShortBuffer) {
		fmt.Println("need", n, "bytes")
		buf = make([]byte, n)
		n, err = keyutils.ReadInto(id, buf)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", buf[:n])
	keyutils.Wipe(buf)
	// Output:
	// need 16 bytes
	// 0123456789abcdef
}

// Search looks through a keyring and the keyrings below it.
func ExampleSearch() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	sub, _ := keyutils.NewKeyring("sub", ring)
	want, _ := keyutils.AddKey("user", "example:deep", []byte("x"), sub)
	id, err := keyutils.Search(ring, "user", "example:deep", nil)
	fmt.Println(id == want, err)
	// Output: true <nil>
}

// A missing key is ErrNotFound (ENOKEY).
func ExampleErrNotFound() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)

	_, err = keyutils.Search(ring, "user", "example:missing", nil)
	if errors.Is(err, keyutils.ErrNotFound) {
		fmt.Println("not found")
	}
	// Output: not found
}

// Describe returns a key's type, owner, permissions and description.
func ExampleDescribe() {
	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)

	id, _ := keyutils.AddKey("user", "example;with;semicolons", []byte("x"), ring)
	d, err := keyutils.Describe(id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Type, d.Perm, d.Description)
	// Output: user alswrv-----v------------ example;with;semicolons
}

// ParseDescription splits the kernel's description string on its first
// four ';' only.
func ExampleParseDescription() {
	d, err := keyutils.ParseDescription("user;1000;1000;3f010000;app:a;b")
	fmt.Println(d.Type, d.UID, d.GID, d.Perm.Hex(), d.Description, err)
	// Output: user 1000 1000 3f010000 app:a;b <nil>
}

// Build a permission mask, print it in keyctl's forms and apply it.
func ExamplePerm() {
	p := keyutils.PosAll | keyutils.UsrView | keyutils.UsrRead
	fmt.Println(p, p.Hex())
	fmt.Println(p.Class(keyutils.User))
	q, _ := keyutils.ParsePerm("0x3f010000")
	fmt.Println(q)

	ring, err := keyutils.NewKeyring("example", keyutils.SessionKeyring)
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(ring, keyutils.SessionKeyring)
	defer keyutils.Clear(ring)
	id, _ := keyutils.AddKey("user", "example:perm", []byte("x"), ring)
	if err := keyutils.SetPerm(id, p); err != nil {
		log.Fatal(err)
	}
	d, _ := keyutils.Describe(id)
	fmt.Println(d.Perm == p)
	// Output:
	// alswrv----rv------------ 3f030000
	// ----rv
	// alswrv-----v------------
	// true
}

// Ask the kernel which optional features it has.
func ExampleCapabilities() {
	caps, err := keyutils.Capabilities()
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range keyutils.AllCapabilities() {
		_ = caps.Has(c) // e.g. print "have_"+c.String()
	}
	fmt.Println(caps.Has(keyutils.CapCapabilities))
	// Output: true
}
