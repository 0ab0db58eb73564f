package keyutils

import (
	"bufio"
	"io"
	"os"
	"strings"
)

// ReadProcKeys returns the keys listed in /proc/keys, those the caller may
// view. Lines that do not parse are skipped.
func ReadProcKeys() ([]ProcKey, error) {
	f, err := os.Open("/proc/keys")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseProcKeys(f)
}

func parseProcKeys(r io.Reader) ([]ProcKey, error) {
	var keys []ProcKey
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 8192), 1<<20)
	for sc.Scan() {
		if k, err := ParseProcKey(sc.Text()); err == nil {
			keys = append(keys, k)
		}
	}
	return keys, sc.Err()
}

// ReadKeyUsers returns the lines of /proc/key-users: every user that owns
// keys, with quota usage and limits.
func ReadKeyUsers() ([]KeyUser, error) {
	b, err := os.ReadFile("/proc/key-users")
	if err != nil {
		return nil, err
	}
	var users []KeyUser
	for _, line := range strings.Split(string(b), "\n") {
		if u, err := ParseKeyUser(line); err == nil {
			users = append(users, u)
		}
	}
	return users, nil
}
