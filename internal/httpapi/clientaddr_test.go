package httpapi_test

import (
	"context"
	"testing"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestClientAddressBehindProxies (issue 18 #6): behind a trusted proxy the
// client is the right-most X-Forwarded-For entry that is not a trusted
// proxy, entries must be IP addresses, and the audit records the peer too.
// Before, the left-most entry — the client's own claim — was taken raw, so
// rotating it escaped the per-address login limit and forged the audit.
func TestClientAddressBehindProxies(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			// app.Test's connections come from 0.0.0.0: make that the proxy,
			// with a second proxy tier in 10.0.0.0/8.
			a.cfg.HTTP.TrustedProxies = []string{"0.0.0.0", "10.0.0.0/8"}
			a.build(a.blob)
			for i, tc := range []struct{ xff, client string }{
				{"1.2.3.4, 198.51.100.7", "198.51.100.7"},
				{"6.6.6.6, 198.51.100.7, 10.1.2.3", "198.51.100.7"},
				{"198.51.100.7, not-an-ip", "0.0.0.0"},
				{"<script>, 198.51.100.8", "198.51.100.8"},
				{"2001:db8::1", "2001:db8::1"},
				{"", "0.0.0.0"},
			} {
				user := "nobody" + string(rune('a'+i))
				hdr := []string{}
				if tc.xff != "" {
					hdr = []string{"X-Forwarded-For", tc.xff}
				}
				a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": "wrong-password"}, hdr...)
				entries, _, err := a.db.ListAudit(context.Background(), store.AuditFilter{Actor: user, Page: store.NormalPage(1, 5)})
				if err != nil || len(entries) != 1 {
					t.Fatalf("%q: audit %+v %v", tc.xff, entries, err)
				}
				if entries[0].IP != tc.client || entries[0].Peer != "0.0.0.0" {
					t.Errorf("X-Forwarded-For %q: client %q peer %q, want client %q peer 0.0.0.0", tc.xff, entries[0].IP, entries[0].Peer, tc.client)
				}
			}
			// An untrusted peer's X-Forwarded-For is ignored.
			a.cfg.HTTP.TrustedProxies = nil
			a.build(a.blob)
			a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "direct", "password": "wrong-password"}, "X-Forwarded-For", "198.51.100.9")
			entries, _, _ := a.db.ListAudit(context.Background(), store.AuditFilter{Actor: "direct", Page: store.NormalPage(1, 5)})
			if len(entries) != 1 || entries[0].IP != "0.0.0.0" {
				t.Errorf("untrusted peer: %+v", entries)
			}
		})
	}
}
