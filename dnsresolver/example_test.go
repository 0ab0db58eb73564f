package dnsresolver_test

import (
	"fmt"
	"strings"

	"github.com/keyutils-go/keyutils/dnsresolver"
)

// Resolve turns a dns_resolver key's description and callout info into
// its payload and timeout. An address needs no DNS; a host name would be
// looked up through /etc/hosts and the servers of /etc/resolv.conf.
func ExampleResolver_Resolve() {
	r := &dnsresolver.Resolver{Config: dnsresolver.DefaultConfig()}
	res, err := r.Resolve("dns_resolver;0;0;3f010000;192.0.2.7", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q for %d s\n", res.Payload, res.Timeout)
	// Output: "192.0.2.7\x00" for 5 s
}

// Config.Parse reads key.dns_resolver.conf as keyutils 1.6.3 does.
func ExampleConfig_Parse() {
	c := dnsresolver.DefaultConfig()
	conf := "# keys without a TTL live ten minutes\ndefault_ttl = \"600\"\n"
	if _, err := c.Parse(strings.NewReader(conf), "key.dns_resolver.conf"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.DefaultTTL)
	_, err := c.Parse(strings.NewReader("default_ttl=0\n"), "key.dns_resolver.conf")
	fmt.Println(err)
	// Output:
	// 600
	// key.dns_resolver.conf:1: default_ttl: Value out of range
}
