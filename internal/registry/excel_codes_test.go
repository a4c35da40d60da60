package registry

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fugong/internal/apperror"
	"fugong/internal/areas"
)

// digitCodes returns n valid credit codes made of digits only (what Excel
// can turn into a number), distinct.
func digitCodes(n int) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		if c := MakeCreditCode(i); digits(c) {
			out = append(out, c)
		}
	}
	return out
}

// TestExcelCreditCodes: the forms Excel and clerks leave around a credit
// code are read as the code; a code that lost digits to Excel's number
// format is refused, each row naming the cause and the fix (issue 11,
// deliver 3: "the same for credit codes").
func TestExcelCreditCodes(t *testing.T) {
	c := digitCodes(8)
	const head = "统一社会信用代码,企业名称,行业,街道\n"
	row := func(code, name string) string {
		return "\"" + strings.ReplaceAll(code, `"`, `""`) + "\"," + name + ",工业,guixi\n"
	}
	zeros := func(n int) string { // the first 15 digits kept, the rest 000
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < n; i++ {
			b.WriteString(row(c[i][:15]+"000", "企业"+strconv.Itoa(i)))
		}
		return b.String()
	}
	ok := head + row("'"+c[0], "甲") + row(`="`+c[1]+`"`, "乙") + row("\t"+c[2], "丙") +
		row(c[3][:9]+"\u00a0"+c[3][9:], "丁") + row(c[4][:6]+"\u3000"+c[4][6:], "戊") + row(c[5][:8]+" "+c[5][8:], "己")
	tests := []struct {
		name    string
		csv     string
		rows    int    // rows read, when accepted
		refused []int  // rows refused, when not
		mention string // in every refusal
	}{
		{"apostrophe, =\"…\", tab, NBSP, U+3000, inner space", ok, 6, nil, ""},
		{"scientific notation", head + row("9.15101E+17", "甲") + row(c[1], "乙"), 0, []int{2}, "文本"},
		{"a column of codes ending in 000", zeros(4), 0, []int{2, 3, 4, 5}, "000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Parse(context.Background(), writeFile(t, "r.csv", []byte(tt.csv)), areas.Default(), Options{})
			if tt.refused == nil {
				if err != nil || len(rows) != tt.rows {
					t.Fatalf("%d rows, %v %+v", len(rows), err, apperror.As(err))
				}
				for i, r := range rows {
					if r.CreditCode != c[i] {
						t.Errorf("row %d: %q, want %q", r.Line, r.CreditCode, c[i])
					}
				}
				return
			}
			e := apperror.As(err)
			if e == nil {
				t.Fatalf("accepted: %v", rows)
			}
			got := map[int]bool{}
			for _, d := range e.Details {
				if d.Column == "统一社会信用代码" && strings.Contains(d.Message, tt.mention) && strings.Contains(d.Message, "文本") {
					got[d.Row] = true
				}
			}
			for _, r := range tt.refused {
				if !got[r] {
					t.Errorf("row %d not refused with the cause and fix: %+v", r, e.Details)
				}
			}
		})
	}
	// One genuine code ending in 000 among many is chance: not refused as Excel's.
	var genuine string
	for n := 0; genuine == ""; n++ {
		if cc := MakeCreditCode(n); digits(cc) && strings.HasSuffix(cc, "000") {
			genuine = cc
		}
	}
	var b strings.Builder
	b.WriteString(head + row(genuine, "甲"))
	for i, cc := range digitCodes(40)[1:] {
		if cc != genuine {
			b.WriteString(row(cc, "企业"+strconv.Itoa(i)))
		}
	}
	if rows, err := Parse(context.Background(), writeFile(t, "g.csv", []byte(b.String())), areas.Default(), Options{}); err != nil || rows[0].CreditCode != genuine {
		t.Fatalf("genuine 000: %v %+v", err, apperror.As(err))
	}
}

// TestExactNumberCreditCode: an XLSX number cell that holds all 18 digits
// of a digit-only code (openpyxl and LibreOffice write such integers
// exactly) is the code.
func TestExactNumberCreditCode(t *testing.T) {
	code := digitCodes(1)[0]
	n, err := strconv.ParseInt(code, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "n.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"统一社会信用代码", "企业名称", "行业", "街道"})
	f.SetCellInt("Sheet1", "A2", n)
	f.SetSheetRow("Sheet1", "B2", &[]any{"甲", "工业", "guixi"})
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	rows, err := Parse(context.Background(), p, areas.Default(), Options{})
	if err != nil || len(rows) != 1 || rows[0].CreditCode != code {
		t.Fatalf("%v %+v %+v", rows, err, apperror.As(err))
	}
}
