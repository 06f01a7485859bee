package handlers

import (
	"net/netip"
	"testing"
)

// Item 4 of issue 8: a trusted proxy's header counts only when it holds a valid
// address; a list (X-Forwarded-For, Forwarded) is read from the right, past the
// trusted proxies, never from the client-written left.
func TestProxyTrustClientIP(t *testing.T) {
	const proxy, client, inner = "10.0.0.5", "203.0.113.7", "10.0.0.9"
	cases := []struct {
		header, value, peer, want string
	}{
		// Not a trusted peer: headers are ignored.
		{"X-Real-IP", "203.0.113.7", "198.51.100.1", "198.51.100.1"},
		{"X-Real-IP", "203.0.113.7", proxy, client},
		{"X-Real-IP", " 203.0.113.7 ", proxy, client},
		{"X-Real-IP", "203.0.113.7:4711", proxy, client},
		{"X-Real-IP", "::ffff:203.0.113.7", proxy, client},
		{"X-Real-IP", "2001:DB8:0::1", proxy, "2001:db8::1"},
		// A trusted proxy without a valid client address is counted as itself.
		{"X-Real-IP", "", proxy, proxy},
		{"X-Real-IP", "garbage-123", proxy, proxy},
		{"X-Real-IP", "203.0.113.7, 198.51.100.2", proxy, proxy},
		{"X-Real-IP", "fe80::1%eth0", proxy, proxy},
		{"X-Real-IP", "example.com", proxy, proxy},
		{"CF-Connecting-IP", "203.0.113.7", proxy, client},
		{"True-Client-IP", "nonsense", proxy, proxy},
		{"X-Forwarded-For", "203.0.113.7", proxy, client},
		{"X-Forwarded-For", "1.2.3.4, 203.0.113.7", proxy, client},
		{"X-Forwarded-For", "spoofed, 203.0.113.7, " + inner, proxy, client},
		{"X-Forwarded-For", "203.0.113.7, garbage", proxy, proxy},
		{"X-Forwarded-For", "203.0.113.7, garbage, " + inner, proxy, inner},
		{"X-Forwarded-For", inner, proxy, inner},
		{"X-Forwarded-For", "", proxy, proxy},
		{"Forwarded", "for=203.0.113.7;proto=https", proxy, client},
		{"Forwarded", `for=1.2.3.4, for="[2001:db8:cafe::17]:4711"`, proxy, "2001:db8:cafe::17"},
		{"Forwarded", "For=203.0.113.7:80, for=" + inner + ";by=" + proxy, proxy, client},
		{"Forwarded", "for=unknown", proxy, proxy},
		{"Forwarded", "for=_hidden, for=203.0.113.7", proxy, client},
		{"Forwarded", "proto=https", proxy, proxy},
	}
	for _, c := range cases {
		trust, err := newProxyTrust([]string{"10.0.0.0/28"}, c.header)
		if err != nil {
			t.Fatal(err)
		}
		get := func(name string) string {
			if name == c.header {
				return c.value
			}
			return "9.9.9.9" // any other header must be ignored
		}
		got := trust.clientIP(netip.MustParseAddr(c.peer), get)
		if got.String() != c.want {
			t.Errorf("%s: %q from %s = %s, want %s", c.header, c.value, c.peer, got, c.want)
		}
	}
}

func TestNewProxyTrustRefusesUnknownSettings(t *testing.T) {
	if _, err := newProxyTrust(nil, "X-Client-IP"); err == nil {
		t.Error("unknown header accepted")
	}
	if _, err := newProxyTrust([]string{"proxy.internal"}, "X-Real-IP"); err == nil {
		t.Error("host name accepted as a trusted proxy")
	}
	trust, err := newProxyTrust([]string{"::ffff:10.0.0.5"}, "x-real-ip")
	if err != nil || trust.header != "X-Real-IP" || !trust.trusts(netip.MustParseAddr("10.0.0.5")) {
		t.Errorf("mapped proxy / header case: %+v, %v", trust, err)
	}
}
