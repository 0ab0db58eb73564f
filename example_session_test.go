//go:build linux

package keyutils_test

import (
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/keyutils-go/keyutils"
)

// Run a program in a new anonymous session keyring without changing any
// thread of the calling program. The keyring is destroyed when the program
// and its children have exited.
func ExampleSession_Run() {
	cmd := exec.Command("/bin/sh", "-c", "exit 0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if _, err := (keyutils.Session{}).Run(cmd); err != nil {
		log.Fatal(err)
	}
	fmt.Println("done")
	// Output: done
}

// Replace the running program by another one in the session keyring
// called "build", as "keyctl session build make" does.
func ExampleSession_Exec() {
	path, err := exec.LookPath("make")
	if err != nil {
		log.Fatal(err)
	}
	err = keyutils.Session{Name: "build"}.Exec(path, []string{"make"}, os.Environ())
	log.Fatal(err) // Exec returns only on failure
}

// Move every thread of this program into a new session keyring, so that
// SessionKeyring means that keyring on every goroutine.
func ExampleSession_JoinProcess() {
	id, err := keyutils.Session{}.JoinProcess()
	if err != nil {
		log.Fatal(err) // e.g. keyutils.ErrCgo in a program that links cgo
	}
	if _, err := keyutils.AddKey("user", "token", []byte("secret"), id); err != nil {
		log.Fatal(err)
	}
}

// Tell whether this thread has a session keyring of its own.
func ExampleCurrentSession() {
	info, err := keyutils.CurrentSession()
	if err != nil {
		log.Fatal(err)
	}
	// The tests run in a throwaway anonymous session keyring.
	fmt.Println(info.Own, info.Description.Description)
	// Output: true _ses
}

// Start a long-running program in the session keyring called "worker",
// from any goroutine, and wait for it later.
func ExampleSession_Start() {
	cmd := exec.Command("/bin/sh", "-c", "exit 0")
	id, err := keyutils.Session{Name: "worker"}.Start(cmd)
	if err != nil {
		log.Fatal(err)
	}
	_ = id // the "worker" keyring, which the child (only) has joined
	if err := cmd.Wait(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("worker done")
	// Output: worker done
}

// Give the parent process (a shell running this program) a new session
// keyring, as "keyctl new_session" does. A Go parent is always refused:
// the kernel only changes single-threaded parents.
func ExampleSession_ToParent() {
	id, err := keyutils.Session{}.ToParent()
	if err != nil {
		log.Fatal(err) // e.g. EPERM, with the reason the parent was refused
	}
	fmt.Println(id)
}
