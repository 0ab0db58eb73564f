//go:build linux

package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/keyutils-go/keyutils"
)

// This file holds session and new_session. Both join a session keyring on
// the calling thread, which must be the locked thread the process was
// started on, so that the exec'd program and @s see the keyring.

// joinSession joins a new anonymous session keyring for "" (or "-" when
// dash is set), otherwise the keyring called name.
func joinSession(name string, anonymous bool) (keyutils.Serial, error) {
	if anonymous {
		return keyutils.JoinAnonymousSessionKeyring()
	}
	return keyutils.JoinSessionKeyring(name)
}

func (c *ctx) cmdSession(args []string) error {
	anonymous := len(args) == 0 || args[0] == "-"
	name := ""
	if !anonymous {
		name = args[0]
	}
	id, err := joinSession(name, anonymous)
	if err != nil {
		return c.perror("keyctl_join_session_keyring", err)
	}
	fmt.Fprintf(c.errw, "Joined session keyring: %d\n", int32(id))
	c.out.Flush()
	if len(args) > 1 {
		path, ok := c.env("PATH")
		if !ok {
			path = "/bin:/usr/bin" // glibc's confstr(_CS_PATH)
		}
		err := execvp(args[1], args[1:], os.Environ(), path)
		return c.perror(args[1], err)
	}
	// An empty SHELL is exec'd as it is (and fails), as getenv returns it.
	shell, ok := c.env("SHELL")
	if !ok {
		shell = "/bin/sh"
	}
	err = syscall.Exec(shell, []string{shell}, os.Environ())
	return c.perror(shell, err)
}

// execvp is glibc's execvp: a file without '/' is searched for in path (an
// empty entry, or an empty path, means the current directory); a file the
// kernel cannot execute (ENOEXEC) is run by /bin/sh. It returns only on
// failure, with EACCES if any candidate gave it, otherwise the error of the
// last candidate tried.
func execvp(file string, argv, envv []string, path string) error {
	if file == "" {
		return syscall.ENOENT
	}
	if strings.Contains(file, "/") {
		return execOrShell(file, argv, envv)
	}
	var err error = syscall.ENOENT
	sawEACCES := false
	for _, dir := range strings.Split(path, ":") {
		p := file
		if dir != "" {
			p = dir + "/" + file
		}
		err = execOrShell(p, argv, envv)
		switch {
		case errors.Is(err, syscall.EACCES):
			sawEACCES = true
		case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ESTALE),
			errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ETIMEDOUT):
		default:
			return err
		}
	}
	if sawEACCES {
		return syscall.EACCES
	}
	return err
}

// execOrShell execs path, retrying with /bin/sh on ENOEXEC.
func execOrShell(path string, argv, envv []string) error {
	err := syscall.Exec(path, argv, envv)
	if errors.Is(err, syscall.ENOEXEC) {
		sh := append([]string{"/bin/sh", path}, argv[1:]...)
		err = syscall.Exec("/bin/sh", sh, envv)
	}
	return err
}

func (c *ctx) cmdNewSession(args []string) error {
	if len(args) > 1 {
		return c.usage()
	}
	var err error
	if len(args) == 1 {
		_, err = joinSession(args[0], false)
	} else {
		_, err = joinSession("", true)
	}
	if err != nil {
		return c.perror("keyctl_join_session_keyring", err)
	}
	if err := keyutils.SessionToParent(); err != nil {
		return c.perror("keyctl_session_to_parent", err)
	}
	id, err := keyutils.GetKeyringID(keyutils.Serial(int32(keyutils.SessionKeyring)), false)
	if err != nil {
		return c.perror("keyctl_get_keyring_ID", err)
	}
	c.printSerial(id)
	return nil
}
