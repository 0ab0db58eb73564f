//go:build linux

package cli

import "github.com/keyutils-go/keyutils"

func (c *ctx) cmdSupports(args []string) error {
	if len(args) > 1 {
		return c.usage()
	}
	caps, err := keyutils.Capabilities()
	if err != nil {
		return c.perror("keyctl_capabilities", err)
	}
	if len(args) == 0 {
		for _, cp := range keyutils.AllCapabilities() {
			v := '0'
			if caps.Has(cp) {
				v = '1'
			}
			c.printf("have_%s=%c\n", cp, v)
		}
		return nil
	}
	if args[0] == "--raw" {
		c.printf("%x\n", []byte(caps))
		// The C tool then also looks "--raw" up as a name: exit 3.
	}
	for _, cp := range keyutils.AllCapabilities() {
		if cp.String() == args[0] {
			if caps.Has(cp) {
				return nil
			}
			return exitFail
		}
	}
	return exitUnparsable
}
