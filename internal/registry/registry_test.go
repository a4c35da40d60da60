package registry

import (
	"context"
	"fmt"
	"fugong/internal/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/msg"
	"fugong/internal/sheet"
	"fugong/internal/sheet/sheettest"
)

func TestCheckCreditCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		want error
	}{
		{"91350100M000100Y43", nil}, // GB 32100 example
		{"9144030071526726XG", nil}, // organisation code check X
		{"914403001922038216", nil},
		{"91110108551385082Q", nil},
		{MakeCreditCode(42), nil},
		{"91350100M000100Y4", ErrCreditLength},
		{"91350100M000100Y433", ErrCreditLength},
		{"91350100M0001O0Y43", ErrCreditChar}, // letter O
		{"9135010IM000100Y43", ErrCreditChar}, // letter I
		{"91A50100M000100Y43", ErrCreditDivision},
		{"91350100M000100Y53", ErrOrgCheck},    // organisation check 4 → 5
		{"91350100M000100Y44", ErrCreditCheck}, // final check 3 → 4
		{"9144030071526726XH", ErrCreditCheck},
	}
	for _, tt := range tests {
		if got := CheckCreditCode(tt.code); got != tt.want {
			t.Errorf("CheckCreditCode(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	if got := NormalizeCreditCode(" ９１350100m000100y43 "); got != "91350100M000100Y43" {
		t.Errorf("NormalizeCreditCode = %q", got)
	}
}

func TestMakeCreditCode(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for n := 0; n < 200_000; n++ {
		c := MakeCreditCode(n)
		if err := CheckCreditCode(c); err != nil {
			t.Fatalf("MakeCreditCode(%d) = %q: %v", n, c, err)
		}
		if prev, dup := seen[c]; dup {
			t.Fatalf("MakeCreditCode(%d) = MakeCreditCode(%d) = %q", n, prev, c)
		}
		seen[c] = n
	}
	if MakeCreditCode(7) != MakeCreditCode(7) || MakeCreditCode(-7) != MakeCreditCode(7) {
		t.Error("not deterministic")
	}
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseGood(t *testing.T) {
	t.Parallel()
	c1, c2, c3 := MakeCreditCode(1), MakeCreditCode(2), MakeCreditCode(3)
	simplified := "统一社会信用代码,企业名称,行业,规上,房地产,片区,街道,纳入监管,备注\n" +
		c1 + ",成都甲工业有限公司,工业,是,,南区,桂溪街道,,x\n" +
		strings.ToLower(c2) + ",乙物业,服务业,否,1,,xiyuan,false,\n" +
		c3 + ",丙工地,建筑工地,,,東區,賈家,,\n"
	traditional := "統一社會信用代碼,企業名稱,行業,規上,房地產,片區,街道,納入監管\n" +
		c1 + ",成都甲工业有限公司,工業,是,,南區,桂溪街道,\n" +
		c2 + ",乙物业,服務業,否,1,,西園街道,0\n" +
		c3 + ",丙工地,建築工地,,,東區,賈家街道,\n"
	english := "credit_code,name,sector,above_scale,real_estate,zone,street,supervised\n" +
		c1 + ",成都甲工业有限公司,industrial,true,,south,guixi,\n" +
		c2 + ",乙物业,service,0,true,west,西园街道,\n" +
		c3 + ",丙工地,construction,,,east,jiajia,\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(simplified)
	xlsx := filepath.Join(t.TempDir(), "r.xlsx")
	if err := sheettest.WriteXLSXRows(xlsx, [][]any{
		{"统一社会信用代码", "企业名称", "行业", "规上", "房地产", "片区", "街道", "纳入监管"},
		{c1, "成都甲工业有限公司", "工业", true, nil, "南区", "桂溪街道", nil},
		{c2, "乙物业", "服务业", false, 1, nil, "xiyuan", false},
		{c3, "丙工地", "建筑工地", nil, nil, "东区", "jiajia", nil},
	}); err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, CreditCode: c1, Name: "成都甲工业有限公司", Sector: Industrial, AboveScale: true, Zone: "south", Street: "guixi"},
		{Line: 3, CreditCode: c2, Name: "乙物业", Sector: Service, RealEstate: true, Zone: "west", Street: "xiyuan"},
		{Line: 4, CreditCode: c3, Name: "丙工地", Sector: Construction, Zone: "east", Street: "jiajia", Supervised: true},
	}
	for name, path := range map[string]string{
		"simplified":  writeFile(t, "s.csv", []byte(simplified)),
		"bom":         writeFile(t, "b.csv", append([]byte("\xEF\xBB\xBF"), simplified...)),
		"gbk":         writeFile(t, "g.csv", []byte(gbk)),
		"traditional": writeFile(t, "t.csv", []byte(traditional)),
		"english":     writeFile(t, "e.csv", []byte(english)),
		"xlsx":        xlsx,
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := Parse(context.Background(), path, areas.Default(), Options{})
			if err != nil {
				t.Fatalf("%v %+v", err, apperror.As(err))
			}
			if fmt.Sprint(rows) != fmt.Sprint(want) {
				t.Errorf("rows\n%+v\nwant\n%+v", rows, want)
			}
		})
	}
}

