//go:build linux

// Package sessionstress runs every operation of the session API at the
// same time, for the concurrency tests of the library: in the sessionprobe
// subprocess with JoinProcess (which needs a program without cgo, so not
// under the race detector), and in the test process under -race without
// the operations that change the test process itself.
package sessionstress

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyutils-go/keyutils"
	"golang.org/x/sys/unix"
)

// Options say which operations run besides Run, StartWithKeys, Exec,
// CurrentSession and Join on a locked thread.
type Options struct {
	// Child is the program every started child runs, with Args; it must
	// print the JSON of "sessionprobe print" (serial and members of its
	// @s).
	Child string
	Args  []string
	// JoinProcess moves the whole process, into a new anonymous keyring
	// and into the keyring called Name in turn, in a loop.
	JoinProcess bool
	// ToParent gives new keyrings to the parent process in a loop; the
	// parent must be single-threaded (a shell) unless ParentMayRefuse.
	ToParent        bool
	ParentMayRefuse bool
	// Name is the name of the session keyring the named operations join.
	Name string
	// Keyring is where the key given to StartWithKeys is kept; Run
	// removes it from there at the end.
	Keyring keyutils.Serial
}

// Run runs the operations at the same time for d: JoinProcess (if
// opts.JoinProcess) moves the whole process while other goroutines call
// Run (anonymous and named), StartWithKeys, Exec (of a program that does
// not exist, so that it returns), ToParent (if opts.ToParent),
// CurrentSession and Join (on a thread of its own) in loops. Every child
// started must report as its @s the keyring the call returned, and a
// child of StartWithKeys must find the key it was given in it. ToParent
// must return an anonymous keyring ("_ses"), never one the process was
// moved into. Run returns how many times each operation ran and the
// problems seen.
func Run(d time.Duration, opts Options) (counts map[string]int64, problems []string) {
	name := opts.Name
	// A key to hand to StartWithKeys. JoinProcess takes the process out
	// of the session keyring that holds opts.Keyring, so the key is not
	// possessed then; its owner may link it (UsrLink).
	key, err := keyutils.AddKey("user", "stress-key", []byte("k"), opts.Keyring)
	if err == nil {
		err = keyutils.SetPerm(key, keyutils.PosAll|keyutils.UsrAll)
	}
	if err != nil {
		return nil, []string{"stress key: " + err.Error()}
	}
	defer keyutils.Unlink(key, opts.Keyring)

	var (
		mu    sync.Mutex
		count = map[string]*atomic.Int64{}
		stop  atomic.Bool
		wg    sync.WaitGroup
	)
	problem := func(format string, a ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, a...))
		mu.Unlock()
	}
	loop := func(op string, f func()) {
		n := new(atomic.Int64)
		count[op] = n
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				f()
				n.Add(1)
			}
		}()
	}
	// child starts opts.Child with start and checks the @s it reports.
	child := func(op string, start func(*exec.Cmd) (keyutils.Serial, error), key keyutils.Serial) {
		cmd := exec.Command(opts.Child, opts.Args...)
		var out strings.Builder
		cmd.Stdout = &out
		id, err := start(cmd)
		if err == nil {
			err = cmd.Wait()
		}
		if err != nil {
			problem("%s: %v", op, err)
			return
		}
		var r struct {
			Serial  keyutils.Serial   `json:"serial"`
			Members []keyutils.Serial `json:"members"`
		}
		if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
			problem("%s: child printed %q: %v", op, out.String(), err)
			return
		}
		if r.Serial != id {
			problem("%s: returned keyring %d, but the child's @s is %d", op, id, r.Serial)
		}
		if key != 0 && !slices.Contains(r.Members, key) {
			problem("%s: key %d not in the child's @s %d (members %v)", op, key, r.Serial, r.Members)
		}
	}

	joins := []keyutils.Session{{}, {Name: name}}
	var turn int
	if opts.JoinProcess {
		loop("joinprocess", func() {
			turn++
			if _, err := joins[turn%2].JoinProcess(); err != nil {
				problem("JoinProcess(%q): %v", joins[turn%2].Name, err)
			}
		})
	}
	for i := 0; i < 2; i++ {
		loop(fmt.Sprintf("run-%d", i), func() { child("Run", keyutils.Session{}.Start, 0) })
	}
	loop("run-named", func() { child("Run named", keyutils.Session{Name: name}.Start, 0) })
	loop("startwithkeys", func() {
		child("StartWithKeys", func(c *exec.Cmd) (keyutils.Serial, error) {
			return keyutils.Session{}.StartWithKeys(c, key)
		}, key)
	})
	loop("exec", func() {
		err := keyutils.Session{}.Exec("/nonexistent/sessionprobe", []string{"x"}, nil)
		if !errors.Is(err, unix.ENOENT) {
			problem("Exec of a missing program: %v, want ENOENT", err)
		}
	})
	if opts.ToParent {
		loop("toparent", func() {
			id, err := keyutils.Session{}.ToParent()
			if err != nil {
				if !opts.ParentMayRefuse || !errors.Is(err, keyutils.ErrPermission) {
					problem("ToParent: %v", err)
				}
				return
			}
			d, err := keyutils.Describe(id)
			if err != nil || d.Description != "_ses" {
				problem("ToParent returned %d (%+v, %v), not a new anonymous keyring", id, d, err)
			}
		})
	}
	// A thread the caller locked and keeps in keyrings of its own,
	// joining the name JoinProcess joins too: JoinProcess may move it at
	// any time (documented), but neither may fail or abort the program.
	joined := new(atomic.Int64)
	count["join-locked"] = joined
	wg.Add(1)
	go func() {
		defer wg.Done()
		runtime.LockOSThread() // never unlocked: the thread is discarded
		for !stop.Load() {
			if _, err := joins[joined.Load()%2].Join(); err != nil {
				problem("Join on a locked thread: %v", err)
			}
			joined.Add(1)
		}
	}()
	loop("currentsession", func() {
		info, err := keyutils.CurrentSession()
		if err != nil {
			problem("CurrentSession: %v", err)
			return
		}
		if desc := info.Description.Description; opts.JoinProcess && desc != name && !strings.HasPrefix(desc, "_ses.") && desc != "_ses" {
			problem("CurrentSession: %d is %q, not a keyring the process joined", info.Serial, desc)
		}
	})

	time.Sleep(d)
	stop.Store(true)
	wg.Wait()

	counts = map[string]int64{}
	for op, c := range count {
		counts[op] = c.Load()
	}
	return counts, problems
}
