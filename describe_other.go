//go:build !linux

package keyutils

// Describe returns the parsed description of key id (KEYCTL_DESCRIBE). On
// this system it fails with ErrUnsupported.
func Describe(id ID) (Description, error) { return Description{}, notLinux("describe", id) }

// DescribeRaw returns the unparsed description string of key id. On this
// system it fails with ErrUnsupported.
func DescribeRaw(id ID) (string, error) { return "", notLinux("describe", id) }

// DescribeInto writes the description string of key id into buf and
// returns its length. On this system it fails with ErrUnsupported.
func DescribeInto(id ID, buf []byte) (int, error) { return 0, notLinux("describe", id) }

// GetSecurity returns the LSM security label of key id
// (KEYCTL_GET_SECURITY). On this system it fails with ErrUnsupported.
func GetSecurity(id ID) (string, error) { return "", notLinux("get_security", id) }