func TestParseBadRows(t *testing.T) {
	t.Parallel()
	c1 := MakeCreditCode(1)
	bad := []byte(c1[:17] + string(rune(c1[17]+1)))
	if c1[17] == 'Y' {
		bad[17] = '0'
	}
	data := "统一社会信用代码,企业名称,行业,片区,街道,规上\n" +
		c1 + ",甲,工业,南区,桂溪街道,是\n" + // 2 ok
		string(bad) + ",乙,工业,南区,桂溪街道,是\n" + // 3 check char
		c1 + ",丙,工业,南区,桂溪街道,是\n" + // 4 duplicate
		MakeCreditCode(5) + ",,农业,北区,天府街道,也许\n" + // 5 name, sector, zone, street, bool
		MakeCreditCode(6) + ",戊,service,west,guixi,\n" + // 6 street not in zone
		",己,service,,guixi,\n" // 7 empty code
	_, err := Parse(context.Background(), writeFile(t, "bad.csv", []byte(data)), areas.Default(), Options{})
	e := apperror.As(err)
	if e == nil || e.Code != apperror.Invalid {
		t.Fatalf("err %v, want Invalid", err)
	}
	want := []string{
		"3 统一社会信用代码 " + ErrCreditCheck.Text().In(msg.ZH),
		"4 统一社会信用代码 统一社会信用代码与第 2 行重复",
		"5 企业名称 企业名称为空",
		"5 行业 行业“农业”无法识别",
		"5 街道 街道“天府街道”不在本园区",
		"5 片区 片区“北区”无法识别",
		"5 规上 规上“也许”无法识别",
		"6 街道 街道“guixi”不属于西区",
		"7 统一社会信用代码 统一社会信用代码为空",
	}
	if len(e.Details) != len(want) {
		t.Fatalf("%d details, want %d: %+v", len(e.Details), len(want), e.Details)
	}
	for i, w := range want {
		d := e.Details[i]
		got := fmt.Sprintf("%d %s %s", d.Row, d.Column, d.Message)
		if !strings.HasPrefix(got, w) {
			t.Errorf("detail %d = %q, want prefix %q", i, got, w)
		}
		if d.Text.IsZero() || d.Code == "" || d.Localized(msg.EN).Message == d.Message {
			t.Errorf("detail %d is not a catalog message with English: %+v", i, d)
		}
	}
}

func TestParseRefusals(t *testing.T) {
	t.Parallel()
	formula := filepath.Join(t.TempDir(), "f.xlsx")
	if err := sheettest.WriteXLSXRows(formula, [][]any{
		{"credit_code", "name", "sector", "street"},
		{MakeCreditCode(1), "甲", "工业", "guixi"},
		{MakeCreditCode(2), sheettest.Formula(`CONCAT("乙","公司")`), "工业", "guixi"},
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		code       apperror.Code
		detail     string
	}{
		{"formula", formula, apperror.Invalid, "3 name 单元格是公式"},
		{"missing header", writeFile(t, "h.csv", []byte("企业名称,行业,街道\n甲,工业,guixi\n")), apperror.Invalid, "1 credit_code 缺少必填列“统一社会信用代码”"},
		{"header only", writeFile(t, "o.csv", []byte("credit_code,name,sector,street\n")), apperror.Invalid, ""},
		{"empty", writeFile(t, "e.csv", nil), apperror.Invalid, ""},
		{"pdf", writeFile(t, "p.csv", []byte("%PDF-1.4 ...")), apperror.Unsupported, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), tt.path, areas.Default(), Options{})
			e := apperror.As(err)
			if e == nil || e.Code != tt.code {
				t.Fatalf("err %v, want %s", err, tt.code)
			}
			if tt.detail != "" {
				if len(e.Details) == 0 {
					t.Fatalf("no details: %v", e)
				}
				d := e.Details[0]
				if got := fmt.Sprintf("%d %s %s", d.Row, d.Column, d.Message); !strings.HasPrefix(got, tt.detail) {
					t.Errorf("detail %q, want prefix %q", got, tt.detail)
				}
			}
		})
	}
}

// registryCSV writes n valid registry rows.
func registryCSV(t testing.TB, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "registry.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	streets := areas.Default().Streets()
	fmt.Fprintln(f, "统一社会信用代码,企业名称,行业,规上,房地产,片区,街道,纳入监管")
	for i := 0; i < n; i++ {
		fmt.Fprintln(f, strings.Join(registryRecord(i, streets), ","))
	}
	return p
}

