package httpapi

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const (
	clientIPKey = "client_ip"
	peerIPKey   = "peer_ip"
)

// trustedProxies are the configured proxies (addresses or CIDR prefixes).
type trustedProxies []netip.Prefix

// parseProxies parses http.trusted_proxies; entries that parse as neither
// an address nor a prefix are skipped (config validation names them).
func parseProxies(list []string) trustedProxies {
	var out trustedProxies
	for _, p := range list {
		p = strings.TrimSpace(p)
		if pr, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pr.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}

func (t trustedProxies) has(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddress derives the client's address once per request: the peer
// when it is not a trusted proxy (X-Forwarded-For is then the client's own
// claim, ignored); behind trusted proxies, the right-most X-Forwarded-For
// entry that is not itself a trusted proxy — the address the nearest
// trusted proxy saw — since every entry left of it was written by the
// client. An entry that is not an IP address stops the walk (the peer or
// the last good entry stands). Both addresses are stored as fresh strings.
func (s *Server) clientAddress(c *fiber.Ctx) error {
	peer := c.Context().RemoteIP()
	peerAddr, _ := netip.AddrFromSlice(peer)
	peerAddr = peerAddr.Unmap()
	client := peerAddr
	if len(s.proxies) > 0 && s.proxies.has(peerAddr) {
		var entries []string
		c.Request().Header.VisitAll(func(k, v []byte) {
			if strings.EqualFold(string(k), fiber.HeaderXForwardedFor) {
				entries = append(entries, strings.Split(string(v), ",")...)
			}
		})
		for i := len(entries) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(entries[i]))
			if err != nil || !a.IsValid() || a.Zone() != "" {
				break
			}
			client = a.Unmap()
			if !s.proxies.has(client) {
				break
			}
		}
	}
	c.Locals(clientIPKey, client.String())
	c.Locals(peerIPKey, peerAddr.String())
	return c.Next()
}

// clientIP is the client's address (see clientAddress).
func clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(clientIPKey).(string); ok {
		return ip
	}
	return c.IP()
}

// peerIP is the connection's address.
func peerIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(peerIPKey).(string); ok {
		return ip
	}
	return c.IP()
}
