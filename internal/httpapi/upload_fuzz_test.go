package httpapi

import (
	"bytes"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/config"
)

// FuzzReceiveFile sends arbitrary multipart bodies (and boundaries) to the
// upload receiver through Fiber with the production settings (streamed
// bodies): it must never panic or answer 5xx.
func FuzzReceiveFile(f *testing.F) {
	valid := func(field, name, content string) []byte {
		return []byte("--B\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name + "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--B--\r\n")
	}
	f.Add(valid("file", "plan.txt", "复工方案"), "B")
	f.Add(valid("other", "x", "y"), "B")
	f.Add(valid("file", "../../etc/passwd\u202e.txt", "x"), "B")
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno filename\r\n--B--"), "B")
	f.Add([]byte("--B\r\n\r\n"), "B")
	f.Add([]byte(""), "")
	s := New(Deps{Config: config.Default()})
	app := fiber.New(fiber.Config{ErrorHandler: s.errorHandler, StreamRequestBody: true, DisablePreParseMultipartForm: true, Immutable: true,
		DisableStartupMessage: true})
	app.Post("/u", func(c *fiber.Ctx) error {
		r, err := receiveFile(c, "file", 64<<10, nil)
		if err != nil {
			return err
		}
		defer r.Remove()
		if _, err := io.Copy(io.Discard, r.Reader()); err != nil {
			return err // surfaces as a 5xx, which the fuzz body reports
		}
		return c.SendString(r.Filename)
	})
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		if len(body) > 256<<10 || len(boundary) > 80 {
			return
		}
		req := httptest.NewRequest("POST", "/u", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		resp, err := app.Test(req, -1)
		if err != nil {
			return // fasthttp refused the request itself
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}
