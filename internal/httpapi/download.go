package httpapi

import (
	"net/url"
	"strings"
)

// attachmentDisposition builds an RFC 6266 Content-Disposition with an ASCII
// fallback and the UTF-8 name in filename* (Fiber's c.Attachment would
// percent-quote Chinese names into the plain filename).
func attachmentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + url.PathEscape(name)
}
