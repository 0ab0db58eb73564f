//go:build linux

package keyutils_test

import (
	"log"
	"os"
	"strconv"
	"time"

	"github.com/keyutils-go/keyutils"
)

// The core of an upcall program run by request-key with the key ID as its
// argument ("%k" in request-key.conf): assume authority over the key, look
// at what was asked, and finish the key exactly once.
func ExampleConstruct() {
	n, err := strconv.ParseInt(os.Args[1], 10, 32)
	if err != nil {
		log.Fatal(err)
	}
	c, err := keyutils.Construct(keyutils.Serial(n))
	if c == nil {
		log.Fatal(err) // no authority over the key: nothing to finish
	}
	if err != nil || c.Description.Type != "user" {
		c.Negate(10*time.Second, nil) // never leave the key uninstantiated
		log.Fatal(err)
	}
	payload := []byte("value for " + c.Description.Description + ", asked with " + c.CalloutString())
	if err := c.Instantiate(payload, nil); err != nil {
		c.Negate(10*time.Second, nil)
		log.Fatal(err)
	}
}
