package models

import "net/netip"

// CoarseIP returns the network a client address belongs to, /24 for IPv4 and
// /48 for IPv6 ("203.0.113.0/24", "2001:db8:1::/48"): enough for a user to
// recognise "that was me, at home", not enough to locate anyone. An IPv4 address
// written as IPv6 (::ffff:203.0.113.9) counts as IPv4. Anything that is not an
// address gives "".
func CoarseIP(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	addr = addr.WithZone("").Unmap()
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	prefix, err := addr.Prefix(bits)
	if err != nil {
		return ""
	}
	return prefix.String()
}
