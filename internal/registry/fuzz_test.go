package registry

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/sheet"
	"fugong/internal/sheet/sheettest"
)

// FuzzParseXLSX builds a valid XLSX from fuzzed cells (rows split at '\n',
// cells at '|'; not fuzzed ZIP bytes, which internal/sheet's FuzzXLSX
// covers) and checks the registry read from it equals the one read from
// the same cells as CSV, and that every accepted row is valid.
func FuzzParseXLSX(f *testing.F) {
	f.Add("统一社会信用代码|企业名称|行业|是否规上|街道\n" + MakeCreditCode(1) + "|甲|工业|√|guixi\n合计|1\n")
	f.Add("企业名录\n\ncredit_code|name|sector|street|zone\n'" + MakeCreditCode(2) + "|乙|服务业|西园街道|西区\n")
	dir := f.TempDir()
	a := areas.Default()
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\t\r\"") {
			return
		}
		s = strings.Map(func(r rune) rune {
			if r != '\n' && (unicode.IsControl(r) || r == '\uFEFF' || r == '\uFFFE' || r == '\uFFFF') {
				return -1
			}
			return r
		}, strings.ToValidUTF8(s, ""))
		var table [][]string
		for i, line := range strings.Split(s, "\n") {
			if i == 40 {
				break
			}
			table = append(table, strings.Split(line, "|"))
		}
		data, err := sheettest.CellsXLSX(table)
		if err != nil {
			return
		}
		xlsxPath, csvPath := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.csv")
		if err := os.WriteFile(xlsxPath, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cf, err := os.Create(csvPath)
		if err != nil {
			t.Fatal(err)
		}
		csv.NewWriter(cf).WriteAll(table)
		cf.Close()
		opts := Options{Sheet: sheet.Options{MaxRows: 100}}
		fromXLSX, errX := Parse(context.Background(), xlsxPath, a, opts)
		fromCSV, errC := Parse(context.Background(), csvPath, a, opts)
		if apperror.CodeOf(errX) != apperror.CodeOf(errC) {
			t.Fatalf("xlsx: %v\ncsv: %v", errX, errC)
		}
		if errX != nil {
			if apperror.As(errX) == nil {
				t.Fatalf("%v is not an *apperror.Error", errX)
			}
			return
		}
		if !reflect.DeepEqual(fromXLSX, fromCSV) {
			t.Fatalf("xlsx %+v\ncsv %+v", fromXLSX, fromCSV)
		}
		for _, r := range fromXLSX {
			if CheckCreditCode(r.CreditCode) != nil || r.Name == "" || r.Street == "" || r.Zone == "" || r.Sector == "" {
				t.Fatalf("invalid row accepted: %+v", r)
			}
		}
	})
}
