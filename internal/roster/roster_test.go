package roster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/sheet"
	"fugong/internal/sheet/sheettest"
)

var resume = time.Date(2020, 2, 28, 0, 0, 0, 0, time.UTC)

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckIDNumber(t *testing.T) {
	t.Parallel()
	asOf := resume
	good := MakeIDNumber(123)
	tests := []struct {
		id   string
		want error
	}{
		{"11010519491231002X", nil}, // GB 11643 example
		{"440524188001010014", ErrIDBirth},
		{good, nil},
		{good[:17], ErrIDLength},
		{good[:16] + "A" + good[17:], ErrIDChar},
		{"010107199001010000", ErrIDRegion},
		{"510107199002300000", ErrIDBirth},
		{"510107203001010000", ErrIDBirth},
		{"11010519491231002Y", ErrIDChar},
		{"110105194912310021", ErrIDCheck},
	}
	for _, tt := range tests {
		if got := CheckIDNumber(tt.id, asOf); got != tt.want {
			t.Errorf("CheckIDNumber(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	seen := map[string]bool{}
	for n := 0; n < 100_000; n++ {
		id := MakeIDNumber(n)
		if err := CheckIDNumber(id, asOf); err != nil || seen[id] {
			t.Fatalf("MakeIDNumber(%d) = %q: %v dup=%v", n, id, err, seen[id])
		}
		seen[id] = true
	}
	if NormalizeIDNumber(" 11010519491231002x ") != "11010519491231002X" {
		t.Error("NormalizeIDNumber")
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"13800138000": "13800138000", "+86 138-0013-8000": "13800138000", "8613800138000": "13800138000",
		"028-85551234": "028-85551234", "(028)85551234": "028-85551234", "02885551234": "028-85551234",
		"0838-2221234": "0838-2221234", "010-12345678转123": "010-12345678-123",
		"12800138000": "", "1380013800": "", "028-0551234": "", "abc": "", "0-1": "",
		// Typed in full-width mode (corpus csv-fullwidth-values.csv).
		"１３８００１３８０００": "13800138000", "＋８６　１３８－００１３－８０００": "13800138000",
		"（０２８）８５５５１２３４": "028-85551234", "０２８－８５５５１２３４转１２": "028-85551234-12",
		"１２８００１３８０００": "", "１３８": "",
	} {
		got, ok := NormalizePhone(in)
		if ok != (want != "") || got != want {
			t.Errorf("NormalizePhone(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	d := time.Date(2020, 2, 15, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in    string
		xlsx  bool
		ok    bool
		wantD time.Time
	}{
		{"2020-02-15", false, true, d}, {"2020/2/15", false, true, d}, {"2020-02-15 08:00", false, true, d},
		{"43876", true, true, d}, {"43876.5", true, true, d}, {"43876", false, true, d}, {"43876.5", false, false, time.Time{}}, {"138", true, false, time.Time{}},
		{"2020-02-30", false, false, time.Time{}}, {"15/02/2020", false, false, time.Time{}}, {"2020-13-01", false, false, time.Time{}},
		{"0", true, false, time.Time{}},
	} {
		got, ok := ParseDate(tt.in, tt.xlsx)
		if ok != tt.ok || !got.Equal(tt.wantD) {
			t.Errorf("ParseDate(%q, %v) = %v %v", tt.in, tt.xlsx, got, ok)
		}
	}
}

const header = "姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史,返回日期,隔离结束日期\n"

func goodRoster() string {
	return header +
		"张三," + MakeIDNumber(1) + ",13800138000,生产部,36.5,绿码,无,,\n" + // plain
		"李四," + MakeIDNumber(2) + ",,生产部,37.3,黄码,湖北武汉,2020-02-20,2020-03-05\n" + // fever, yellow, hubei, quarantined
		"王五," + MakeIDNumber(3) + ",028-85551234,,36.8℃,红,湖北省黄冈市,2020/2/14,2020/2/28\n" + // red, hubei day 14 before → not counted
		"赵六," + MakeIDNumber(4) + ",,,,green,黃岡,2020-02-15,2020-02-29\n" + // hubei (traditional) day 13, quarantine ends after
		"钱七," + MakeIDNumber(5) + ",,,38.0,,广东深圳,2020-02-27,\n" // fever, non-Hubei travel
}

func TestParseGood(t *testing.T) {
	t.Parallel()
	want := Summary{Rows: 5, Fever: 2, HealthCodeRed: 1, HealthCodeYellow: 1, Hubei14d: 2, InQuarantine: 2}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(goodRoster())
	trad := strings.Replace(goodRoster(), "身份证号,手机号,部门,体温,健康码", "身份證號,手機號,部門,體溫,健康碼", 1)
	xlsx := filepath.Join(t.TempDir(), "r.xlsx")
	var table [][]any
	for _, line := range strings.Split(strings.TrimSpace(goodRoster()), "\n") {
		var row []any
		for _, c := range strings.Split(line, ",") {
			row = append(row, c)
		}
		table = append(table, row)
	}
	table[2][7] = 43881 // 2020-02-20 as an Excel date serial
	table[2][4] = 37.3
	if err := sheettest.WriteXLSXRows(xlsx, table); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]string{
		"utf8": writeFile(t, "r.csv", []byte(goodRoster())), "gbk": writeFile(t, "g.csv", []byte(gbk)),
		"traditional": writeFile(t, "t.csv", []byte(trad)), "xlsx": xlsx,
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Parse(context.Background(), p, resume, Options{})
			if err != nil {
				t.Fatalf("%v %+v", err, apperror.As(err))
			}
			if !reflect.DeepEqual(res.Summary, want) {
				t.Errorf("summary %+v, want %+v", res.Summary, want)
			}
			r := res.Rows[1]
			if r.Line != 3 || r.HealthCode != Yellow || r.Temperature != 37.3 || !r.ReturnDate.Equal(time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC)) || res.Rows[2].Phone != "028-85551234" || res.Rows[0].Travel != "" {
				t.Errorf("rows %+v", res.Rows[:3])
			}
		})
	}
}

func TestParseBadRows(t *testing.T) {
	t.Parallel()
	id := MakeIDNumber(9)
	wrongCheck := id[:17] + map[bool]string{true: "0", false: "1"}[id[17] == '1']
	data := "姓名,身份证号,手机号,体温,健康码,近14日旅居史,返回日期\n" +
		"甲," + id + ",13800138000,36.5,绿码,,\n" + // 2 ok
		"乙," + id + ",,,,,\n" + // 3 duplicate
		"," + wrongCheck + ",12345,44,蓝码,,\n" + // 4 name, id, phone, temp, code
		"丁," + MakeIDNumber(10) + ",,abc,,武汉,\n" + // 5 temp not number, missing return date
		"戊," + MakeIDNumber(11) + ",,,,武汉,2020-02-30\n" // 6 bad date
	_, err := Parse(context.Background(), writeFile(t, "b.csv", []byte(data)), resume, Options{})
	e := apperror.As(err)
	if e == nil || e.Code != apperror.Invalid {
		t.Fatalf("err %v", err)
	}
	want := []string{
		"3 身份证号 身份证号与第 2 行重复",
		"4 姓名 姓名为空",
		"4 身份证号 身份证号校验位错误",
		"4 手机号 电话号码格式错误",
		"4 体温 体温应在 34.0–43.0",
		"4 健康码 健康码“蓝码”无法识别",
		"5 体温 体温“abc”不是数字",
		"5 返回日期 填写了旅居史，请填写返回日期",
		"6 返回日期 日期“2020-02-30”格式错误",
	}
	if len(e.Details) != len(want) {
		t.Fatalf("%d details, want %d: %+v", len(e.Details), len(want), e.Details)
	}
	for i, w := range want {
		d := e.Details[i]
		if got := fmt.Sprintf("%d %s %s", d.Row, d.Column, d.Message); !strings.HasPrefix(got, w) {
			t.Errorf("detail %d = %q, want prefix %q", i, got, w)
		}
	}
}

func TestParseRefusals(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		data string
		opts Options
		code apperror.Code
	}{
		"missing id column": {"姓名,手机号\n甲,13800138000\n", Options{}, apperror.Invalid},
		"header only":       {header, Options{}, apperror.Invalid},
		"nul":               {header + "甲\x00\n", Options{}, apperror.Invalid},
		"pdf":               {"%PDF-1.5\n", Options{}, apperror.Unsupported},
		"over cap":          {goodRoster(), Options{Sheet: sheet.Options{MaxRows: 4}}, apperror.TooLarge},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(context.Background(), writeFile(t, "x.csv", []byte(tt.data)), resume, tt.opts)
			if apperror.CodeOf(err) != tt.code {
				t.Fatalf("err %v, want %s", err, tt.code)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(goodRoster()))
	f.Add([]byte("name,id_number,temperature\n甲,11010519491231002X,36.6\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "r.csv")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := Parse(context.Background(), p, resume, Options{Sheet: sheet.Options{MaxRows: 500}})
		if err != nil {
			if apperror.As(err) == nil {
				t.Fatalf("%v is not an *apperror.Error", err)
			}
			return
		}
		s := res.Summary
		if s.Rows != len(res.Rows) || s.Fever > s.Rows || s.InQuarantine > s.Hubei14d || s.Hubei14d > s.Rows {
			t.Fatalf("inconsistent summary %+v", s)
		}
		for _, r := range res.Rows {
			if r.Name == "" || CheckIDNumber(r.IDNumber, resume) != nil || (r.Temperature != 0 && (r.Temperature < 34 || r.Temperature > 43)) {
				t.Fatalf("invalid row accepted: %+v", r)
			}
		}
	})
}

// TestPhoneAreaCodeOnly is issue 18 #9: "000" and "030" made NormalizePhone
// slice past the end (found by FuzzParse; the crasher is kept in
// testdata/fuzz/FuzzParse).
func TestPhoneAreaCodeOnly(t *testing.T) {
	for _, s := range []string{"000", "030", "0", "01", "0288"} {
		if _, ok := NormalizePhone(s); ok {
			t.Errorf("NormalizePhone(%q) accepted", s)
		}
	}
}

// plainSummary parses data and returns the summary, or fails.
func plainSummary(t *testing.T, name string, data []byte) *Result {
	t.Helper()
	res, err := Parse(context.Background(), writeFile(t, name, data), resume, Options{})
	if err != nil {
		t.Fatalf("%s: %v %+v", name, err, apperror.As(err))
	}
	return res
}

// TestRealLayouts: the same staff written as government templates and
// office software write them give the same summary as the plain form.
func TestRealLayouts(t *testing.T) {
	want := plainSummary(t, "plain.csv", []byte(goodRoster())).Summary
	body := strings.SplitN(goodRoster(), "\n", 2)[1]
	for name, data := range map[string]string{
		"title and unit rows": "某某公司员工健康台账\n填报单位：某某公司,,,,,,,,填报日期：2020年2月20日\n\n" + goodRoster(),
		"totals and footer":   goodRoster() + "合计,5人,,,,,,,\n填表人：张三,,,审核人：李四,,,,,\n",
		"alias headers":       "员工姓名,证件号码,联系电话,所在部门,今日体温,健康码颜色,近14天旅居史,返岗日期,隔离截止日期\n" + body,
		"spaced headers":      "姓　名,*身份证号（必填）,手 机 号,部门,体温(℃),健康码状态,１４天内旅居史,返回日期,隔离结束日期\n" + body,
		"tab separated":       strings.ReplaceAll(goodRoster(), ",", "\t"),
		"date forms":          strings.NewReplacer("2020-02-20", "2020年2月20日", "2020-03-05", "3月5日", "2020/2/14", "2020.2.14").Replace(goodRoster()),
		"colour words":        strings.NewReplacer("绿码", "绿色", "黄码", "黄", "红,", "红色,").Replace(goodRoster()),
	} {
		t.Run(name, func(t *testing.T) {
			res := plainSummary(t, "x.csv", []byte(data))
			if !reflect.DeepEqual(res.Summary, want) {
				t.Errorf("summary %+v, want %+v (layout %+v)", res.Summary, want, res.Layout)
			}
			if len(res.Layout.Used) != 9 {
				t.Errorf("used %+v", res.Layout.Used)
			}
		})
	}
}

func TestUnknownHealthColumns(t *testing.T) {
	res := plainSummary(t, "u.csv", []byte("姓名,身份证号,发热\n甲,"+MakeIDNumber(1)+",是\n"))
	if strings.Join(res.Summary.Unknown, ",") != "temperature,health_code,travel_14d" {
		t.Fatalf("unknown %v", res.Summary.Unknown)
	}
	if len(res.Layout.Ignored) != 1 || res.Layout.Ignored[0].Column != "发热" || res.Layout.Ignored[0].Letter != "C" {
		t.Fatalf("ignored %+v", res.Layout.Ignored)
	}
}

func TestExcelIdentifiers(t *testing.T) {
	id1, id2 := MakeIDNumber(1), MakeIDNumber(2)
	// Forms Excel and clerks leave around a good ID number.
	ok := "姓名,身份证号\n甲,'" + id1 + "\n乙,\"=\"\"" + id2 + "\"\"\"\n丙, " + MakeIDNumber(3)[:6] + " " + MakeIDNumber(3)[6:] + "\n丁,\t" + MakeIDNumber(4) + "\n" +
		"戊," + MakeIDNumber(5)[:6] + "\u00a0" + MakeIDNumber(5)[6:] + "\n己," + MakeIDNumber(6)[:14] + "\u3000" + MakeIDNumber(6)[14:] + "\n"
	if res := plainSummary(t, "ok.csv", []byte(ok)); res.Summary.Rows != 6 {
		t.Fatalf("rows %d", res.Summary.Rows)
	}
	// Scientific notation: refused, naming cause and fix.
	_, err := Parse(context.Background(), writeFile(t, "sci.csv", []byte("姓名,身份证号\n甲,5.10107E+17\n")), resume, Options{})
	if e := apperror.As(err); e == nil || len(e.Details) != 1 || !strings.Contains(e.Details[0].Message, "文本") {
		t.Fatalf("scientific: %v", err)
	}
	// A column of IDs whose last three digits became 000: every such row
	// refused, even those whose check digit happens to pass.
	var b strings.Builder
	b.WriteString("姓名,身份证号\n")
	for i := 0; i < 30; i++ {
		b.WriteString("员工," + MakeIDNumber(i * 1000)[:15] + "000\n")
	}
	_, err = Parse(context.Background(), writeFile(t, "zeros.csv", []byte(b.String())), resume, Options{})
	e := apperror.As(err)
	if e == nil || len(e.Details) != 30 || !strings.Contains(e.Details[0].Message, "000") {
		t.Fatalf("zeros: %v", err)
	}
	// One genuine ID ending in 000 among many is chance: accepted.
	genuine := ""
	for n := 0; genuine == ""; n++ {
		if id := MakeIDNumber(n); strings.HasSuffix(id, "000") {
			genuine = id
		}
	}
	b.Reset()
	b.WriteString("姓名,身份证号\n甲," + genuine + "\n")
	for i := 1; i < 40; i++ {
		b.WriteString("员工," + MakeIDNumber(i) + "\n")
	}
	if res := plainSummary(t, "one.csv", []byte(b.String())); res.Summary.Rows != 40 {
		t.Fatalf("rows %d", res.Summary.Rows)
	}
}

func TestDate1904(t *testing.T) {
	for _, tt := range []struct {
		in       string
		xlsx, d4 bool
		year     int
		want     string
	}{
		{"43881", true, false, 0, "2020-02-20"},
		{"42419", true, true, 0, "2020-02-20"},
		{"2020年2月1日", false, false, 0, "2020-02-01"},
		{"2020.2.1", false, false, 0, "2020-02-01"},
		{"2月1日", false, false, 2020, "2020-02-01"},
		{"20200201", false, false, 0, "2020-02-01"},
		{"２０２０－０２－０１", false, false, 0, "2020-02-01"},
	} {
		got, ok := ParseDateIn(tt.in, tt.xlsx, tt.d4, tt.year)
		if !ok || got.Format(time.DateOnly) != tt.want {
			t.Errorf("ParseDateIn(%q) = %v %v, want %s", tt.in, got, ok, tt.want)
		}
	}
	if _, ok := ParseDateIn("2月1日", false, false, 0); ok {
		t.Error("a date without year accepted without a filing year")
	}
}

// TestExactNumberCells: a number cell that holds all 18 digits (excelize
// SetCellInt, or scientific notation with 18 significant digits) is
// accepted; 16 significant digits are not.
func TestExactNumberCells(t *testing.T) {
	id := MakeIDNumber(7)
	for n := 8; id[17] == 'X'; n++ { // a number cell cannot hold the check character X
		id = MakeIDNumber(n)
	}
	p := filepath.Join(t.TempDir(), "n.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "身份证号"})
	n, _ := strconv.ParseInt(id, 10, 64)
	f.SetCellValue("Sheet1", "A2", "甲")
	f.SetCellInt("Sheet1", "B2", n)
	f.SetCellValue("Sheet1", "A3", "乙")
	f.SetCellValue("Sheet1", "B3", MakeIDNumber(8)[:1]+"."+MakeIDNumber(8)[1:]+"E+17")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	res, err := Parse(context.Background(), p, resume, Options{})
	if err != nil || res.Rows[0].IDNumber != id || res.Rows[1].IDNumber != MakeIDNumber(8) {
		t.Fatalf("%v %+v", err, res)
	}
	if !LostDigits("5.101071985031201e+17") || LostDigits(id) {
		t.Fatal("LostDigits")
	}
}

// cancelAfter is a context that reports itself cancelled from its at+1-th
// Err check on, counting the checks: a parse that stops promptly makes no
// more than a check or two after the first that saw it.
type cancelAfter struct {
	context.Context
	at     int64
	checks atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.checks.Add(1) > c.at {
		return context.Canceled
	}
	return nil
}

// TestParseStopsWhenCancelled: a 100,000-row roster whose context is
// cancelled part-way (the client went away) stops at the reader's next
// check (every 256 rows) instead of validating the rest: counted in checks,
// so in rows read, never in time.
func TestParseStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	const rows = 100_000
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "员工%d,%s,,生产部,36.5,绿码,无,,\n", i, MakeIDNumber(i))
	}
	p := writeFile(t, "big.csv", []byte(b.String()))
	ctx := &cancelAfter{Context: context.Background(), at: 20}
	_, err := Parse(ctx, p, resume, Options{Sheet: sheet.Options{MaxRows: 2 * rows}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	checks := ctx.checks.Load()
	if checks > ctx.at+2 {
		t.Errorf("%d context checks, want the parse to stop at check %d", checks, ctx.at+1)
	}
	if read := checks * 256; read >= rows/10 {
		t.Errorf("up to %d of %d rows read after the cancel", read, rows)
	}
}

// TestRefusalNamesTheSheet: a workbook's refusal names the sheet its rows
// were read from (the table may be on the third sheet); a CSV's does not.
func TestRefusalNamesTheSheet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "填表说明")
	f.SetSheetRow("填表说明", "A1", &[]any{"请按要求填写"})
	f.NewSheet("台账")
	f.SetSheetRow("台账", "A1", &[]any{"姓名", "身份证号"})
	f.SetSheetRow("台账", "A2", &[]any{"甲", "123"})
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, want string
		sheet      bool
	}{
		{p, "工作表“台账”：员工健康台账有 1 处错误", true},
		{writeFile(t, "s.csv", []byte("姓名,身份证号\n甲,123\n")), "员工健康台账有 1 处错误", false},
	} {
		_, err := Parse(context.Background(), tt.path, resume, Options{})
		e := apperror.As(err)
		if e == nil || e.MessageIn(msg.ZH) != tt.want || strings.Contains(e.MessageIn(msg.EN), "sheet") != tt.sheet {
			t.Errorf("%s: %v, want %q", tt.path, err, tt.want)
		}
	}
}
