//go:build linux

package cli

// handler returns the handler of the command name of the command table,
// which gets the words after the command name; nil for a name not in the
// table. Only Main's dispatch calls it: MainConstruct's dispatch names its
// three handlers, so that a program calling only MainConstruct (like
// cmd/request-key) links only those, not the whole of keyctl.
func handler(name string) func(c *ctx, args []string) error {
	switch name {
	case "--version":
		return (*ctx).cmdVersion
	case "add":
		return (*ctx).cmdAdd
	case "chgrp":
		return (*ctx).cmdChgrp
	case "chown":
		return (*ctx).cmdChown
	case "clear":
		return (*ctx).cmdClear
	case "describe":
		return (*ctx).cmdDescribe
	case "dh_compute":
		return (*ctx).cmdDHCompute
	case "dh_compute_kdf":
		return (*ctx).cmdDHComputeKDF
	case "dh_compute_kdf_oi":
		return (*ctx).cmdDHComputeKDFOI
	case "doctor":
		return (*ctx).cmdDoctor
	case "get_persistent":
		return (*ctx).cmdGetPersistent
	case "id":
		return (*ctx).cmdID
	case "instantiate":
		return (*ctx).cmdInstantiate
	case "invalidate":
		return (*ctx).cmdInvalidate
	case "link":
		return (*ctx).cmdLink
	case "list":
		return (*ctx).cmdList
	case "move":
		return (*ctx).cmdMove
	case "negate":
		return (*ctx).cmdNegate
	case "new_session":
		return (*ctx).cmdNewSession
	case "newring":
		return (*ctx).cmdNewring
	case "padd":
		return (*ctx).cmdPadd
	case "pinstantiate":
		return (*ctx).cmdPinstantiate
	case "pipe":
		return (*ctx).cmdPipe
	case "pkey_query":
		return (*ctx).cmdPKeyQuery
	case "pkey_encrypt":
		return (*ctx).cmdPKeyEncrypt
	case "pkey_decrypt":
		return (*ctx).cmdPKeyDecrypt
	case "pkey_sign":
		return (*ctx).cmdPKeySign
	case "pkey_verify":
		return (*ctx).cmdPKeyVerify
	case "prequest2":
		return (*ctx).cmdPrequest2
	case "print":
		return (*ctx).cmdPrint
	case "pupdate":
		return (*ctx).cmdPupdate
	case "purge":
		return (*ctx).cmdPurge
	case "rdescribe":
		return (*ctx).cmdRdescribe
	case "read":
		return (*ctx).cmdRead
	case "reap":
		return (*ctx).cmdReap
	case "reject":
		return (*ctx).cmdReject
	case "request":
		return (*ctx).cmdRequest
	case "request2":
		return (*ctx).cmdRequest2
	case "restrict_keyring":
		return (*ctx).cmdRestrictKeyring
	case "revoke":
		return (*ctx).cmdRevoke
	case "rlist":
		return (*ctx).cmdRlist
	case "search":
		return (*ctx).cmdSearch
	case "security":
		return (*ctx).cmdSecurity
	case "session":
		return (*ctx).cmdSession
	case "setperm":
		return (*ctx).cmdSetperm
	case "show":
		return (*ctx).cmdShow
	case "supports":
		return (*ctx).cmdSupports
	case "timeout":
		return (*ctx).cmdTimeout
	case "unlink":
		return (*ctx).cmdUnlink
	case "update":
		return (*ctx).cmdUpdate
	case "watch":
		return (*ctx).cmdWatch
	case "watch_add":
		return (*ctx).cmdWatchAdd
	case "watch_rm":
		return (*ctx).cmdWatchRm
	case "watch_session":
		return (*ctx).cmdWatchSession
	case "watch_sync":
		return (*ctx).cmdWatchSync
	case "why":
		return (*ctx).cmdWhy
	case "--test":
		return (*ctx).cmdTest
	}
	return nil
}

// constructHandler is handler for MainConstruct: the commands a
// request-key configuration line runs to construct a key.
func constructHandler(name string) func(c *ctx, args []string) error {
	switch name {
	case "instantiate":
		return (*ctx).cmdInstantiate
	case "negate":
		return (*ctx).cmdNegate
	case "reject":
		return (*ctx).cmdReject
	}
	return nil
}
