//go:build linux

package secret_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/secret"
)

// Keep a token for the login session, for ten minutes: this process and
// the next ones of the session get it back, nobody else does.
func Example() {
	s, err := secret.Open("example-myapp", secret.Options{TTL: 10 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Set("api-token", []byte("t0k3n")); err != nil {
		log.Fatal(err)
	}

	// Later, in this process or in another one of the same session:
	token, err := s.Get("api-token")
	switch {
	case errors.Is(err, secret.ErrNotFound):
		fmt.Println("not cached, or expired: log in again")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Printf("token %s\n", token)
		keyutils.Wipe(token)
	}
	info, err := s.Info("api-token")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("expires", info.Expires.Sub(info.Created).Round(time.Minute), "after it was stored")

	s.Clear()
	// Output:
	// token t0k3n
	// expires 10m0s after it was stored
}

// A refreshed token replaces the old one but keeps its deadline, however
// often it is refreshed: Update never extends an entry's life, and never
// leaves it without an expiry.
func ExampleStore_Update() {
	s, err := secret.Open("example-refresh", secret.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.SetTTL("session-token", []byte("first"), time.Hour); err != nil {
		log.Fatal(err)
	}
	before, _ := s.Info("session-token")
	for _, refreshed := range []string{"second", "third"} {
		if err := s.Update("session-token", []byte(refreshed)); err != nil {
			log.Fatal(err)
		}
	}
	after, _ := s.Info("session-token")
	v, _ := s.Get("session-token")
	fmt.Printf("%s, same expiry: %v\n", v, after.Expires.Equal(before.Expires))

	s.Clear()
	// Output:
	// third, same expiry: true
}

// Entries with a time to live of their own, next to the store's default.
func ExampleStore_SetTTL() {
	s, err := secret.Open("example-ttl", secret.Options{TTL: 15 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	s.Set("password", []byte("hunter2"))              // the store's 15 minutes
	s.SetTTL("otp", []byte("123456"), 30*time.Second) // 30 seconds
	s.SetTTL("refresh-token", []byte("r3fr3sh"), 0)   // no expiry: as long as the session
	for _, name := range []string{"password", "otp", "refresh-token"} {
		info, _ := s.Info(name)
		if info.Expires.IsZero() {
			fmt.Println(name, "does not expire")
			continue
		}
		// The kernel counts whole seconds: Expires is a whole second.
		fmt.Println(name, "expires after", info.Expires.Sub(info.Created).Round(10*time.Second))
	}

	s.Clear()
	// Output:
	// password expires after 15m0s
	// otp expires after 30s
	// refresh-token does not expire
}

// List and Delete, as a credential helper's "erase" does.
func ExampleStore_List() {
	s, err := secret.Open("example-list", secret.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, host := range []string{"https://git.example.com", "https://example.org", "https://registry.example.com"} {
		s.Set(host, []byte("token for "+host))
	}
	if err := s.Delete("https://example.org"); err != nil {
		log.Fatal(err)
	}
	names, err := s.List()
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		fmt.Println(name)
	}
	err = s.Delete("https://example.org")
	fmt.Println("deleted again:", errors.Is(err, secret.ErrNotFound))

	s.Clear()
	// Output:
	// https://git.example.com
	// https://registry.example.com
	// deleted again: true
}

// Choose the anchor from configuration, and refuse to fall back to the
// user-session keyring when the program runs outside a login session.
func ExampleParseAnchor() {
	anchor, err := secret.ParseAnchor("session") // from a flag or a config file
	if err != nil {
		log.Fatal(err)
	}
	s, err := secret.Open("example-anchor", secret.Options{Anchor: anchor, RequireOwnSession: true})
	if errors.Is(err, secret.ErrNoSession) {
		fmt.Println("not in a login session: nothing is cached")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("store", s.Name(), "in the", s.Anchor(), "keyring")
	// Output:
	// store example-anchor in the session keyring
}
