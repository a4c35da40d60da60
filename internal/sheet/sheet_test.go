package sheet_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong/internal/apperror"
	"fugong/internal/parsegate"
	"fugong/internal/sheet"
	"fugong/internal/sheet/sheettest"
)

func write(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b)
}

// readAll returns header, rows (as "number:cell|cell") and the reader.
func readAll(t testing.TB, path string, opts sheet.Options) ([]string, []string, *sheet.Reader, error) {
	t.Helper()
	r, err := sheet.Open(context.Background(), path, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	defer r.Close()
	var rows []string
	for r.Next() {
		row := r.Row()
		rows = append(rows, strconv.Itoa(row.Number)+":"+strings.Join(row.Cells, "|"))
	}
	return r.Header(), rows, r, r.Err()
}

func TestCSVEncodings(t *testing.T) {
	t.Parallel()
	const text = "姓名,部门\n张三,生产部\n\n李四,\"行政,后勤\"\n"
	tests := []struct {
		name string
		data []byte
		enc  sheet.Encoding
	}{
		{"utf8", []byte(text), sheet.UTF8},
		{"utf8 bom", append([]byte("\xEF\xBB\xBF"), text...), sheet.UTF8BOM},
		{"gbk", gbk(t, text), sheet.GB18030},
		{"crlf", []byte(strings.ReplaceAll(text, "\n", "\r\n")), sheet.UTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, rows, r, err := readAll(t, write(t, "x.csv", tt.data), sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Encoding() != tt.enc || r.Format() != sheet.CSV {
				t.Errorf("encoding %q format %v, want %q csv", r.Encoding(), r.Format(), tt.enc)
			}
			if strings.Join(header, ",") != "姓名,部门" {
				t.Errorf("header %q", header)
			}
			// The empty line is row 3 in a spreadsheet: 李四 is on row 4.
			want := []string{"2:张三|生产部", "4:李四|行政,后勤"}
			if strings.Join(rows, ";") != strings.Join(want, ";") {
				t.Errorf("rows %q, want %q", rows, want)
			}
		})
	}
}

func TestGBKAcrossBufferBoundary(t *testing.T) {
	t.Parallel()
	// A long GBK file makes multi-byte characters straddle 64 KiB reads.
	var b strings.Builder
	b.WriteString("姓名\n")
	for i := 0; i < 30000; i++ {
		b.WriteString("王小明\n")
	}
	_, rows, r, err := readAll(t, write(t, "g.csv", gbk(t, b.String())), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Encoding() != sheet.GB18030 || len(rows) != 30000 || rows[29999] != "30001:王小明" {
		t.Fatalf("enc %v, %d rows, last %q", r.Encoding(), len(rows), rows[len(rows)-1])
	}
	// The same text in UTF-8 stays UTF-8 although runes straddle reads.
	_, rows, r, err = readAll(t, write(t, "u.csv", []byte(b.String())), sheet.Options{})
	if err != nil || r.Encoding() != sheet.UTF8 || len(rows) != 30000 {
		t.Fatalf("utf8: err %v enc %v rows %d", err, r.Encoding(), len(rows))
	}
}

func TestBadUploads(t *testing.T) {
	t.Parallel()
	bomb, err := sheettest.ZipBomb(1<<30, false)
	if err != nil {
		t.Fatal(err)
	}
	lying, err := sheettest.ZipBomb(1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.xlsx")
	if err := sheettest.WriteXLSXRows(good, [][]any{{"name"}, {"a"}}); err != nil {
		t.Fatal(err)
	}
	goodBytes, _ := os.ReadFile(good)
	tests := []struct {
		name string
		data []byte
		code apperror.Code
		msg  string
	}{
		{"empty", nil, apperror.Invalid, "文件为空"},
		{"only bom", []byte("\xEF\xBB\xBF"), apperror.Invalid, "文件为空"},
		{"only blank lines", []byte("\n\n , \n"), apperror.Invalid, "文件为空"},
		{"bom then gbk", append([]byte("\xEF\xBB\xBF"), gbk(t, "姓名\n张三\n")...), apperror.Invalid, "BOM"},
		{"nul byte", []byte("name\nab\x00c\n"), apperror.Invalid, "NUL"},
		{"pdf renamed csv", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), apperror.Unsupported, "PDF"},
		{"legacy xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), apperror.Unsupported, ".xls"},
		{"unbalanced quote", []byte("name\n\"abc\n"), apperror.Invalid, "CSV"},
		{"truncated xlsx", goodBytes[:len(goodBytes)/2], apperror.Invalid, "损坏"},
		{"zip not workbook", zipOf(t, "readme.txt", "hello"), apperror.Unsupported, "工作簿"},
		{"zip bomb", bomb, apperror.TooLarge, "解压"},
		{"zip bomb lying header", lying, apperror.Invalid, "损坏"},
		{"too many columns", []byte(strings.Repeat("a,", 300) + "a\n" + strings.Repeat("b,", 300) + "b\n"), apperror.Invalid, "256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := readAll(t, write(t, "upload.csv", tt.data), sheet.Options{})
			e := apperror.As(err)
			if e == nil {
				t.Fatalf("err = %v, want *apperror.Error", err)
			}
			if e.Code != tt.code || !strings.Contains(e.Message+detailText(e), tt.msg) {
				t.Errorf("got %s %q %v, want %s containing %q", e.Code, e.Message, e.Details, tt.code, tt.msg)
			}
			if e.Text.IsZero() || strings.Contains(e.Message, " / ") {
				t.Errorf("message %q is not a catalog message", e.Message)
			}
		})
	}
}

func detailText(e *apperror.Error) string {
	var b strings.Builder
	for _, d := range e.Details {
		b.WriteString(d.Message)
	}
	return b.String()
}

func zipOf(t *testing.T, name, body string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "z.zip")
	f, _ := os.Create(p)
	zw := newZip(f)
	w, _ := zw.Create(name)
	w.Write([]byte(body))
	zw.Close()
	f.Close()
	b, _ := os.ReadFile(p)
	return b
}

func TestNULReportsLine(t *testing.T) {
	t.Parallel()
	_, _, _, err := readAll(t, write(t, "n.csv", []byte("name\nok\nok\nbad\x00\n")), sheet.Options{})
	e := apperror.As(err)
	if e == nil || len(e.Details) != 1 || e.Details[0].Row != 4 {
		t.Fatalf("err %v, want a detail on line 4", err)
	}
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "r.xlsx")
	err := sheettest.WriteXLSXRows(p, [][]any{
		{"姓名", "体温", "日期"},
		{"张三", 36.5, 43876},
		{},
		{"李四", "37.3", "2020-02-15"},
	})
	if err != nil {
		t.Fatal(err)
	}
	header, rows, r, err := readAll(t, p, sheet.Options{DetectFormulas: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != sheet.XLSX || r.Encoding() != "" {
		t.Errorf("format %v enc %q", r.Format(), r.Encoding())
	}
	if strings.Join(header, ",") != "姓名,体温,日期" {
		t.Errorf("header %q", header)
	}
	want := "2:张三|36.5|43876;4:李四|37.3|2020-02-15"
	if got := strings.Join(rows, ";"); got != want {
		t.Errorf("rows %q, want %q", got, want)
	}
	if len(r.Formulas()) != 0 {
		t.Errorf("formulas %v in a sheet without any", r.Formulas())
	}
}

func TestXLSXFormulas(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "f.xlsx")
	err := sheettest.WriteXLSXRows(p, [][]any{
		{"a", "b"},
		{1, 2},
		{"x", sheettest.Formula("A2+1")},
		{sheettest.Formula("SUM(A2:A3)"), "y"},
		// LibreOffice Calc writes every boolean cell as TRUE()/FALSE():
		// values, not formulas (corpus registry/lo-calc-bool-cells.xlsx).
		{sheettest.Formula("TRUE()"), sheettest.Formula("false()")},
		{sheettest.Formula("TRUE()+0"), sheettest.Formula("IF(A2,TRUE(),FALSE())")},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, r, err := readAll(t, p, sheet.Options{DetectFormulas: true})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Formulas()
	want := []sheet.Cell{{Row: 3, Col: 1}, {Row: 4, Col: 0}, {Row: 6, Col: 0}, {Row: 6, Col: 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("formulas %v, want %v", got, want)
	}
	if r.ColumnName(1) != "b" || r.ColumnName(7) != "H" {
		t.Errorf("column names %q %q", r.ColumnName(1), r.ColumnName(7))
	}
	// Without the option no scan is made.
	_, _, r, _ = readAll(t, p, sheet.Options{})
	if r.Formulas() != nil {
		t.Errorf("formulas reported without DetectFormulas")
	}
}

func TestRowCap(t *testing.T) {
	t.Parallel()
	data := "n\n" + strings.Repeat("x\n", 11)
	for _, tt := range []struct {
		max  int
		code apperror.Code
	}{{11, ""}, {10, apperror.TooLarge}} {
		_, rows, _, err := readAll(t, write(t, "c.csv", []byte(data)), sheet.Options{MaxRows: tt.max})
		if apperror.CodeOf(err) != tt.code {
			t.Errorf("max %d: err %v, want code %q", tt.max, err, tt.code)
		}
		if tt.code == "" && len(rows) != 11 {
			t.Errorf("max %d: %d rows", tt.max, len(rows))
		}
	}
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	p := write(t, "d.csv", []byte("n\n"+strings.Repeat("x\n", 5000)))
	ctx, cancel := context.WithCancel(context.Background())
	r, err := sheet.Open(ctx, p, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cancel()
	n := 0
	for r.Next() {
		n++
	}
	if r.Err() == nil || !errors.Is(r.Err(), context.Canceled) || n > 256 {
		t.Fatalf("after cancel read %d rows, err %v", n, r.Err())
	}
	dead, cancel2 := context.WithTimeout(context.Background(), -time.Second)
	defer cancel2()
	if _, err := sheet.Open(dead, p, sheet.Options{}); apperror.CodeOf(err) != apperror.TooLarge {
		t.Errorf("expired deadline: %v", err)
	}
}

func TestBind(t *testing.T) {
	t.Parallel()
	cols := []sheet.Column{
		{Key: "credit_code", Aliases: []string{"统一社会信用代码"}, Required: true},
		{Key: "name", Aliases: []string{"企业名称"}, Required: true},
		{Key: "zone", Aliases: []string{"片区"}},
		{Key: "temperature", Aliases: []string{"体温"}},
	}
	tests := []struct {
		name, header string
		wantErr      string
		written      map[string]string
	}{
		{"english", "Credit Code,NAME,extra", "", map[string]string{"credit_code": "Credit Code", "name": "NAME", "zone": "zone"}},
		{"traditional", " 統一社會信用代碼 ,企業名稱,片區", "", map[string]string{"credit_code": "統一社會信用代碼", "name": "企業名稱", "zone": "片區"}},
		{"unit note and marker", "*统一社会信用代码,企业名称,体温（℃）", "", map[string]string{"temperature": "体温（℃）"}},
		{"spaces and required note", "统一社会信用代码（必填）,企 业　名 称,片区", "", map[string]string{"name": "企 业　名 称"}},
		{"missing two", "片区,credit,other", "第 1 行：缺少必填列：统一社会信用代码、企业名称", nil},
		{"duplicate", "credit_code,统一社会信用代码,name", "表头有误", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := sheet.Open(context.Background(), write(t, "h.csv", []byte(tt.header+"\nv\n")), sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			h, err := r.Bind(cols)
			if tt.wantErr != "" {
				e := apperror.As(err)
				if e == nil || e.Code != apperror.Invalid || !strings.Contains(e.Message, tt.wantErr) || e.Details[0].Row != 1 {
					t.Fatalf("err %v, want Invalid containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, w := range tt.written {
				if h.Name(k) != w {
					t.Errorf("Name(%s) = %q, want %q", k, h.Name(k), w)
				}
			}
			if !r.Next() || h.Get(r.Row(), "credit_code") != "v" || h.Get(r.Row(), "zone") != "" {
				t.Errorf("Get on first row wrong")
			}
		})
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" Credit-Code ": "credit_code", "統一社會信用代碼": "统一社会信用代码", "體溫(°C)": "体温",
		"健康碼": "健康码", "綠碼": "绿码", "工業": "工业", "服務業": "服务业", "建築工地": "建筑工地",
		"\uFEFF姓名": "姓名", "\u3000部門\u3000": "部门", "武漢": "武汉", "襄陽": "襄阳",
	} {
		if got := sheet.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

var layoutCols = []sheet.Column{
	{Key: "name", Aliases: []string{"姓名"}, Required: true},
	{Key: "id_number", Aliases: []string{"身份证号"}, Required: true},
	{Key: "temperature", Aliases: []string{"体温", "今日体温"}},
}

// bound opens path, binds layoutCols and returns the data rows as
// "number:name|id" and the layout.
func bound(t *testing.T, path string) ([]string, sheet.Layout, error) {
	t.Helper()
	r, err := sheet.Open(context.Background(), path, sheet.Options{DetectFormulas: true})
	if err != nil {
		return nil, sheet.Layout{}, err
	}
	defer r.Close()
	h, err := r.Bind(layoutCols)
	if err != nil {
		return nil, sheet.Layout{}, err
	}
	var rows []string
	for r.Next() {
		rows = append(rows, strconv.Itoa(r.Row().Number)+":"+h.Get(r.Row(), "name")+"|"+h.Get(r.Row(), "id_number"))
	}
	return rows, r.Layout(h), r.Err()
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		rows     string
		header   int
		ignored  string
		skipped  int
		used     int
		errWants string
	}{
		{"plain", "姓名,身份证号\n张三,1\n", "2:张三|1", 1, "", 0, 2, ""},
		{"title, unit and blank rows", "员工健康台账,,\n填报单位：某公司,,日期：2020-02-10\n,,\n序号,姓 名,身份证号,今日体温\n1,张三,1,36.5\n", "5:张三|1", 4, "序号", 0, 3, ""},
		{"two-row header with merged cells", "员工健康台账\n姓名,身份证号,健康情况\n,,今日体温\n张三,1,36.5\n", "4:张三|1", 3, "", 0, 3, ""},
		{"tab separated", "姓名\t身份证号\t备注\n张三\t1\t\"x\n", "2:张三|1", 1, "备注", 0, 2, ""},
		{"totals and footer", "姓名,身份证号\n张三,1\n李四,2\n合计,2人\n填表人：王五,,审核人：赵六\n日期：2020年2月10日\n", "2:张三|1;3:李四|2", 1, "", 3, 2, ""},
		{"missing column names row and file", "说明\n姓名,电话\n张三,1\n", "", 0, "", 0, 0, "第 2 行：缺少必填列：身份证号"},
		{"no header at all", "a,b\n1,2\n", "", 0, "", 0, 0, "找不到表头"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, l, err := bound(t, write(t, "l.csv", []byte(tt.csv)))
			if tt.errWants != "" {
				if e := apperror.As(err); e == nil || !strings.Contains(e.Message, tt.errWants) {
					t.Fatalf("err %v, want %q", err, tt.errWants)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ign []string
			for _, c := range l.Ignored {
				ign = append(ign, c.Column)
			}
			if got := strings.Join(rows, ";"); got != tt.rows || l.HeaderRow != tt.header || strings.Join(ign, ",") != tt.ignored ||
				len(l.Skipped) != tt.skipped || len(l.Used) != tt.used {
				t.Errorf("rows %q header %d ignored %q skipped %v used %v", got, l.HeaderRow, ign, l.Skipped, l.Used)
			}
		})
	}
}

func TestSheetChoice(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "下拉选项")
	f.SetSheetRow("下拉选项", "A1", &[]any{"绿码", "黄码", "红码"})
	f.NewSheet("填表说明")
	f.SetSheetRow("填表说明", "A1", &[]any{"请按要求填写姓名、身份证号"})
	f.NewSheet("台账")
	f.MergeCell("台账", "A1", "C1")
	f.SetSheetRow("台账", "A1", &[]any{"某公司员工健康台账"})
	f.SetSheetRow("台账", "A2", &[]any{"姓名", "身份证号", "今日体温"})
	f.SetSheetRow("台账", "A3", &[]any{"张三", "110", 36.5})
	f.SetSheetVisible("下拉选项", false)
	f.SetActiveSheet(2)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	rows, l, err := bound(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows, ";") != "3:张三|110" || l.Sheet != "台账" || l.HeaderRow != 2 {
		t.Fatalf("rows %q layout %+v", rows, l)
	}
}

func TestHostileSizes(t *testing.T) {
	// A CSV with one 2 MiB line: refused before encoding/csv buffers it.
	long := "姓名,身份证号\n" + strings.Repeat("x", 2<<20) + "\n"
	if _, _, err := bound(t, write(t, "long.csv", []byte(long))); apperror.CodeOf(err) != apperror.Invalid {
		t.Fatalf("long line: %v", err)
	}
	// An XLSX whose shared-string table is larger than the cap.
	p := filepath.Join(t.TempDir(), "sst.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "身份证号"})
	for i := 2; i < 300; i++ {
		f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i), &[]any{"n" + strconv.Itoa(i), "i" + strconv.Itoa(i)})
	}
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	r, err := sheet.Open(context.Background(), p, sheet.Options{MaxSharedStrings: 100})
	if err == nil {
		r.Close()
	}
	if apperror.CodeOf(err) != apperror.TooLarge {
		t.Fatalf("shared strings: %v", err)
	}
}

// TestGate: with every slot and the queue taken, Open answers 503 at once
// with a BusyError (Retry-After); a slot comes back on Close.
func TestGate(t *testing.T) {
	p := write(t, "g.csv", []byte("姓名,身份证号\n甲,1\n"))
	g := parsegate.New(1, 1, time.Second)
	opts := sheet.Options{Gate: g}
	r1, err := sheet.Open(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	// A waiter fills the queue until it times out; meanwhile a third is refused.
	waited := make(chan error, 1)
	go func() {
		r, err := sheet.Open(context.Background(), p, opts)
		if err == nil {
			r.Close()
		}
		waited <- err
	}()
	var busy error
	for i := 0; i < 1000 && busy == nil; i++ {
		if r, err := sheet.Open(context.Background(), p, opts); err != nil {
			busy = err
		} else {
			r.Close()
		}
	}
	var be *parsegate.BusyError
	if apperror.CodeOf(busy) != apperror.Unavailable || !errors.As(busy, &be) || be.RetryAfterSeconds() < 1 {
		t.Fatalf("third open: %v", busy)
	}
	r1.Close()
	if err := <-waited; err != nil && apperror.CodeOf(err) != apperror.Unavailable {
		t.Fatalf("waiter: %v", err)
	}
	r3, err := sheet.Open(context.Background(), p, opts)
	if err != nil {
		t.Fatalf("after close: %v", err)
	}
	r3.Close()
}

// TestMergedCells: a department merged down over three staff rows reads
// as its value on each; the merged title above the header changes nothing.
func TestMergedCells(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"员工健康台账"})
	f.MergeCell("Sheet1", "A1", "C1")
	f.SetSheetRow("Sheet1", "A2", &[]any{"部门", "姓名", "身份证号"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"生产部", "甲", "1"})
	f.SetSheetRow("Sheet1", "B4", &[]any{"乙", "2"})
	f.SetSheetRow("Sheet1", "B5", &[]any{"丙", "3"})
	f.SetSheetRow("Sheet1", "A6", &[]any{"行政部", "丁", "4"})
	f.MergeCell("Sheet1", "A3", "A5")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	r, err := sheet.Open(context.Background(), p, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h, err := r.Bind(append(layoutCols[:2:2], sheet.Column{Key: "department", Aliases: []string{"部门"}}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for r.Next() {
		got = append(got, h.Get(r.Row(), "name")+h.Get(r.Row(), "department"))
	}
	if strings.Join(got, ",") != "甲生产部,乙生产部,丙生产部,丁行政部" {
		t.Fatalf("rows %q", got)
	}
}

// TestCancelMidParse: a context cancelled in the middle of a large table
// (the client went away) stops the reader at its next check, CSV and XLSX
// alike: at most 256 more rows are read, far from the 100,000 there are.
func TestCancelMidParse(t *testing.T) {
	t.Parallel()
	const rows, cancelAt = 100_000, 1_000
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(csvPath, []byte("姓名,身份证号\n"+strings.Repeat("甲,1\n", rows)), 0o600); err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "big.xlsx")
	if err := sheettest.WriteXLSX(xlsxPath, func(i int) []any {
		switch {
		case i == 0:
			return []any{"姓名", "身份证号"}
		case i <= rows:
			return []any{"甲", "1"}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{csvPath, xlsxPath} {
		ctx, cancel := context.WithCancel(context.Background())
		r, err := sheet.Open(ctx, p, sheet.Options{MaxRows: 2 * rows})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for r.Next() {
			if n++; n == cancelAt {
				cancel()
			}
		}
		r.Close()
		if !errors.Is(r.Err(), context.Canceled) || apperror.CodeOf(r.Err()) != apperror.Unavailable {
			t.Errorf("%s: err %v after %d rows", filepath.Base(p), r.Err(), n)
		}
		if n > cancelAt+256 {
			t.Errorf("%s: read %d rows, %d after the cancel", filepath.Base(p), n, n-cancelAt)
		}
		cancel()
	}
}

// TestDelimiters: the field separator is read from the first lines,
// counting only separators outside quoted fields; LibreOffice Calc's and
// European Excel's semicolon "CSV" is read like a comma CSV (corpus
// lo-calc-semicolon.csv).
func TestDelimiters(t *testing.T) {
	t.Parallel()
	utf16 := func(s string) []byte {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string // the rows
	}{
		{"comma", []byte("姓名,部门\n张三,生产部\n"), "2:张三|生产部"},
		{"semicolon, quoted as Calc writes", []byte("\"姓名\";\"部门\"\n\"张三\";\"生产部\"\n"), "2:张三|生产部"},
		{"semicolon, commas inside quotes", []byte("姓名;部门\n张三;\"行政,后勤,食堂\"\n"), "2:张三|行政,后勤,食堂"},
		{"comma, semicolons inside quotes", []byte("姓名,部门\n张三,\"a;b;c;d\"\n"), "2:张三|a;b;c;d"},
		{"comma with one unquoted semicolon", []byte("姓名,部门\n张三,a;b\n"), "2:张三|a;b"},
		{"tab", []byte("姓名\t部门\n张三\t生产部\n"), "2:张三|生产部"},
		{"gbk semicolon crlf", gbk(t, "姓名;部门\r\n张三;生产部\r\n"), "2:张三|生产部"},
		{"utf-16 semicolon", utf16("姓名;部门\r\n张三;生产部\r\n"), "2:张三|生产部"},
		{"utf-16 tab", utf16("姓名\t部门\r\n张三\t生产部\r\n"), "2:张三|生产部"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, _, err := readAll(t, write(t, "d.csv", tt.data), sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tt.want {
				t.Errorf("rows %q, want %q", got, tt.want)
			}
		})
	}
}
