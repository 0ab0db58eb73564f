package keyutils

// ReqKeyDefault names the keyring into which request_key(2) links keys it
// constructs when the caller gives no destination
// (KEYCTL_SET_REQKEY_KEYRING).
type ReqKeyDefault int

// The default request-key keyrings (KEY_REQKEY_DEFL_*).
const (
	ReqKeyNoChange    ReqKeyDefault = -1
	ReqKeyDefaultRing ReqKeyDefault = 0
	ReqKeyThread      ReqKeyDefault = 1
	ReqKeyProcess     ReqKeyDefault = 2
	ReqKeySession     ReqKeyDefault = 3
	ReqKeyUser        ReqKeyDefault = 4
	ReqKeyUserSession ReqKeyDefault = 5
	ReqKeyGroup       ReqKeyDefault = 6
	ReqKeyRequestor   ReqKeyDefault = 7
)
