package httpapi

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
	"fugong/internal/idempotency"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestIdempotentHandlerRunsAgainOnAConflict: when the database aborts the
// request's transaction for a conflict (a Galera certification failure is
// 1213), the wrapper calls the handler itself again — c.Next cannot be run
// twice — and what the aborted attempt wrote into the response is not the
// answer: the client gets the second attempt's 201, with one audit entry,
// and a repeat with the key replays it.
func TestIdempotentHandlerRunsAgainOnAConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := &store.User{Username: "ent", PasswordHash: "x", Role: store.RoleEnterprise}
		if err := db.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		s := &Server{deps: Deps{Idempotency: idempotency.New(db, nil)}}
		calls := 0
		create := func(c *fiber.Ctx) error {
			calls++
			if err := db.AppendAudit(c.UserContext(), &store.AuditEntry{Actor: "ent", Action: "create", Object: "thing"}); err != nil {
				return err
			}
			if calls == 1 {
				c.Status(fiber.StatusAccepted).SendString("half an answer")
				return &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}
			}
			return c.Status(fiber.StatusCreated).JSON(fiber.Map{"attempt": calls})
		}
		app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
			return c.Status(fiber.StatusInternalServerError).SendString(err.Error())
		}})
		app.Post("/things", func(c *fiber.Ctx) error {
			c.Locals(principalKey, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role})
			return c.Next()
		}, s.idempotent(create))
		post := func() (int, string, string) {
			req := httptest.NewRequest("POST", "/things", strings.NewReader(`{"n":1}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "k-1")
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b), resp.Header.Get("Idempotent-Replayed")
		}
		status, body, _ := post()
		if status != 201 || body != `{"attempt":2}` || calls != 2 {
			t.Fatalf("first request: %d %q after %d calls", status, body, calls)
		}
		if _, n, err := db.ListAudit(context.Background(), store.AuditFilter{Object: "thing", Page: store.NormalPage(1, 10)}); err != nil || n != 1 {
			t.Fatalf("%d audit entries (%v), want the committed attempt's only", n, err)
		}
		status, body, replayed := post()
		if status != 201 || body != `{"attempt":2}` || replayed != "true" || calls != 2 {
			t.Fatalf("repeat: %d %q replayed %q after %d calls", status, body, replayed, calls)
		}
	})
}
