package roster

import (
	"context"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"

	"fugong/internal/apperror"
	"fugong/internal/sheet"
	"fugong/internal/sheet/sheettest"
)

// fuzzTable turns fuzzed text into a table: rows split at '\n', cells at
// '|', control characters and invalid UTF-8 dropped (neither format can
// carry them alike), at most 40 rows of 12 cells.
func fuzzTable(s string) [][]string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '|' {
			return r
		}
		if unicode.IsControl(r) || r == '\uFEFF' || r == '\uFFFE' || r == '\uFFFF' {
			return -1
		}
		return r
	}, s)
	var table [][]string
	for i, line := range strings.Split(s, "\n") {
		if i == 40 {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) > 12 {
			cells = cells[:12]
		}
		table = append(table, cells)
	}
	return table
}

// writeBoth writes table as a UTF-8 CSV and as an XLSX of text cells.
func writeBoth(t *testing.T, dir string, table [][]string) (string, string, bool) {
	t.Helper()
	csvPath, xlsxPath := filepath.Join(dir, "f.csv"), filepath.Join(dir, "f.xlsx")
	f, err := os.Create(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(table)
	f.Close()
	data, err := sheettest.CellsXLSX(table)
	if err != nil {
		return "", "", false
	}
	if err := os.WriteFile(xlsxPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return csvPath, xlsxPath, true
}

// FuzzParseXLSX builds a valid XLSX from fuzzed cells (not fuzzed ZIP
// bytes: FuzzXLSX in internal/sheet does that) and checks the roster read
// from it is the roster read from the same cells as CSV, and valid.
func FuzzParseXLSX(f *testing.F) {
	f.Add(strings.ReplaceAll(goodRoster(), ",", "|"))
	f.Add("员工健康台账\n\n姓 名|*身份证号（必填）|今日体温\n甲|" + MakeIDNumber(1) + "|37.5\n合计|1\n")
	f.Add("name|id_number|phone\n甲|" + MakeIDNumber(2) + "|000\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		table := fuzzTable(s)
		if len(table) == 0 || strings.ContainsAny(s, "\t\r\"") {
			return
		}
		csvPath, xlsxPath, ok := writeBoth(t, dir, table)
		if !ok {
			return
		}
		opts := Options{Sheet: sheet.Options{MaxRows: 100}}
		fromCSV, errCSV := Parse(context.Background(), csvPath, resume, opts)
		fromXLSX, errXLSX := Parse(context.Background(), xlsxPath, resume, opts)
		if apperror.CodeOf(errCSV) != apperror.CodeOf(errXLSX) {
			t.Fatalf("csv: %v\nxlsx: %v", errCSV, errXLSX)
		}
		if errXLSX != nil {
			if apperror.As(errXLSX) == nil {
				t.Fatalf("%v is not an *apperror.Error", errXLSX)
			}
			return
		}
		if !reflect.DeepEqual(fromCSV.Summary, fromXLSX.Summary) {
			t.Fatalf("csv %+v, xlsx %+v", fromCSV.Summary, fromXLSX.Summary)
		}
		for _, r := range fromXLSX.Rows {
			if r.Name == "" || CheckIDNumber(r.IDNumber, resume) != nil {
				t.Fatalf("invalid row accepted: %+v", r)
			}
		}
	})
}

// TestLayoutProperty: the staff of goodRoster written in random layouts —
// columns in any order under any alias, decorated headers (spaces, U+3000,
// "*", （必填）, full-width letters and digits, traditional characters),
// columns no field reads, title rows above, blank rows, totals and footers
// below, CSV or XLSX — always give the summary of the plain form; every
// roster column is listed as used and every other header cell as ignored,
// so no column is dropped unlisted (issue 11, "Done when").
func TestLayoutProperty(t *testing.T) {
	want := plainSummary(t, "plain.csv", []byte(goodRoster())).Summary
	lines := strings.Split(strings.TrimSpace(goodRoster()), "\n")
	var data [][]string
	for _, l := range lines[1:] {
		data = append(data, strings.Split(l, ","))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	decorate := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return "*" + s },
		func(s string) string { return s + "（必填）" },
		func(s string) string { return strings.Join(strings.Split(s, ""), " ") },
		func(s string) string { return strings.Join(strings.Split(s, ""), "\u3000") },
		func(s string) string { return " " + s + " " },
		width.Widen.String,
		traditional.Replace,
	}
	extras := []string{"序号", "岗位", "备注", "工号"}
	dir := t.TempDir()
	for iter := 0; iter < 60; iter++ {
		// perm lists the roster columns (0..n-1) and, shuffled among them,
		// up to two columns no field reads (n, n+1).
		nExtra := rng.IntN(3)
		perm := rng.Perm(len(columns) + nExtra)
		extra := rng.Perm(len(extras))[:nExtra]
		var wantIgnored []string
		var table [][]string
		for i := rng.IntN(4); i > 0; i-- {
			table = append(table, []string{[]string{"员工健康台账", "", "填报单位：某公司", "单位：人"}[rng.IntN(4)]})
		}
		header := make([]string, len(perm))
		for j, c := range perm {
			if c >= len(columns) {
				header[j] = extras[extra[c-len(columns)]]
				wantIgnored = append(wantIgnored, header[j])
				continue
			}
			names := append([]string{columns[c].Key}, columns[c].Aliases...)
			header[j] = decorate[rng.IntN(len(decorate))](names[rng.IntN(len(names))])
		}
		table = append(table, header)
		for i, row := range data {
			out := make([]string, len(perm))
			for j, c := range perm {
				if c >= len(columns) {
					out[j] = strconv.Itoa(i + 1)
					continue
				}
				out[j] = row[c]
			}
			table = append(table, out)
			if rng.IntN(5) == 0 {
				table = append(table, make([]string, len(perm)))
			}
		}
		if rng.IntN(2) == 0 {
			table = append(table, []string{"合计", "5人"}, []string{"填表人：张三", "", "审核人：李四"})
		}
		csvPath, xlsxPath, _ := writeBoth(t, dir, table)
		for _, p := range []string{csvPath, xlsxPath} {
			res, err := Parse(context.Background(), p, resume, Options{})
			if err != nil {
				t.Fatalf("iteration %d %s: %v\n%q", iter, filepath.Ext(p), err, table)
			}
			if !reflect.DeepEqual(res.Summary, want) || len(res.Layout.Used) != len(columns) {
				t.Fatalf("iteration %d %s: summary %+v used %d, want %+v\n%q", iter, filepath.Ext(p), res.Summary, len(res.Layout.Used), want, table)
			}
			var ignored []string
			for _, c := range res.Layout.Ignored {
				ignored = append(ignored, c.Column)
			}
			if strings.Join(ignored, ",") != strings.Join(wantIgnored, ",") {
				t.Fatalf("iteration %d %s: ignored %q, want %q\n%q", iter, filepath.Ext(p), ignored, wantIgnored, table)
			}
		}
	}
}

// traditional writes a header in traditional characters, as a clerk in a
// traditional-script office would (sheet.Fold maps them back).
var traditional = strings.NewReplacer("证", "證", "号", "號", "码", "碼", "体", "體", "温", "溫", "离", "離",
	"结", "結", "门", "門", "电", "電", "话", "話", "联", "聯", "系", "繫", "态", "態", "时", "時", "间", "間")
