package httpapi

import (
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
)

// sessionless guards the state-changing requests a caller makes before it
// has a session (login, activation), which the CSRF token cannot protect:
// the body must be JSON (a cross-site HTML form can send only urlencoded,
// multipart or text/plain bodies without a preflight), and a browser's
// Origin — or, without one, its Referer — must be this site. A request with
// neither header is not from a browser page and passes (issue 18 #11).
func sessionless(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return apperror.Msg(apperror.Unsupported, msgJSONRequired)
	}
	self := strings.ToLower(c.Hostname())
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		if !sameHost(origin, self) {
			return apperror.Msg(apperror.Forbidden, msgCrossOrigin)
		}
	} else if ref := c.Get(fiber.HeaderReferer); ref != "" && !sameHost(ref, self) {
		return apperror.Msg(apperror.Forbidden, msgCrossOrigin)
	}
	return c.Next()
}

// sameHost reports whether the URL u names host (with its port, as the
// Host header carries it). "null" and unparsable values are not.
func sameHost(u, host string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
		return false
	}
	return strings.EqualFold(p.Host, host)
}
