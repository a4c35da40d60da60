package registry

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/width"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/sheet/sheettest"
)

// TestLayoutProperty: the enterprises of a plain registry written in random
// layouts — columns in any order under any alias, decorated headers
// (spaces, U+3000, "*", （必填）, full-width), columns no field reads, title
// and unit rows above, blank rows, totals and footers below, CSV or XLSX —
// always give the rows of the plain form; every registry column is listed
// as used and every other header cell as ignored (issue 11, "Done when").
func TestLayoutProperty(t *testing.T) {
	var data [][]string
	for i := 0; i < 6; i++ {
		data = append(data, []string{MakeCreditCode(i + 1), "企业" + strconv.Itoa(i), []string{"工业", "服务业", "建筑工地"}[i%3],
			[]string{"是", "否"}[i%2], []string{"否", "是"}[i%2], "南区", "桂溪街道",
			[]string{"√", "×"}[(i/2)%2], "2020-01-0" + strconv.Itoa(i+1), ""})
	}
	plain := [][]string{make([]string, len(columns))}
	for j, c := range columns {
		plain[0][j] = c.Key
	}
	plain = append(plain, data...)
	dir := t.TempDir()
	want, err := Parse(context.Background(), writeTable(t, dir, "plain.csv", plain), areas.Default(), Options{})
	if err != nil {
		t.Fatalf("%v %+v", err, apperror.As(err).Details)
	}
	rows := func(rs []Row) string { // the rows without their line numbers
		var b strings.Builder
		for _, r := range rs {
			r.Line = 0
			fmt.Fprintf(&b, "%+v\n", r)
		}
		return b.String()
	}
	decorate := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return "*" + s },
		func(s string) string { return s + "（必填）" },
		func(s string) string { return strings.Join(strings.Split(s, ""), " ") },
		func(s string) string { return strings.Join(strings.Split(s, ""), "\u3000") },
		width.Widen.String,
	}
	extras := []string{"序号", "备注", "联系人", "法定代表人"}
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 40; iter++ {
		nExtra := rng.IntN(3)
		perm := rng.Perm(len(columns) + nExtra)
		extra := rng.Perm(len(extras))[:nExtra]
		var table [][]string
		for i := rng.IntN(3); i > 0; i-- {
			table = append(table, []string{[]string{"2020年企业名录", "", "单位：家"}[rng.IntN(3)]})
		}
		header := make([]string, len(perm))
		var wantIgnored []string
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
				} else {
					out[j] = row[c]
				}
			}
			table = append(table, out)
			if rng.IntN(5) == 0 {
				table = append(table, make([]string, len(perm)))
			}
		}
		if rng.IntN(2) == 0 {
			table = append(table, []string{"合计", "6家"}, []string{"填表人：张三", "", "审核人：李四"})
		}
		csvPath := writeTable(t, dir, "f.csv", table)
		xlsxData, err := sheettest.CellsXLSX(table)
		if err != nil {
			t.Fatal(err)
		}
		xlsxPath := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(xlsxPath, xlsxData, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{csvPath, xlsxPath} {
			got, err := ParseFile(context.Background(), p, areas.Default(), Options{})
			if err != nil {
				t.Fatalf("iteration %d %s: %v\n%q", iter, filepath.Ext(p), err, table)
			}
			if rows(got.Rows) != rows(want) || len(got.Layout.Used) != len(columns) {
				t.Fatalf("iteration %d %s: rows\n%s used %d, want\n%s\n%q", iter, filepath.Ext(p), rows(got.Rows), len(got.Layout.Used), rows(want), table)
			}
			var ignored []string
			for _, c := range got.Layout.Ignored {
				ignored = append(ignored, c.Column)
			}
			if strings.Join(ignored, ",") != strings.Join(wantIgnored, ",") {
				t.Fatalf("iteration %d %s: ignored %q, want %q", iter, filepath.Ext(p), ignored, wantIgnored)
			}
		}
	}
}

func writeTable(t *testing.T, dir, name string, table [][]string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(table); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}
