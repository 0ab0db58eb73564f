package secret

import (
	"fmt"
	"strings"
)

// prefix starts the description of every keyring and key of the package:
// a store's keyring is "keyutils-go:<store>", its entries are "user" keys
// described "keyutils-go:<store>:<name>".
const prefix = "keyutils-go:"

// maxDescription is the longest description the kernel accepts.
const maxDescription = 4095

// maxStoreName bounds store names, which are chosen by programs, not data.
const maxStoreName = 255

// checkStoreName accepts 1 to 255 ASCII letters, digits, '.', '_' and '-'.
func checkStoreName(name string) error {
	if name == "" || len(name) > maxStoreName {
		return fmt.Errorf("store names have 1 to %d characters", maxStoreName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("store names are made of ASCII letters, digits, '.', '_' and '-'")
		}
	}
	return nil
}

// checkName accepts any non-empty name without NUL bytes (the kernel
// reads descriptions as C strings) that makes a description of at most
// 4095 bytes.
func checkName(entryPrefix, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("entry names are not empty")
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("entry names contain no NUL byte")
	case len(entryPrefix)+len(name) > maxDescription:
		return fmt.Errorf("entry names in this store have at most %d bytes", maxDescription-len(entryPrefix))
	}
	return nil
}
