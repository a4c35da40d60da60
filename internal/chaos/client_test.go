//go:build cluster

package chaos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// stats counts every answer the load saw, by status; 0 is a transport
// error (a replica killed mid-request, HAProxy closing).
type stats struct {
	mu        sync.Mutex
	byStatus  map[int]int
	internal  []string // every 500, with path and body
	unretried int      // 503s without Retry-After
}

func newStats() *stats { return &stats{byStatus: map[int]int{}} }

func (s *stats) record(method, path string, status int, body []byte, hdr http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byStatus[status]++
	if status == 500 {
		s.internal = append(s.internal, fmt.Sprintf("%s %s: %.300s", method, path, body))
	}
	if status == 503 && hdr.Get("Retry-After") == "" && bytes.Contains(body, []byte(`"unavailable"`)) {
		s.unretried++
	}
}

func (s *stats) snapshot() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]int{}
	for k, v := range s.byStatus {
		out[k] = v
	}
	return out
}

// client is one user of the portal through HAProxy. It retries what a
// browser user would retry: transport errors, 502/503/504 (honouring
// Retry-After), for up to a minute.
type client struct {
	base   string
	http   *http.Client
	cookie string
	csrf   string
	st     *stats
}

func newClient(base string, st *stats) *client {
	return &client{base: base, st: st, http: &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 5 * time.Second}}}
}

type body struct {
	r  func() io.Reader
	ct string
}

func jsonBody(v any) *body {
	b, _ := json.Marshal(v)
	return &body{r: func() io.Reader { return bytes.NewReader(b) }, ct: "application/json"}
}

func fileBody(filename string, content []byte) *body {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	fw.Write(content)
	w.Close()
	b := buf.Bytes()
	return &body{r: func() io.Reader { return bytes.NewReader(b) }, ct: w.FormDataContentType()}
}

// call sends one request, retrying transient failures; it returns the last
// status (0 after only transport errors) and body.
func (c *client) call(method, path string, b *body, hdr ...string) (int, []byte) {
	deadline := time.Now().Add(150 * time.Second) // > store.IdempotencyClaimStale
	for {
		var rd io.Reader
		if b != nil {
			rd = b.r()
		}
		req, _ := http.NewRequest(method, c.base+path, rd)
		if b != nil {
			req.Header.Set("Content-Type", b.ct)
		}
		if c.cookie != "" {
			req.Header.Set("Cookie", "fugong_session="+c.cookie)
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.http.Do(req)
		status, data, h := 0, []byte(nil), http.Header{}
		if err == nil {
			data, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			status, h = resp.StatusCode, resp.Header
			if status == 200 || status == 201 {
				for _, ck := range resp.Cookies() {
					if ck.Name == "fugong_session" && ck.Value != "" {
						c.cookie = ck.Value
					}
				}
			}
		}
		c.st.record(method, strings.SplitN(path, "?", 2)[0], status, data, h)
		transient := status == 0 || status == 502 || status == 503 || status == 504
		if !transient || time.Now().After(deadline) {
			return status, data
		}
		wait := 300 * time.Millisecond
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		time.Sleep(wait)
	}
}

func (c *client) login(username, password string) error {
	st, data := c.call("POST", "/api/v1/auth/login", jsonBody(map[string]string{"username": username, "password": password}))
	if st != 200 {
		return fmt.Errorf("login %s: %d %.200s", username, st, data)
	}
	var r struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(data, &r)
	c.csrf = r.CSRF
	return nil
}
