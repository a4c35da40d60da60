package sheet_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"fugong/internal/apperror"
	"fugong/internal/sheet"
	"fugong/internal/sheet/sheettest"
)

// drain opens and reads everything; any failure must be an *apperror.Error
// and row numbers must increase.
func drain(t *testing.T, path string) {
	r, err := sheet.Open(context.Background(), path, sheet.Options{MaxRows: 1000, DetectFormulas: true})
	if err != nil {
		if apperror.As(err) == nil {
			t.Fatalf("Open: %v is not an *apperror.Error", err)
		}
		return
	}
	defer r.Close()
	last := 1
	for r.Next() {
		if n := r.Row().Number; n <= last {
			t.Fatalf("row number %d after %d", n, last)
		}
		last = r.Row().Number
	}
	if err := r.Err(); err != nil && apperror.As(err) == nil {
		t.Fatalf("Err: %v is not an *apperror.Error", err)
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{"", "a,b\n1,2\n", "\xEF\xBB\xBFa\n\xD5\xC5\n", "a\n\"x\n", "a\n\x00", "%PDF-1", "\xD0\xC5\xC3\xFB\n\xD5\xC5\xC8\xFD\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 2 && data[0] == 'P' && data[1] == 'K' {
			return // FuzzXLSX covers ZIPs
		}
		p := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		drain(t, p)
	})
}

func FuzzXLSX(f *testing.F) {
	seed := filepath.Join(f.TempDir(), "seed.xlsx")
	if err := sheettest.WriteXLSXRows(seed, [][]any{{"name", "n"}, {"a", 1}, {"b", sheettest.Formula("B2*2")}}); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(seed)
	f.Add(b, 0, byte(0))
	f.Add(b, len(b)/2, byte(0xFF))
	// A template with a merged title, a department merged down, shared strings.
	merged := filepath.Join(f.TempDir(), "merged.xlsx")
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"台账"})
	x.MergeCell("Sheet1", "A1", "B1")
	x.SetSheetRow("Sheet1", "A2", &[]any{"部门", "姓名"})
	x.SetSheetRow("Sheet1", "A3", &[]any{"生产部", "甲"})
	x.SetSheetRow("Sheet1", "B4", &[]any{"乙"})
	x.MergeCell("Sheet1", "A3", "A4")
	if err := x.SaveAs(merged); err != nil {
		f.Fatal(err)
	}
	mb, _ := os.ReadFile(merged)
	f.Add(mb, len(mb)/3, byte('A'))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, pos int, v byte) {
		// Mutate one byte of a ZIP: most mutations hit compressed data or
		// directory fields, which is where excelize's crash advisories were.
		data = append([]byte(nil), data...)
		if len(data) > 0 {
			if pos < 0 {
				pos = -pos
			}
			data[pos%len(data)] = v
		}
		p := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		drain(t, p)
	})
}
