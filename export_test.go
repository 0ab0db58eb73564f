//go:build linux

package keyutils

// ProbeCapabilities exposes the libkeyutils-style capability probe, which
// Capabilities only uses on kernels without KEYCTL_CAPABILITIES, to the
// tests.
var ProbeCapabilities = probeCapabilities
