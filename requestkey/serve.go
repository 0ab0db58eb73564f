package requestkey

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/keyutils-go/keyutils"
)

// Request is the key a Handler is asked to construct.
type Request struct {
	Key         keyutils.Serial // the key under construction
	Type        string          // its type, e.g. "user"
	Description string          // its description
	Callout     string          // the callout info, up to its first NUL
	Args        []string        // the program's arguments after the key ID
}

// A Handler constructs the key of a Request. A nil error instantiates the
// key with the returned payload. An error refuses the key: a *Rejection
// (anywhere in the chain, errors.As) says how; any other error negates the
// key for NegateTimeout.
type Handler func(*Request) ([]byte, error)

// Error says how the key was finished and why.
func (r *Rejection) Error() string {
	what := "negated"
	if r.Errno != 0 {
		what = "rejected (" + r.Errno.Error() + ")"
	}
	if r.Reason != "" {
		return "key " + what + ": " + r.Reason
	}
	return "key " + what
}

// Serve runs h for the key named by args[0], and is meant to be the whole
// main function of a Go program named in request-key.conf:
//
//	create  user  myapp:*  *  /usr/local/sbin/myapp-key %k %d
//
//	func main() {
//		if err := requestkey.Serve(os.Args[1:], handle); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//	}
//
// args are "<key> [<arg>...]"; Request.Args gets the arguments after the
// key ID. Serve assumes authority over the key (the program inherits the
// authorisation key from request-key), describes it, reads the callout
// info, calls h, and finishes the key as h says. The key is never left
// uninstantiated: if anything fails, including h panicking or the
// instantiation, the key is negated for NegateTimeout and Serve returns
// the error. A Rejection is not an error of Serve: it returns nil once the
// key has been refused as asked. Serve must run on the goroutine that will finish the key; it
// locks that goroutine to its OS thread (see keyutils.Construct).
func Serve(args []string, h Handler) (err error) {
	if len(args) < 1 {
		return errors.New("requestkey: Serve: missing key ID argument")
	}
	id, err := strconv.ParseInt(args[0], 10, 32)
	if err != nil {
		return fmt.Errorf("requestkey: Serve: bad key ID %q", args[0])
	}
	c, err := keyutils.Construct(keyutils.Serial(id))
	if c == nil {
		return err
	}
	defer func() {
		if !c.Done() {
			if nerr := c.Negate(NegateTimeout, nil); err == nil {
				err = nerr
			}
		}
	}()
	if err != nil {
		return err
	}
	req := &Request{Key: c.Key, Type: c.Description.Type, Description: c.Description.Description,
		Callout: c.CalloutString(), Args: args[1:]}
	payload, herr := call(h, req)
	defer keyutils.Wipe(payload)
	var rej *Rejection
	switch {
	case herr == nil:
		return c.Instantiate(payload, nil)
	case errors.As(herr, &rej):
		t := rej.Timeout
		if t == 0 {
			t = NegateTimeout
		}
		if rej.Errno == 0 {
			return c.Negate(t, nil)
		}
		return c.Reject(t, rej.Errno, nil)
	default:
		err = c.Negate(NegateTimeout, nil)
	}
	return errors.Join(herr, err)
}

// call runs h, turning a panic into an error.
func call(h Handler, req *Request) (p []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, fmt.Errorf("requestkey: handler panicked: %v", v)
		}
	}()
	return h(req)
}
