package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMetricsLabelsSurviveBufferReuse sends requests of different methods
// over one keep-alive connection to a real listener, so fasthttp reuses its
// request buffer, then scrapes /metrics: every method label is a real
// method and /metrics answers 200. Before the method was copied, labels
// read "GETE" or "POSTH" and /metrics then answered 500 (issue 18 #4).
func TestMetricsLabelsSurviveBufferReuse(t *testing.T) {
	ts := mustServer(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.srv.App().Listener(ln)
	t.Cleanup(func() { ts.srv.Shutdown(5 * time.Second) })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	methods := []string{"GET", "POST", "DELETE", "PATCH", "PUT", "OPTIONS", "HEAD"}
	for i := 0; i < 60; i++ {
		m := methods[i%len(methods)]
		fmt.Fprintf(conn, "%s /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", m)
		resp, err := readResponse(rd, m == "HEAD")
		if err != nil {
			t.Fatalf("request %d (%s): %v", i, m, err)
		}
		_ = resp
	}
	fmt.Fprintf(conn, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
	body, err := readResponse(rd, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(body, "HTTP/1.1 200") {
		t.Fatalf("/metrics: %.200s", body)
	}
	allowed := map[string]bool{}
	for _, m := range methods {
		allowed[m] = true
	}
	for _, m := range regexp.MustCompile(`method="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if !allowed[m[1]] && m[1] != "OTHER" {
			t.Errorf("corrupted method label %q", m[1])
		}
	}
}

// readResponse reads one HTTP/1.1 response with a Content-Length (or none,
// for HEAD) and returns it whole.
func readResponse(rd *bufio.Reader, head bool) (string, error) {
	var b strings.Builder
	length := 0
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return b.String(), err
		}
		b.WriteString(line)
		if l := strings.ToLower(line); strings.HasPrefix(l, "content-length:") {
			fmt.Sscanf(strings.TrimSpace(l[len("content-length:"):]), "%d", &length)
		}
		if line == "\r\n" {
			break
		}
	}
	if head || length == 0 {
		return b.String(), nil
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(rd, buf); err != nil {
		return b.String(), err
	}
	b.Write(buf)
	return b.String(), nil
}
