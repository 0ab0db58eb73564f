//go:build linux

package requestkey

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/keyutils-go/keyutils"
	"github.com/keyutils-go/keyutils/internal/testutil"
)

func TestMacros(t *testing.T) {
	ring := testutil.Keyring(t)
	desc := "requestkey-test:" + t.Name()
	if _, err := keyutils.AddKey("user", desc, []byte("s3cret"), ring); err != nil {
		t.Fatal(err)
	}
	if _, err := keyutils.AddKey("user", desc+":bin", []byte("a\x01b"), ring); err != nil {
		t.Fatal(err)
	}
	u := &Upcall{Op: "create", Key: "123", UID: "1", GID: "2", ThreadRing: "3", ProcessRing: "0",
		SessionRing: "5", Type: "user", Description: "debug:x", Callout: "spoon"}
	tests := []struct {
		arg, want, err string
	}{
		{"%o", "create", ""},
		{"%k", "123", ""},
		{"%t", "user", ""},
		{"%d", "debug:x", ""},
		{"%c", "spoon", ""},
		{"%u", "1", ""},
		{"%g", "2", ""},
		{"%T", "3", ""},
		{"%P", "0", ""},
		{"%S", "5", ""},
		{"%%", "%", ""},
		{"%%k", "%k", ""},
		{"%abc", "%abc", ""},
		{"plain", "plain", ""},
		{"a%k", "a%k", ""},
		{"%{user:" + desc + "}", "s3cret", ""},
		{"%", "", "f:3: Missing macro name"},
		{"%z", "", "f:3: Unsupported macro"},
		{"%K", "", "f:3: Unsupported macro"},
		{"%{", "", "f:3: Unsupported macro"},
		{"%{user}", "", "f:3: Keysub macro lacks ':'"},
		{"%{user:x", "", "f:3: Unterminated keysub macro"},
		{"%{user:x}y", "", "f:3: Keysub macro has trailing rubbish"},
		{"%{:x}", "", "f:3: Keysub type empty"},
		{"%{user:}", "", "f:3: Keysub description empty"},
		{"%{user:" + desc + ":none}", "", "f:3: Keysub key not found: Required key not available"},
		{"%{user:" + desc + ":bin}", "", "f:3: keysub * data not printable ('01')"},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			r := Rule{File: "f", Line: 3, Patterns: [4]string{"*", "*", "*", "*"}, n: 4, Program: "/bin/prog " + tc.arg}
			var buf bytes.Buffer
			log := &Logger{Verbose: 1, Stderr: &buf}
			cmd, err := r.Command(u, log)
			if tc.err != "" {
				pre, suf, _ := strings.Cut(tc.err, "*")
				if err == nil || !strings.HasPrefix(err.Error(), pre) || !strings.HasSuffix(err.Error(), suf) || !errors.Is(err, ErrMacro) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cmd.Args) != 2 || cmd.Args[0] != "prog" || cmd.Args[1] != tc.want {
				t.Errorf("args %q, want [prog %q]", cmd.Args, tc.want)
			}
			cmd.logArgs(log)
			if strings.Contains(buf.String(), "s3cret") {
				t.Errorf("payload logged:\n%s", buf.String())
			}
		})
	}
}
