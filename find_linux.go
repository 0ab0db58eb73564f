package keyutils

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"
)

// FindKeyByTypeAndDesc finds a key by type and description the way
// libkeyutils' find_key_by_type_and_desc does (keyctl's "%type:desc"
// arguments): first request_key(2) without upcall, which finds possessed
// keys; failing that, a scan of /proc/keys, which also finds keys the
// caller does not possess but may view (such as "%:.builtin_trusted_keys"),
// each candidate confirmed by describing it. Unlike libkeyutils it also
// confirms descriptions that contain ';' and types longer than the 9
// characters /proc/keys shows. If dest is not nil the key found is linked
// into it.
func FindKeyByTypeAndDesc(keyType, desc string, dest ID) (Serial, error) {
	id, err := RequestKey(keyType, desc, dest)
	if err == nil || errors.Is(err, unix.ENOMEM) {
		return id, err
	}
	remembered := err
	if errors.Is(err, ErrNotFound) {
		remembered = nil
	}
	keys, perr := ReadProcKeys()
	if perr != nil {
		return 0, newError("find_key", 0, perr)
	}
	for _, k := range keys {
		if !procTypeMatches(k.Type, keyType) || !k.HasDescription(desc) {
			continue
		}
		// Confirm with the full description. Unlike libkeyutils, which
		// compares the text after the last ';' and so can never confirm a
		// description containing ';', split on the first four, and check
		// the full type, which /proc/keys may have truncated.
		raw, err := DescribeRaw(k.Serial)
		if err != nil {
			continue
		}
		if d, err := ParseDescription(raw); err != nil || d.Type != keyType || d.Description != desc {
			continue
		}
		if dest != nil {
			if err := Link(k.Serial, dest); err != nil {
				return 0, err
			}
		}
		return k.Serial, nil
	}
	if remembered != nil {
		return 0, remembered
	}
	return 0, newError("find_key", 0, ErrNotFound)
}

// procTypeWidth is the width to which /proc/keys truncates key type names
// ("%-9.9s": "asymmetric" shows as "asymmetri").
const procTypeWidth = 9

// procTypeMatches reports whether the type field of a /proc/keys line may
// be keyType.
func procTypeMatches(field, keyType string) bool {
	return field == keyType || len(field) == procTypeWidth && strings.HasPrefix(keyType, field)
}
