package dnsresolver

import (
	"errors"
	"strings"
	"testing"
)

// The results of keyutils 1.6.3 for these files were taken from
// /sbin/key.dns_resolver --dump-config (cmd/key.dns_resolver's
// TestConfigAgainstC compares with it on every run where it is
// installed).
func TestConfigParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		ttl  uint32 // 0: error
		err  string
		warn string
	}{
		{in: "default_ttl=10\n", ttl: 10},
		{in: "default_ttl = 10 \n", ttl: 10},
		{in: "  default_ttl\t=\t\"10\"\n", ttl: 10},
		{in: "default_ttl='10'\n", ttl: 10},
		{in: "default_ttl=\\ 10\n", ttl: 10},
		{in: "default_ttl=+5\n", ttl: 5},
		{in: "default_ttl=010\n", ttl: 10},
		{in: "default_ttl=9\r\n", ttl: 9},
		{in: "default_ttl=\" 9\"\n", ttl: 9},
		{in: "default_ttl=2147483647\n", ttl: 2147483647},
		{in: "# comment\n\n   \n", ttl: DefaultTTL},
		{in: "default_ttl=7\ndefault_ttl=8\n", ttl: 8},
		{in: "\x00default_ttl=3\n", ttl: DefaultTTL},
		{in: "default_ttl=10 # comment\n", ttl: 10}, // man page (1.6.3: Extra data supplied)
		{in: "default_ttl=\"10\"  # c\n", ttl: 10},  // man page (1.6.3: Data after closing quote)
		{in: "foo=bar\n", ttl: DefaultTTL, warn: "f:1: Unknown option 'foo'"},
		{in: "default_ttl=\"10\"x\n", err: "f:1: default_ttl: Data after closing quote"},
		{in: "default_ttl=\"10\n", err: "f:1: Unclosed quotes"},
		{in: "default_ttl='9\"\n", err: "f:1: Unclosed quotes"},
		{in: "default_ttl=10\\\n", err: "f:1: Incomplete escape"},
		{in: "default_ttl=1\\0\n", err: "f:1: default_ttl: Invalid char in escape"},
		{in: "default_ttl=\"1#0\"\n", err: "f:1: default_ttl: Extra data supplied"},
		{in: "default_ttl=0\n", err: "f:1: default_ttl: Value out of range"},
		{in: "default_ttl=2147483648\n", err: "f:1: default_ttl: Value out of range"},
		{in: "default_ttl=-1\n", err: "f:1: default_ttl: Value out of range"},
		{in: "default_ttl=-4294967295\n", err: "f:1: default_ttl: Value out of range"}, // 1.6.3: 1
		{in: "default_ttl=4294967297\n", err: "f:1: default_ttl: Value out of range"},  // 1.6.3: 1
		{in: "default_ttl= 0x10\n", err: "f:1: default_ttl: Extra data supplied"},
		{in: "default_ttl\n", err: "f:1: default_ttl: Missing value"},
		{in: "default_ttl=\n", err: "f:1: default_ttl: Missing value"},
		{in: "=5\n", err: "f:1: Unspecified key"},
		{in: "default_ttl=\"\"\n", err: "f:1: default_ttl: Bad value"},
		{in: "default_ttl=#5\n", err: "f:1: default_ttl: Bad value"},
		{in: "default_ttl=7", err: "f:1: line missing newline or too long"},
		{in: "default_ttl=5\n" + strings.Repeat("x", 5000) + "\n", err: "f:2: line missing newline or too long"},
		{in: strings.Repeat("#", 5000) + "\ndefault_ttl=6\n", ttl: 6},
	} {
		cfg := DefaultConfig()
		warnings, err := cfg.Parse(strings.NewReader(c.in), "f")
		if c.err != "" {
			var ce *ConfigError
			if !errors.As(err, &ce) || err.Error() != c.err || !errors.Is(err, ErrSyntax) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || cfg.DefaultTTL != c.ttl {
			t.Errorf("%q: ttl %d, %v; want %d", c.in, cfg.DefaultTTL, err, c.ttl)
		}
		if w := strings.Join(warnings, "|"); w != c.warn {
			t.Errorf("%q: warnings %q, want %q", c.in, w, c.warn)
		}
	}
}

func TestConfigTooLarge(t *testing.T) {
	cfg := DefaultConfig()
	_, err := cfg.Parse(strings.NewReader(strings.Repeat("# padding\n", MaxConfigSize/10+1)), "big")
	if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("error %v, want the size limit", err)
	}
}
