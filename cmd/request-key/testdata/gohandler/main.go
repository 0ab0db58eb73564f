// Command gohandler is the Go upcall handler of the end-to-end test: named
// in request-key.conf as "gohandler %k", it instantiates, rejects or
// negates the key according to the callout info.
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/keyutils-go/keyutils/requestkey"
	"golang.org/x/sys/unix"
)

func handle(r *requestkey.Request) ([]byte, error) {
	switch r.Callout {
	case "reject":
		return nil, &requestkey.Rejection{Errno: unix.EKEYREJECTED, Timeout: 30 * time.Second, Reason: "test"}
	case "fail":
		return nil, errors.New("handler failed")
	case "panic":
		panic("handler panicked")
	}
	return []byte("go:" + r.Description + ":" + r.Callout), nil
}

func main() {
	if err := requestkey.Serve(os.Args[1:], handle); err != nil {
		fmt.Fprintln(os.Stderr, "gohandler:", err)
		os.Exit(1)
	}
}