func registryRecord(i int, streets []areas.Street) []string {
	sectors := []string{"服务业", "服务业", "工业", "建筑工地"}
	st := streets[i%len(streets)]
	return []string{MakeCreditCode(i), fmt.Sprintf("成都市第%d号企业有限公司", i), sectors[i%4],
		[]string{"否", "是"}[i%2], "否", st.Zone, st.Name, "是"}
}

func TestVolumeParseLarge(t *testing.T) {
	testenv.Volume(t)
	p := registryCSV(t, sheet.DefaultMaxRows)
	start := time.Now()
	rows, err := Parse(context.Background(), p, areas.Default(), Options{})
	if err != nil || len(rows) != sheet.DefaultMaxRows {
		t.Fatalf("200,000 rows: %d rows, err %v", len(rows), err)
	}
	t.Logf("200,000 rows parsed in %v", time.Since(start))
	// One more row than the cap is refused, without reading further.
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintln(f, strings.Join(registryRecord(sheet.DefaultMaxRows, areas.Default().Streets()), ","))
	f.Close()
	if _, err := Parse(context.Background(), p, areas.Default(), Options{}); apperror.CodeOf(err) != apperror.TooLarge {
		t.Fatalf("200,001 rows: err %v, want TooLarge", err)
	}
}

func FuzzCheckCreditCode(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Add("9144030071526726XG")
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckCreditCode(NormalizeCreditCode(s))
		if err == nil && len(NormalizeCreditCode(s)) != 18 {
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("credit_code,name,sector,street\n" + MakeCreditCode(1) + ",甲,工业,guixi\n"))
	f.Add([]byte("统一社会信用代码,企业名称,行业,片区,街道\n91350100M000100Y43,乙,服务业,西区,合作街道\n,,,,\n"))
	dir := f.TempDir()
	a := areas.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "r.csv")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rows, err := Parse(context.Background(), p, a, Options{Sheet: sheet.Options{MaxRows: 500}})
		if err != nil {
			if apperror.As(err) == nil {
				t.Fatalf("%v is not an *apperror.Error", err)
			}
			return
		}
		for _, r := range rows {
			if CheckCreditCode(r.CreditCode) != nil || r.Name == "" || r.Street == "" || r.Zone == "" || r.Sector == "" {
				t.Fatalf("invalid row accepted: %+v", r)
			}
			if z, _ := a.ZoneOf(r.Street); z != r.Zone {
				t.Fatalf("street %s not in zone %s", r.Street, r.Zone)
			}
		}
	})
}

// TestRealHeaders: headers and values as clerks write them give the rows
// of the plain form; a column no field reads is listed, never dropped
// silently.
func TestRealHeaders(t *testing.T) {
	c1, c2 := MakeCreditCode(1), MakeCreditCode(2)
	plain := "统一社会信用代码,企业名称,行业,规上,房地产,片区,街道,纳入监管\n" +
		c1 + ",甲,工业,是,否,南区,桂溪街道,是\n" +
		c2 + ",乙,服务业,否,是,,guixi,否\n"
	want, err := Parse(context.Background(), writeFile(t, "p.csv", []byte(plain)), areas.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	real := "2020年企业名录\n单位：家,,,,,,,,\n序号,*统一社会信用代码（必填）,企业 名称,所属行业,是否规上,是否房地产,所属片区,所属街道,是否纳入监管\n" +
		"1,'" + c1 + ",甲,工业,√,×,南区,桂溪街道,Y\n" +
		"2, " + c2[:9] + " " + c2[9:] + ",乙,服务业,×,√,,guixi,N\n" +
		"合计,2,,,,,,,\n填表人：张三,,,,审核人：李四\n"
	p, err := ParseFile(context.Background(), writeFile(t, "r.csv", []byte(real)), areas.Default(), Options{})
	if err != nil {
		t.Fatalf("%v %+v", err, apperror.As(err))
	}
	for i := range want {
		want[i].Line += 2
	}
	if fmt.Sprint(p.Rows) != fmt.Sprint(want) {
		t.Errorf("rows\n%+v\nwant\n%+v", p.Rows, want)
	}
	if len(p.Layout.Ignored) != 1 || p.Layout.Ignored[0].Column != "序号" || len(p.Layout.Used) != 8 || len(p.Layout.Skipped) != 2 {
		t.Errorf("layout %+v", p.Layout)
	}
	// A credit code Excel turned into a number: cause and fix.
	_, err = Parse(context.Background(), writeFile(t, "e.csv", []byte("统一社会信用代码,企业名称,行业,街道\n9.15101E+17,甲,工业,guixi\n")), areas.Default(), Options{})
	if e := apperror.As(err); e == nil || len(e.Details) != 1 || !strings.Contains(e.Details[0].Message, "文本") {
		t.Fatalf("excel number: %v", err)
	}
}
