package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHandlersCallServicesOnly proves mechanically that the HTTP layer
// holds no data access: no non-test file of the package imports the store
// or GORM, or calls Gorm(). Handlers decode, call a service, respond.
func TestHandlersCallServicesOnly(t *testing.T) {
	forbidden := map[string]bool{"fugong/internal/store": true, "gorm.io/gorm": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); forbidden[p] {
				t.Errorf("%s imports %s: call a service instead", fset.Position(imp.Pos()), p)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Gorm" {
				t.Errorf("%s calls Gorm()", fset.Position(sel.Pos()))
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("checked only %d files; is the test running in internal/httpapi?", checked)
	}
	if _, err := os.Stat("server.go"); err != nil {
		t.Fatal(err)
	}
}
