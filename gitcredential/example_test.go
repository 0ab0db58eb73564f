//go:build linux

package gitcredential_test

import (
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/gitcredential"
	"github.com/keyutils-go/keyutils/secret"
)

// A Go program can answer git's credential requests, or read what
// git-credential-keyctl stored, through the protocol itself.
func ExampleHelper_Serve() {
	s, err := secret.Open("example-git-credential", secret.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer keyutils.Unlink(s.Keyring(), keyutils.SessionKeyring)
	defer s.Clear()
	h := &gitcredential.Helper{Store: s, Timeout: 15 * time.Minute}

	// What "git credential approve" sends.
	err = h.Serve("store", strings.NewReader("protocol=https\nhost=example.com\nusername=alice\npassword=s3cret\n\n"), nil)
	if err != nil {
		log.Fatal(err)
	}
	// What "git credential fill" asks.
	err = h.Serve("get", strings.NewReader("protocol=https\nhost=example.com\n\n"), os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	names, _ := s.List()
	fmt.Println(names)
	// Output:
	// username=alice
	// password=s3cret
	// [https://alice@example.com]
}
