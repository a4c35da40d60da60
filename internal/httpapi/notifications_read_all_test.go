package httpapi_test

import (
	"testing"

	"fugong/internal/store/storetest"
)

// 「全部已读」 is one request: it marks the caller's unread notifications
// up to the newest the caller saw, never another user's, and a message that
// arrived after stays unread.
func TestReadAllNotificationsInOneRequest(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			a.seedNotification("ent-guixi")
			seen := a.seedNotification("ent-guixi")
			a.seedNotification("street-guixi")
			ent, off := a.login("ent-guixi"), a.login("street-guixi")
			late := a.seedNotification("ent-guixi") // after the list the user saw
			unread := func(s *session) (n int) {
				var l notificationList
				a.do(s, "GET", "/api/v1/notifications", nil).json(t, &l)
				for _, it := range l.Items {
					if !it.Read {
						n++
					}
				}
				return n
			}
			// Another site's form posting with the cookie alone (no CSRF
			// token) marks nothing.
			if r := a.do(&session{cookie: ent.cookie}, "POST", "/api/v1/notifications/read-all", nil); r.status != 403 {
				t.Fatalf("read-all without the CSRF token: %d %s", r.status, r.body)
			}
			if n := unread(ent); n != 3 {
				t.Fatalf("%d unread after a refused read-all, want 3", n)
			}
			var res struct{ Marked int64 }
			if r := a.do(ent, "POST", "/api/v1/notifications/read-all", map[string]any{"up_to": seen.ID}); r.status != 200 {
				t.Fatalf("read-all: %d %s", r.status, r.body)
			} else if r.json(t, &res); res.Marked != 2 {
				t.Fatalf("marked %d, want 2", res.Marked)
			}
			if n := unread(ent); n != 1 {
				t.Fatalf("%d unread after read-all up to %d, want 1 (notification %d arrived later)", n, seen.ID, late.ID)
			}
			if n := unread(off); n != 1 {
				t.Fatalf("another user's notification was marked: %d unread", n)
			}
			if r := a.do(ent, "POST", "/api/v1/notifications/read-all", nil); r.status != 200 {
				t.Fatalf("read-all without a body: %d %s", r.status, r.body)
			} else if r.json(t, &res); res.Marked != 1 || unread(ent) != 0 {
				t.Fatalf("marked %d, %d unread", res.Marked, unread(ent))
			}
			if r := a.do(ent, "POST", "/api/v1/notifications/read-all", `{"up_to":-1}`); r.status != 422 {
				t.Fatalf("negative up_to: %d", r.status)
			}
			if r := a.do(ent, "POST", "/api/v1/notifications/read-all", `{"ids":[1]}`); r.status != 400 && r.status != 422 {
				t.Fatalf("unknown field: %d", r.status)
			}
		})
	}
}
