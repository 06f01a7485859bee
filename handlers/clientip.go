package handlers

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxyHeaders are the headers a trusted proxy may name the client in, by their
// canonical spelling. Anything else in PROXY_HEADER is a typo or a guess.
var proxyHeaders = []string{"X-Real-IP", "X-Forwarded-For", "CF-Connecting-IP", "True-Client-IP", "Forwarded"}

// CanonicalProxyHeader returns the canonical spelling of a supported proxy
// header name (case-insensitive), or false.
func CanonicalProxyHeader(name string) (string, bool) {
	for _, h := range proxyHeaders {
		if strings.EqualFold(h, strings.TrimSpace(name)) {
			return h, true
		}
	}
	return "", false
}

// proxyTrust decides which address a request comes from: the TCP peer, unless
// the peer is a trusted proxy that names a valid client address in its header.
// A trusted proxy that sends none (or garbage) is counted as itself, so that
// neither an empty value nor a new string per request makes a bucket of its own.
type proxyTrust struct {
	proxies []netip.Prefix
	header  string // canonical
}

func newProxyTrust(proxies []string, header string) (proxyTrust, error) {
	canonical, ok := CanonicalProxyHeader(header)
	if !ok {
		return proxyTrust{}, fmt.Errorf("proxy header %q is not one of %s", header, strings.Join(proxyHeaders, ", "))
	}
	p := proxyTrust{header: canonical}
	for _, s := range proxies {
		prefix, err := ParseTrustedProxy(s)
		if err != nil {
			return proxyTrust{}, err
		}
		p.proxies = append(p.proxies, prefix)
	}
	return p, nil
}

// ParseTrustedProxy reads a trusted proxy as an address or a CIDR block.
func ParseTrustedProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if prefix, err := netip.ParsePrefix(s); err == nil {
		return prefix.Masked(), nil
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("trusted proxy %q is not an IP address or CIDR block", s)
	}
	addr = addr.Unmap()
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

func (p proxyTrust) trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, prefix := range p.proxies {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// clientIP returns the client address of a request from peer; get reads a
// request header.
func (p proxyTrust) clientIP(peer netip.Addr, get func(string) string) netip.Addr {
	peer = peer.Unmap()
	if !p.trusts(peer) {
		return peer
	}
	value := get(p.header)
	switch p.header {
	case "X-Forwarded-For":
		return p.lastUntrusted(strings.Split(value, ","), parseIP, peer)
	case "Forwarded":
		return p.lastUntrusted(strings.Split(value, ","), parseForwardedFor, peer)
	}
	if addr, ok := parseIP(value); ok {
		return addr
	}
	return peer
}

// lastUntrusted walks a list of hops that proxies append to, from the newest:
// the first hop that is not a trusted proxy is the client. Entries further left
// come from the client itself and prove nothing. A hop that is not an address
// ends the walk at the proxy that passed it on.
func (p proxyTrust) lastUntrusted(hops []string, parse func(string) (netip.Addr, bool), peer netip.Addr) netip.Addr {
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := parse(hops[i])
		if !ok {
			return client
		}
		client = addr
		if !p.trusts(addr) {
			return addr
		}
	}
	return client
}

// parseIP reads one address, with or without a port; zones and names are refused.
func parseIP(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		addr = ap.Addr()
	}
	if addr.Zone() != "" {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

// parseForwardedFor reads the for= node of one RFC 7239 Forwarded element
// (for=192.0.2.1, for="[2001:db8::1]:4711"); "unknown" and obfuscated names are
// not addresses.
func parseForwardedFor(element string) (netip.Addr, bool) {
	for _, pair := range strings.Split(element, ";") {
		key, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || !strings.EqualFold(key, "for") {
			continue
		}
		value = strings.Trim(value, `"`)
		if host, found := strings.CutPrefix(value, "["); found {
			host, _, _ = strings.Cut(host, "]")
			return parseIP(host)
		}
		return parseIP(value)
	}
	return netip.Addr{}, false
}

type clientIPKey struct{}

// resolveClientIP works out the request's client address once, for throttling
// and the security log.
func (e *edge) resolveClientIP(c *fiber.Ctx) error {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	ip := e.proxies.clientIP(peer, func(name string) string { return c.Get(name) })
	c.Locals(clientIPKey{}, ip.String())
	return c.Next()
}

// clientIP is the address throttling counts against and the log shows: the TCP
// peer, or the client a trusted proxy names (resolveClientIP).
func clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(clientIPKey{}).(string); ok {
		return ip
	}
	return c.Context().RemoteIP().String()
}
