//go:build linux

package keyutils_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
)

// TestConstantsMatchKernel checks the constants that are declared with
// their values, in files that build on every system (where x/sys/unix's
// names are missing), against x/sys/unix's names for them.
func TestConstantsMatchKernel(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"ThreadKeyring", int64(keyutils.ThreadKeyring), unix.KEY_SPEC_THREAD_KEYRING},
		{"ProcessKeyring", int64(keyutils.ProcessKeyring), unix.KEY_SPEC_PROCESS_KEYRING},
		{"SessionKeyring", int64(keyutils.SessionKeyring), unix.KEY_SPEC_SESSION_KEYRING},
		{"UserKeyring", int64(keyutils.UserKeyring), unix.KEY_SPEC_USER_KEYRING},
		{"UserSessionKeyring", int64(keyutils.UserSessionKeyring), unix.KEY_SPEC_USER_SESSION_KEYRING},
		{"GroupKeyring", int64(keyutils.GroupKeyring), unix.KEY_SPEC_GROUP_KEYRING},
		{"ReqKeyAuthKey", int64(keyutils.ReqKeyAuthKey), unix.KEY_SPEC_REQKEY_AUTH_KEY},
		{"RequestorKeyring", int64(keyutils.RequestorKeyring), unix.KEY_SPEC_REQUESTOR_KEYRING},

		{"ReqKeyNoChange", int64(keyutils.ReqKeyNoChange), unix.KEY_REQKEY_DEFL_NO_CHANGE},
		{"ReqKeyDefaultRing", int64(keyutils.ReqKeyDefaultRing), unix.KEY_REQKEY_DEFL_DEFAULT},
		{"ReqKeyThread", int64(keyutils.ReqKeyThread), unix.KEY_REQKEY_DEFL_THREAD_KEYRING},
		{"ReqKeyProcess", int64(keyutils.ReqKeyProcess), unix.KEY_REQKEY_DEFL_PROCESS_KEYRING},
		{"ReqKeySession", int64(keyutils.ReqKeySession), unix.KEY_REQKEY_DEFL_SESSION_KEYRING},
		{"ReqKeyUser", int64(keyutils.ReqKeyUser), unix.KEY_REQKEY_DEFL_USER_KEYRING},
		{"ReqKeyUserSession", int64(keyutils.ReqKeyUserSession), unix.KEY_REQKEY_DEFL_USER_SESSION_KEYRING},
		{"ReqKeyGroup", int64(keyutils.ReqKeyGroup), unix.KEY_REQKEY_DEFL_GROUP_KEYRING},
		{"ReqKeyRequestor", int64(keyutils.ReqKeyRequestor), unix.KEY_REQKEY_DEFL_REQUESTOR_KEYRING},

		{"CapCapabilities", int64(keyutils.CapCapabilities), 0<<8 | unix.KEYCTL_CAPS0_CAPABILITIES},
		{"CapPersistentKeyrings", int64(keyutils.CapPersistentKeyrings), 0<<8 | unix.KEYCTL_CAPS0_PERSISTENT_KEYRINGS},
		{"CapDHCompute", int64(keyutils.CapDHCompute), 0<<8 | unix.KEYCTL_CAPS0_DIFFIE_HELLMAN},
		{"CapPublicKey", int64(keyutils.CapPublicKey), 0<<8 | unix.KEYCTL_CAPS0_PUBLIC_KEY},
		{"CapBigKey", int64(keyutils.CapBigKey), 0<<8 | unix.KEYCTL_CAPS0_BIG_KEY},
		{"CapInvalidate", int64(keyutils.CapInvalidate), 0<<8 | unix.KEYCTL_CAPS0_INVALIDATE},
		{"CapRestrictKeyring", int64(keyutils.CapRestrictKeyring), 0<<8 | unix.KEYCTL_CAPS0_RESTRICT_KEYRING},
		{"CapMove", int64(keyutils.CapMove), 0<<8 | unix.KEYCTL_CAPS0_MOVE},
		{"CapNSKeyringName", int64(keyutils.CapNSKeyringName), 1<<8 | unix.KEYCTL_CAPS1_NS_KEYRING_NAME},
		{"CapNSKeyTag", int64(keyutils.CapNSKeyTag), 1<<8 | unix.KEYCTL_CAPS1_NS_KEY_TAG},
		{"CapNotify", int64(keyutils.CapNotify), 1<<8 | unix.KEYCTL_CAPS1_NOTIFICATIONS},

		{"PKeyEncryptOp", int64(keyutils.PKeyEncryptOp), unix.KEYCTL_SUPPORTS_ENCRYPT},
		{"PKeyDecryptOp", int64(keyutils.PKeyDecryptOp), unix.KEYCTL_SUPPORTS_DECRYPT},
		{"PKeySignOp", int64(keyutils.PKeySignOp), unix.KEYCTL_SUPPORTS_SIGN},
		{"PKeyVerifyOp", int64(keyutils.PKeyVerifyOp), unix.KEYCTL_SUPPORTS_VERIFY},

		{"MoveExclusive", int64(keyutils.MoveExclusive), unix.KEYCTL_MOVE_EXCL},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, x/sys/unix says %d", c.name, c.got, c.want)
		}
	}
}
