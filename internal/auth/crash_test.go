package auth_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// The child half of TestAuditCommitsWithTheChange: it creates an account
// through the service and SIGKILLs its own process either the moment the
// audit entry's INSERT has run (the change and its entry written, nothing
// committed yet if they share a transaction) or after the service returned.
func crashChild(t *testing.T) {
	cfg := config.Default().Database
	cfg.Driver, cfg.DSN = os.Getenv("FUGONG_CRASH_DRIVER"), os.Getenv("FUGONG_CRASH_DSN")
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
	if os.Getenv("FUGONG_CRASH_WHEN") == "before-commit" {
		// The test reaches into GORM (test code only) to die right after the
		// audit row's INSERT, inside whatever transaction the service holds.
		err := db.Gorm().Callback().Create().After("gorm:create").Register("crash", func(g *gorm.DB) {
			if g.Statement.Table == "audit_log" && g.Error == nil {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	svc := auth.NewService(db, config.Default().Auth, time.Now)
	u := &store.User{Username: "crash", PasswordHash: "-", Role: store.RoleParkManager}
	if err := svc.CreateUser(ctx, auth.CLI(), u); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL) // after the commit
	select {}
}

// TestAuditCommitsWithTheChange kills the process between a change and the
// commit of the transaction holding it and its audit entry, and finds both
// or neither: never an account without its account_created entry, never
// an entry for an account that does not exist.
func TestAuditCommitsWithTheChange(t *testing.T) {
	if os.Getenv("FUGONG_CRASH_CHILD") != "" {
		crashChild(t)
		return
	}
	for _, driver := range storetest.Drivers {
		for _, when := range []string{"before-commit", "after-commit"} {
			t.Run(driver+"/"+when, func(t *testing.T) {
				cfg := storetest.Config(t, driver)
				ctx := context.Background()
				db, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
				defer db.Close()
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(os.Args[0], "-test.run=^TestAuditCommitsWithTheChange$", "-test.count=1")
				cmd.Env = append(os.Environ(), "FUGONG_CRASH_CHILD=1", "FUGONG_CRASH_WHEN="+when,
					"FUGONG_CRASH_DRIVER="+cfg.Driver, "FUGONG_CRASH_DSN="+cfg.DSN)
				out, err := cmd.CombinedOutput()
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
					t.Fatalf("child was not killed: %v\n%s", err, out)
				}
				_, userErr := db.UserByUsername(ctx, "crash")
				entries, n, err := db.ListAudit(ctx, store.AuditFilter{Object: "user:crash", Page: store.NormalPage(1, 10)})
				if err != nil {
					t.Fatal(err)
				}
				hasUser := userErr == nil
				switch {
				case hasUser != (n == 1):
					t.Fatalf("account exists %v but %d audit entries %+v: the change and its entry parted", hasUser, n, entries)
				case when == "before-commit" && hasUser:
					t.Fatal("a change killed before its commit survived")
				case when == "after-commit" && (!hasUser || entries[0].Action != "account_created"):
					t.Fatalf("a committed change is missing: user %v, entries %+v", hasUser, entries)
				}
				if bad, err := db.VerifyAuditChain(ctx); err != nil || bad != 0 {
					t.Fatalf("audit chain broken at %d after the crash: %v", bad, err)
				}
			})
		}
	}
}
