//go:build linux

package requestkey_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils/requestkey"
)

// A Go program that constructs keys itself, named in
// /etc/request-key.d/myapp.conf by the line
//
//	create  user  myapp:*  *  /usr/local/sbin/myapp-key %k
//
// request_key("user", "myapp:token", "callout", ...) then gets the payload
// the handler returns; an error negates or rejects the key.
func ExampleServe() {
	handle := func(r *requestkey.Request) ([]byte, error) {
		name := strings.TrimPrefix(r.Description, "myapp:")
		if name != "token" {
			// Requests for other names fail with EKEYREJECTED for 10 s.
			return nil, &requestkey.Rejection{Errno: unix.EKEYREJECTED, Timeout: 10e9, Reason: "unknown name " + name}
		}
		return []byte("token for " + r.Callout), nil
	}
	if err := requestkey.Serve(os.Args[1:], handle); err != nil {
		log.Fatal(err) // the key has been negated already
	}
}

// Which line of a configuration would handle a request, as
// "request-key -d" shows it. The Wildness counts, per field, the characters
// a '*' absorbed; the least wild line wins.
func ExampleConfig_Lookup() {
	dir, err := os.MkdirTemp("", "rk")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	conf := "create user debug:* * /bin/echo %k %d\n" +
		"create user debug:loop:* * |/bin/cat\n"
	if err := os.WriteFile(dir+"/request-key.conf", []byte(conf), 0o644); err != nil {
		log.Fatal(err)
	}
	c, err := requestkey.Load(dir)
	if err != nil {
		log.Fatal(err)
	}
	rule, w, err := c.Lookup(&requestkey.Upcall{Op: "create", Type: "user", Description: "debug:loop:1", Callout: "x"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rule.Line, w)
	// Output: 2 (0,0,1,1)
}
