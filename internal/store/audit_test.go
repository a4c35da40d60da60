package store_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func TestAuditChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := range 20 { // concurrent appends must not fork the chain
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Role: "admin", Action: "test", Object: "x", Details: string(rune('a' + i))}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if bad, err := db.VerifyAuditChain(ctx); err != nil || bad != 0 {
			t.Fatalf("intact chain reported broken at %d: %v", bad, err)
		}
		// Someone edits an entry behind fugong's back: the chain shows it.
		if err := db.Gorm().Exec("UPDATE audit_log SET actor = ? WHERE id = (SELECT id FROM (SELECT MIN(id) + 5 AS id FROM audit_log) t)", "mallory").Error; err != nil {
			t.Fatal(err)
		}
		if bad, _ := db.VerifyAuditChain(ctx); bad == 0 {
			t.Fatal("edited entry not detected")
		}
	})
}

// TestAuditHasNoUpdateOrDeletePath proves the audit log is append-only in
// code: no Go file outside tests issues an UPDATE or DELETE against it.
func TestAuditHasNoUpdateOrDeletePath(t *testing.T) {
	t.Parallel()
	root := "../.."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			text := string(src[fset.Position(call.Pos()).Offset:fset.Position(call.End()).Offset])
			mentionsAudit := strings.Contains(text, "AuditEntry") || strings.Contains(strings.ToLower(text), "audit_log")
			if !mentionsAudit {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Delete", "Update", "Updates", "Save", "UpdateColumn", "UpdateColumns":
					t.Errorf("%s: %s on the audit log", fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			lower := strings.ToLower(text)
			if strings.Contains(lower, "update audit_log") || strings.Contains(lower, "delete from audit_log") {
				t.Errorf("%s: raw SQL changes the audit log", fset.Position(call.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
