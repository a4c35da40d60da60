package httpapi_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"fugong/internal/store/storetest"
)

// TestHTTPEdges (issue 18 #16), on SQLite and MariaDB: oversized headers
// are 431 with their own code (not "internal"); authenticated JSON is
// Cache-Control: no-store; an unknown sector or severity filter is 422 (not
// an empty 200); a page number past the range is 422 (not page 1). Each
// failed before.
func TestHTTPEdges(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			park := a.login("park")

			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go a.srv.App().Listener(ln)
			t.Cleanup(func() { a.srv.Shutdown(5 * time.Second) })
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("x", 40<<10))
			got, _ := readResponse(bufio.NewReader(conn), false)
			conn.Close()
			if !strings.HasPrefix(got, "HTTP/1.1 431") || strings.Contains(got, `"internal"`) {
				t.Errorf("oversized headers: %.300s", got)
			}

			if r := a.do(park, "GET", "/api/v1/me", nil); r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("authenticated JSON Cache-Control %q", r.header.Get("Cache-Control"))
			}
			for _, path := range []string{"/api/v1/filings?sector=mining", "/api/v1/review/queue?severity=fatal",
				"/api/v1/enterprises?sector=mining", "/api/v1/filings?page=99999999999999999999", "/api/v1/filings?page=abc",
				"/api/v1/enterprises?page_size=0"} {
				if r := a.do(park, "GET", path, nil); r.status != 422 {
					t.Errorf("%s: %d %.200s", path, r.status, r.body)
				}
			}
			for _, path := range []string{"/api/v1/filings?sector=service&page=2", "/api/v1/review/queue?severity=block"} {
				if r := a.do(park, "GET", path, nil); r.status != 200 {
					t.Errorf("%s: %d %.200s", path, r.status, r.body)
				}
			}
		})
	}
}
