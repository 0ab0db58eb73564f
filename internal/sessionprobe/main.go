//go:build linux

// Command sessionprobe is the subprocess of the session keyring tests: a
// real multithreaded Go program that uses the library's session API and
// reports, as JSON on stdout, what the kernel says each thread sees.
//
//	sessionprobe print                 the calling thread's session keyring
//	sessionprobe start NAME|- PROG...  run PROG in a session (Session.Run)
//	sessionprobe exec NAME|- PROG...   become PROG in a session (Session.Exec)
//	sessionprobe joinprocess N M [NAME] N threads, JoinProcess, then M more
//	sessionprobe untouched N K         N threads sampled around K Starts
//	sessionprobe toparent [NAME]       Session.ToParent
//	sessionprobe stress SECONDS NAME   every session operation at once (internal/sessionstress)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/sessionstress"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: sessionprobe print|start|exec|joinprocess|untouched|toparent|stress [args]"))
	}
	switch os.Args[1] {
	case "print":
		info, err := keyutils.CurrentSession()
		if err != nil {
			fail(err)
		}
		out(map[string]any{"serial": info.Serial, "own": info.Own, "desc": info.Description.Description, "euid": os.Geteuid(), "uid": os.Getuid(), "members": info.Members})
	case "start", "exec":
		s := session(os.Args[2])
		cmd := exec.Command(os.Args[3], os.Args[4:]...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if os.Args[1] == "exec" {
			path, err := exec.LookPath(os.Args[3])
			if err != nil {
				fail(err)
			}
			fail(s.Exec(path, os.Args[3:], os.Environ()))
		}
		if _, err := s.Run(cmd); err != nil {
			fail(err)
		}
	case "joinprocess":
		n, m := atoi(os.Args[2]), atoi(os.Args[3])
		before := sample(n)
		var s keyutils.Session
		if len(os.Args) > 4 {
			s.Name = os.Args[4]
		}
		id, err := s.JoinProcess()
		if err != nil {
			fail(err)
		}
		d, err := keyutils.Describe(id)
		if err != nil {
			fail(err)
		}
		after := sample(n)
		again, err := s.JoinProcess() // joining the same keyring again must work too
		if err != nil {
			fail(err)
		}
		out(map[string]any{"serial": id, "again": again, "desc": d.Description, "perm": d.Perm.Hex(), "before": before, "after": after, "later": sample(n + m)})
	case "untouched":
		n, k := atoi(os.Args[2]), atoi(os.Args[3])
		before := sample(n)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var serials []keyutils.Serial
		for i := 0; i < k; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, err := keyutils.Session{}.Run(exec.Command("true"))
				if err != nil {
					fail(err)
				}
				mu.Lock()
				serials = append(serials, id)
				mu.Unlock()
			}()
		}
		wg.Wait()
		out(map[string]any{"before": before, "after": sample(n), "sessions": serials})
	case "stress":
		// Run under a single-threaded parent (a shell): ToParent must
		// succeed.
		self, err := os.Executable()
		if err != nil {
			fail(err)
		}
		ring, err := keyutils.SessionKeyring.Resolve()
		if err != nil {
			fail(err)
		}
		counts, problems := sessionstress.Run(time.Duration(atoi(os.Args[2]))*time.Second, sessionstress.Options{
			Child: self, Args: []string{"print"},
			JoinProcess: true, ToParent: true,
			Name: os.Args[3], Keyring: ring,
		})
		out(map[string]any{"counts": counts})
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, p)
		}
		if len(problems) > 0 {
			os.Exit(1)
		}
	case "toparent":
		s := keyutils.Session{}
		if len(os.Args) > 2 {
			s.Name = os.Args[2]
		}
		id, err := s.ToParent()
		if err != nil {
			fail(err)
		}
		out(map[string]any{"serial": id})
	default:
		fail(fmt.Errorf("unknown probe %q", os.Args[1]))
	}
}

func session(name string) keyutils.Session {
	if name == "-" {
		return keyutils.Session{}
	}
	return keyutils.Session{Name: name}
}

// sample returns what @s resolves to on n distinct OS threads: n goroutines
// lock their threads at the same time, so each runs on its own thread.
// Resolving @s changes nothing a thread sees, so they unlock afterwards.
func sample(n int) []keyutils.Serial {
	res := make([]keyutils.Serial, n)
	var ready, done sync.WaitGroup
	release := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ready.Done()
			<-release // hold the thread until all n are locked
			id, err := keyutils.SessionKeyring.Resolve()
			if err != nil {
				fail(err)
			}
			res[i] = id
		}()
	}
	ready.Wait()
	close(release)
	done.Wait()
	return res
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(err)
	}
	return n
}

func out(v any) {
	if err := json.NewEncoder(os.Stdout).Encode(v); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sessionprobe:", err)
	os.Exit(1)
}
