//go:build linux

package cli

import (
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/keyutils-go/keyutils"
)

// This file holds the public-key commands pkey_query, pkey_encrypt,
// pkey_decrypt, pkey_sign and pkey_verify.

// maxPKeyInfo is the size of the C tool's info buffer, NUL included.
const maxPKeyInfo = 4096

// pkeyInfo joins the k=v arguments with spaces, as keyctl does before it
// parses the key.
func (c *ctx) pkeyInfo(opts []string) (string, error) {
	var b strings.Builder
	for _, o := range opts {
		if !strings.Contains(o, "=") {
			return "", c.fail(exitUsage, "Option not in key=val form")
		}
		if len(o)+1 > maxPKeyInfo-1-b.Len() {
			return "", c.fail(exitUsage, "Too many info options")
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(o)
	}
	return b.String(), nil
}

// pkeyArgs checks the argument count (at least n fixed arguments: key,
// pass, files), then parses the info options, the key and the password in
// the C tool's order.
func (c *ctx) pkeyArgs(args []string, n int) (keyutils.Serial, string, error) {
	if len(args) < n {
		return 0, "", c.usage()
	}
	info, err := c.pkeyInfo(args[n:])
	if err != nil {
		return 0, "", err
	}
	id, err := c.key(args[0])
	if err != nil {
		return 0, "", err
	}
	if args[1] != "0" {
		return 0, "", c.fail(exitUsage, "Password passing is not yet supported")
	}
	return id, info, nil
}

// grabFile reads a whole file as the C tool does: one read of the size
// fstat reports; errors are labelled with the file name.
func (c *ctx) grabFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, c.perror(name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, c.perror(name, err)
	}
	buf := make([]byte, st.Size())
	n, err := f.Read(buf)
	if err != nil && !errors.Is(err, io.EOF) {
		clear(buf)
		return nil, c.perror(name, err)
	}
	if int64(n) != st.Size() {
		clear(buf)
		return nil, c.fail(exitFail, "%s: Short read", name)
	}
	return buf, nil
}

func (c *ctx) cmdPKeyQuery(args []string) error {
	id, info, err := c.pkeyArgs(args, 2)
	if err != nil {
		return err
	}
	q, err := keyutils.PKeyQuery(id, info)
	if err != nil {
		return c.perror("keyctl_pkey_query", err)
	}
	yn := func(op keyutils.PKeyOps) byte {
		if q.Ops&op != 0 {
			return 'y'
		}
		return 'n'
	}
	c.printf("key_size=%d\nmax_data_size=%d\nmax_sig_size=%d\nmax_enc_size=%d\nmax_dec_size=%d\n",
		q.KeySize, q.MaxDataSize, q.MaxSigSize, q.MaxEncSize, q.MaxDecSize)
	c.printf("encrypt=%c\ndecrypt=%c\nsign=%c\nverify=%c\n",
		yn(keyutils.PKeyEncryptOp), yn(keyutils.PKeyDecryptOp), yn(keyutils.PKeySignOp), yn(keyutils.PKeyVerifyOp))
	return nil
}

// pkeyOp is pkey_encrypt, pkey_decrypt and pkey_sign: the output buffer is
// sized from a query with the same info (with the C tool's choice of size)
// and the result written raw to stdout.
func (c *ctx) pkeyOp(args []string, label string,
	size func(keyutils.PKeyInfo) uint16,
	op func(keyutils.ID, string, []byte, []byte) (int, error)) error {
	id, info, err := c.pkeyArgs(args, 3)
	if err != nil {
		return err
	}
	in, err := c.grabFile(args[2])
	if err != nil {
		return err
	}
	defer keyutils.Wipe(in)
	q, err := keyutils.PKeyQuery(id, info)
	if err != nil {
		return c.perror("keyctl_pkey_query", err)
	}
	out := make([]byte, size(q))
	defer keyutils.Wipe(out)
	n, err := op(id, info, in, out)
	if err != nil {
		return c.perror(label, err)
	}
	if n == 0 {
		return c.perror("stdout", unix.Errno(0))
	}
	c.out.Write(out[:n])
	return nil
}

func (c *ctx) cmdPKeyEncrypt(args []string) error {
	return c.pkeyOp(args, "keyctl_pkey_encrypt",
		func(q keyutils.PKeyInfo) uint16 { return q.MaxDecSize }, keyutils.PKeyEncrypt)
}

func (c *ctx) cmdPKeyDecrypt(args []string) error {
	return c.pkeyOp(args, "keyctl_pkey_decrypt",
		func(q keyutils.PKeyInfo) uint16 { return q.MaxEncSize }, keyutils.PKeyDecrypt)
}

func (c *ctx) cmdPKeySign(args []string) error {
	return c.pkeyOp(args, "keyctl_pkey_sign",
		func(q keyutils.PKeyInfo) uint16 { return q.MaxSigSize }, keyutils.PKeySign)
}

func (c *ctx) cmdPKeyVerify(args []string) error {
	id, info, err := c.pkeyArgs(args, 4)
	if err != nil {
		return err
	}
	data, err := c.grabFile(args[2])
	if err != nil {
		return err
	}
	defer keyutils.Wipe(data)
	sig, err := c.grabFile(args[3])
	if err != nil {
		return err
	}
	defer keyutils.Wipe(sig)
	if err := keyutils.PKeyVerify(id, info, data, sig); err != nil {
		return c.perror("keyctl_pkey_verify", err)
	}
	return nil
}
