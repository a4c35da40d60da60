// Package roster parses and validates an enterprise's staff health roster
// (员工健康台账) and summarises it for the rule engine: fever, health-code
// colours, recent travel to Hubei, quarantine. It holds personal data in
// memory only; encrypting and storing it is the store layer's job.
package roster

import (
	"context"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/sheet"
)

// DefaultMaxRows caps a roster's data rows: 100,000 staff is beyond the
// largest single employer of the zone; a bigger file is refused TooLarge.
const DefaultMaxRows = 100_000

// FeverThreshold is the temperature (°C) from which a row counts as fever.
const FeverThreshold = 37.3

// Health-code colours.
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
)

// Row is one validated roster row. Dates are midnight UTC; zero when empty.
type Row struct {
	Line          int       `json:"row"` // row number as a spreadsheet shows it
	Name          string    `json:"name"`
	IDNumber      string    `json:"id_number"` // 18 characters, X uppercase
	Phone         string    `json:"phone,omitempty"`
	Department    string    `json:"department,omitempty"`
	Temperature   float64   `json:"temperature,omitempty"` // °C; 0 when not given
	HealthCode    string    `json:"health_code,omitempty"` // green | yellow | red | ""
	Travel        string    `json:"travel_14d,omitempty"`  // "" when none
	ReturnDate    time.Time `json:"return_date,omitzero"`
	QuarantineEnd time.Time `json:"quarantine_end,omitzero"`
}

// Summary is what the rule engine sees of a roster (roster.rows, …).
// Unknown lists the health fields the file has no column for
// ("temperature", "health_code", "travel_14d"): their counts are not zero
// but unknown, and the rules flag them.
type Summary struct {
	Rows             int      `json:"rows"`
	Fever            int      `json:"fever"`
	HealthCodeRed    int      `json:"health_code_red"`
	HealthCodeYellow int      `json:"health_code_yellow"`
	Hubei14d         int      `json:"hubei_14d"`
	InQuarantine     int      `json:"in_quarantine"`
	Unknown          []string `json:"unknown,omitempty"`
}

// Result is a parsed roster.
type Result struct {
	Rows    []Row        `json:"rows"`
	Summary Summary      `json:"summary"`
	Layout  sheet.Layout `json:"columns"` // sheet, header row, used/ignored columns, skipped rows
}

// Options tunes Parse. The zero value caps rows at DefaultMaxRows.
type Options struct {
	Sheet sheet.Options
	// OnRow, when set, is called with each accepted row in file order as
	// soon as it is read, before the rest of the file: the upload seals and
	// inserts rows while the file is still being parsed. The rows passed
	// are the Result's rows only if the parse then succeeds; after an error
	// the caller must discard what it did with them.
	OnRow func(Row)
}

// HealthFields are the summary fields whose column may be absent; a
// missing one is reported in Summary.Unknown.
var HealthFields = []string{"temperature", "health_code", "travel_14d"}

// columns are the fields of a roster and the headers clerks give them
// (simplified; traditional spellings match through sheet.Fold, width,
// spaces, "*" and "（必填）" through sheet.FoldHeader).
var columns = []sheet.Column{
	{Key: "name", Label: labelName, Required: true, Aliases: []string{"姓名", "员工姓名", "职工姓名", "人员姓名", "名字",
		"full name", "employee name", "staff name"}},
	{Key: "id_number", Label: labelIDNumber, Required: true, Aliases: []string{"身份证号", "身份证号码", "身份证", "证件号码",
		"证件号", "公民身份号码", "居民身份证号码", "身份证件号码", "身份证编号", "id", "id number", "id no", "id card", "id card number"}},
	{Key: "phone", Label: labelPhone, Aliases: []string{"手机号", "手机号码", "联系电话", "电话", "手机", "联系方式", "电话号码",
		"移动电话", "联系手机", "mobile", "tel", "telephone", "phone number"}},
	{Key: "department", Label: labelDepartment, Aliases: []string{"部门", "所在部门", "科室", "班组", "车间", "工作部门", "所属部门",
		"dept"}},
	{Key: "temperature", Label: labelTemperature, Aliases: []string{"体温", "今日体温", "当日体温", "测量体温", "测温", "晨检体温",
		"体温测量", "体温情况", "体温检测", "temp", "body temperature"}},
	{Key: "health_code", Label: labelHealthCode, Aliases: []string{"健康码", "健康码状态", "健康码颜色", "健康码情况", "天府健康通",
		"健康通", "健康码类型", "health code", "health code colour", "health code color"}},
	{Key: "travel_14d", Label: labelTravel, Aliases: []string{"近14日旅居史", "近14天旅居史", "14天内旅居史", "14日内旅居史", "旅居史",
		"近期旅居史", "旅行史", "近14天行程", "近14日行程", "14天内行程", "行程", "旅居地", "途经地", "近14天去过的地方",
		"travel", "travel history", "travel 14d"}},
	{Key: "return_date", Label: labelReturnDate, Aliases: []string{"返回日期", "返蓉日期", "返岗日期", "返城日期", "返回时间",
		"抵蓉日期", "返工日期", "返厂日期", "到达日期", "返回本地日期", "return date", "returned"}},
	{Key: "quarantine_end", Label: labelQuarantineEnd, Aliases: []string{"隔离结束日期", "隔离截止日期", "隔离期满日期", "隔离到期日",
		"隔离结束时间", "解除隔离日期", "隔离期至", "隔离截止", "quarantine end", "quarantine until"}},
}

var healthCodes = map[string]string{
	"green": Green, "绿码": Green, "绿": Green, "绿色": Green, "绿色码": Green, "g": Green,
	"yellow": Yellow, "黄码": Yellow, "黄": Yellow, "黄色": Yellow, "黄色码": Yellow, "y": Yellow,
	"red": Red, "红码": Red, "红": Red, "红色": Red, "红色码": Red, "r": Red,
}

// noTravel are the ways clerks write "no travel".
var noTravel = map[string]bool{"": true, "无": true, "没有": true, "否": true, "none": true, "no": true, "-": true, "/": true,
	"—": true, "无旅居史": true, "未外出": true, "本地": true, "n/a": true, "×": true}

// hubeiPlaces are Hubei and its prefecture-level divisions, in simplified
// characters (values are folded first) and pinyin for the common two.
var hubeiPlaces = []string{"湖北", "武汉", "黄石", "十堰", "宜昌", "襄阳", "荆州", "荆门", "鄂州", "孝感",
	"黄冈", "咸宁", "随州", "恩施", "仙桃", "潜江", "天门", "神农架", "hubei", "wuhan"}

// IsHubei reports whether a travel entry mentions Hubei or one of its
// cities, in simplified or traditional characters.
func IsHubei(travel string) bool {
	t := sheet.Fold(travel)
	for _, p := range hubeiPlaces {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// Parse reads the roster at path (CSV in UTF-8, UTF-8 with BOM or
// GBK/GB18030, comma or tab separated, or XLSX) and validates every row.
// The header is found as sheet.Reader.Bind describes (title rows skipped,
// the first visible sheet with a header); totals and footers are skipped.
// plannedResume is the filing's planned resumption date: hubei_14d counts
// rows whose travel mentions Hubei and whose return date is less than 14
// days before it (or later); in_quarantine counts those of them whose
// quarantine ends after it; a date written without a year ("2月1日") takes
// its year. It returns the rows, summary and layout, or sheet.Open's and
// Bind's errors (Unsupported, TooLarge, Invalid), or an *apperror.Error
// code Invalid whose Details list every bad cell of every bad row (row as a
// spreadsheet shows it, column as written), including ID numbers Excel
// stored as numbers (the cause and the fix in one sentence).
func Parse(ctx context.Context, path string, plannedResume time.Time, opts Options) (*Result, error) {
	return parseFrom(ctx, func(so sheet.Options) (*sheet.Reader, error) { return sheet.Open(ctx, path, so) }, plannedResume, opts)
}

// ParseUpload is Parse on an upload read through f (an encrypted spool of
// the HTTP layer), with the same results and errors.
func ParseUpload(ctx context.Context, f sheet.File, plannedResume time.Time, opts Options) (*Result, error) {
	return parseFrom(ctx, func(so sheet.Options) (*sheet.Reader, error) { return sheet.OpenFile(ctx, f, so) }, plannedResume, opts)
}

func parseFrom(ctx context.Context, open func(sheet.Options) (*sheet.Reader, error), plannedResume time.Time, opts Options) (*Result, error) {
	so := opts.Sheet
	if so.MaxRows <= 0 {
		so.MaxRows = DefaultMaxRows
	}
	r, err := open(so)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h, err := r.Bind(columns)
	if err != nil {
		return nil, err
	}
	p := rowParser{h: h, xlsx: r.Format() == sheet.XLSX, date1904: r.Date1904(), seen: make(map[string]int),
		asOf: plannedResume}
	if p.asOf.IsZero() {
		p.asOf = time.Now()
	}
	res := &Result{}
	var details []apperror.Detail
	var zeros []suspect
	for r.Next() {
		row, bad, zero := p.parse(r.Row())
		if zero != nil {
			zero.row = len(res.Rows)
			if len(bad) > 0 {
				zero.row = -1
			}
			zeros = append(zeros, *zero)
		}
		if len(bad) > 0 {
			details = append(details, bad...)
			continue
		}
		res.Rows = append(res.Rows, row)
		if opts.OnRow != nil {
			opts.OnRow(row)
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	var drop map[int]bool
	details, drop = p.judgeZeros(zeros, len(res.Rows)+countRows(details), details)
	if len(drop) > 0 {
		kept := res.Rows[:0]
		for i, row := range res.Rows {
			if !drop[i] {
				kept = append(kept, row)
			}
		}
		res.Rows = kept
	}
	if len(details) > 0 {
		sortDetails(details)
		return nil, apperror.WithText(apperror.Invalid, msgErrors.With(r.InSheet(), len(details)), details)
	}
	if len(res.Rows) == 0 {
		return nil, apperror.Msg(apperror.Invalid, msgNoRows, r.InSheet())
	}
	res.Summary = Summarize(res.Rows, p.asOf)
	for _, f := range HealthFields {
		if !h.Has(f) {
			res.Summary.Unknown = append(res.Summary.Unknown, f)
		}
	}
	res.Layout = r.Layout(h)
	return res, nil
}

// suspect is a row whose ID number ends in 000, what Excel leaves of an ID
// number stored as a number (15 significant digits). One such row in a
// thousand is chance; many mean the column was damaged.
type suspect struct {
	line int
	row  int  // index in the accepted rows, -1 when the row was refused anyway
	bad  bool // the check digit fails as well
}

// judgeZeros decides whether the ID column was damaged by Excel: when at
// least two rows and one in twenty (or every row) end in 000, every such
// row is refused with the cause and the fix; otherwise such rows stand or
// fall by their check digit, as any other.
func (p *rowParser) judgeZeros(zeros []suspect, total int, details []apperror.Detail) ([]apperror.Detail, map[int]bool) {
	if len(zeros) == 0 {
		return details, nil
	}
	damaged := (len(zeros) >= 2 && len(zeros)*20 >= total) || len(zeros) == total
	drop := map[int]bool{}
	for _, z := range zeros {
		switch {
		case damaged:
			details = append(details, sheet.Detail(z.line, p.h.Name("id_number"), msgIDExcelZeros.With(len(zeros))))
			if z.row >= 0 {
				drop[z.row] = true
			}
		case z.bad:
			details = append(details, sheet.Detail(z.line, p.h.Name("id_number"), ErrIDCheck.Text()))
			if z.row >= 0 {
				drop[z.row] = true
			}
		}
	}
	return details, drop
}

// countRows counts the distinct rows of details.
func countRows(details []apperror.Detail) int {
	seen := map[int]bool{}
	for _, d := range details {
		seen[d.Row] = true
	}
	return len(seen)
}

// sortDetails orders details by row, keeping each row's order.
func sortDetails(d []apperror.Detail) {
	sort.SliceStable(d, func(i, j int) bool { return d[i].Row < d[j].Row })
}

// Summarize counts a roster's rows as Parse's doc describes. It never fails.
func Summarize(rows []Row, plannedResume time.Time) Summary {
	day := truncDay(plannedResume)
	windowStart := day.AddDate(0, 0, -13) // returned on or after: fewer than 14 full days before
	s := Summary{Rows: len(rows)}
	for i := range rows {
		r := &rows[i]
		if r.Temperature >= FeverThreshold {
			s.Fever++
		}
		switch r.HealthCode {
		case Red:
			s.HealthCodeRed++
		case Yellow:
			s.HealthCodeYellow++
		}
		if r.Travel != "" && !r.ReturnDate.Before(windowStart) && IsHubei(r.Travel) {
			s.Hubei14d++
			if r.QuarantineEnd.After(day) {
				s.InQuarantine++
			}
		}
	}
	return s
}

func truncDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type rowParser struct {
	h        sheet.Header
	xlsx     bool
	date1904 bool
	seen     map[string]int
	asOf     time.Time
}

// parse validates one row; zero is set when the ID number ends in 000
// (Parse judges those over the whole column).
func (p *rowParser) parse(sr sheet.Row) (Row, []apperror.Detail, *suspect) {
	var bad []apperror.Detail
	add := func(key string, t msg.Text) {
		bad = append(bad, sheet.Detail(sr.Number, p.h.Name(key), t))
	}
	var zero *suspect
	row := Row{Line: sr.Number}
	if row.Name = p.h.Get(sr, "name"); row.Name == "" {
		add("name", msgNameEmpty.With())
	}
	raw := p.h.Get(sr, "id_number")
	row.IDNumber = NormalizeIDNumber(raw)
	if exact, ok := ExactNumber(row.IDNumber); ok {
		row.IDNumber = exact
	}
	switch {
	case row.IDNumber == "":
		add("id_number", msgIDEmpty.With())
	case LostDigits(row.IDNumber):
		add("id_number", msgIDExcelNumber.With(raw))
	default:
		err := CheckIDNumber(row.IDNumber, p.asOf)
		if strings.HasSuffix(row.IDNumber, "000") && (err == nil || err == ErrIDCheck) {
			zero = &suspect{line: sr.Number, bad: err != nil}
			err = nil
		}
		var ie *IDError
		if errors.As(err, &ie) {
			add("id_number", ie.Text())
		} else if prev, dup := p.seen[row.IDNumber]; dup {
			add("id_number", msgIDDuplicate.With(prev))
		} else {
			p.seen[row.IDNumber] = sr.Number
		}
	}
	if phone := p.h.Get(sr, "phone"); phone != "" {
		if norm, ok := NormalizePhone(phone); ok {
			row.Phone = norm
		} else {
			add("phone", msgPhone.With())
		}
	}
	row.Department = p.h.Get(sr, "department")
	if t := p.h.Get(sr, "temperature"); t != "" {
		v, ok := parseTemperature(t)
		if !ok {
			add("temperature", msgTempNotNumber.With(t))
		} else if v < 34 || v > 43 {
			add("temperature", msgTempRange.With())
		} else {
			row.Temperature = v
		}
	}
	if c := p.h.Get(sr, "health_code"); c != "" {
		if v, ok := ParseHealthCode(c); ok {
			row.HealthCode = v
		} else {
			add("health_code", msgHealthCode.With(c))
		}
	}
	if t := p.h.Get(sr, "travel_14d"); !noTravel[sheet.Fold(t)] {
		row.Travel = t
	}
	row.ReturnDate = p.date(sr, "return_date", add)
	row.QuarantineEnd = p.date(sr, "quarantine_end", add)
	if row.Travel != "" && row.ReturnDate.IsZero() && p.h.Get(sr, "return_date") == "" {
		add("return_date", msgReturnMissing.With())
	}
	return row, bad, zero
}

// ParseHealthCode reads a health-code colour: 绿码/黄码/红码, 绿/黄/红,
// 绿色/黄色/红色, green/yellow/red (any width, traditional characters).
// ok is false for anything else.
func ParseHealthCode(s string) (string, bool) {
	v, ok := healthCodes[sheet.FoldHeader(s)]
	return v, ok
}

func (p *rowParser) date(sr sheet.Row, key string, add func(key string, t msg.Text)) time.Time {
	s := p.h.Get(sr, key)
	if s == "" {
		return time.Time{}
	}
	if t, ok := ParseDateIn(s, p.xlsx, p.date1904, p.asOf.Year()); ok {
		return t
	}
	add(key, msgDate.With(s))
	return time.Time{}
}

// ParseDate is ParseDateIn for a 1900-system workbook and dates that carry
// their year.
func ParseDate(s string, excelSerial bool) (time.Time, bool) {
	return ParseDateIn(s, excelSerial, false, 0)
}

// minSerial is 2000-01-01 as an Excel serial (1900 system).
const minSerial = 36526

// ParseDateIn reads a date as clerks write it: 2020-02-01, 2020/2/1,
// 2020.2.1, 2020年2月1日, 20200201, and, when year is not 0, 2月1日 or
// 2-1 (that year). A time after a space or T is ignored. A whole number
// from 36526 to 73050 is an Excel date serial (2000–2100), as XLSX date
// cells hold, counted from 1904 when date1904; with excelSerial a fraction
// (a date with a time) is read too. ok is false for anything else or a
// date outside 1900–2100.
func ParseDateIn(s string, excelSerial, date1904 bool, year int) (time.Time, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	// A date serial is read only in the range of this century: a text cell
	// and a number cell look alike once read, and a small number ("138")
	// is a typo, not 1900-05-17. CSV exports of a date column that lost its
	// format hold serials too.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f < 100000 && (excelSerial || !strings.Contains(s, ".")) && len(s) != 8 {
		if f < minSerial || f > 73050 { // 2000-01-01 … 2100-01-01
			return time.Time{}, false
		}
		{
			t, err := excelize.ExcelDateToTime(math.Floor(f), date1904)
			if err != nil {
				return time.Time{}, false
			}
			return truncDay(t), true
		}
	}
	if len(s) == 8 && allDigits(s) {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "日"), "号")
	s = dateSeps.Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) == 2 && year != 0 {
		parts = append([]string{strconv.Itoa(year)}, parts...)
	}
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return time.Time{}, false
	}
	y, e1 := strconv.Atoi(parts[0])
	m, e2 := strconv.Atoi(parts[1])
	d, e3 := strconv.Atoi(parts[2])
	if e1 != nil || e2 != nil || e3 != nil || y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2020-02-30 rolls over
		return time.Time{}, false
	}
	return t, true
}

var dateSeps = strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-")

func parseTemperature(s string) (float64, bool) {
	s = norm.NFKC.String(s)
	for _, suf := range []string{"°C", "°c", "℃", "°", "度", "c", "C"} {
		s = strings.TrimSuffix(strings.TrimSpace(s), suf)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v)
}

// NormalizePhone accepts a mainland mobile number (1[3-9] and 9 more
// digits, optionally after +86 or 86, spaces and hyphens allowed) or a
// landline with area code (0 + 2–3 digits, then 7–8 digits, optional
// extension after "-" or "转"). It returns the number with separators
// removed except the area-code hyphen of a landline; ok is false
// otherwise. Full-width digits, hyphens, plus signs and parentheses (typed
// with a Chinese input method in full-width mode) read as their ASCII forms.
func NormalizePhone(s string) (string, bool) {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	s = strings.TrimSpace(s)
	compact := phoneCompact.Replace(s)
	m := strings.TrimPrefix(strings.TrimPrefix(compact, "+"), "86")
	if len(m) == 11 && m[0] == '1' && m[1] >= '3' && m[1] <= '9' && allDigits(m) {
		return m, true
	}
	// Landline: 0AA(A)-NNNNNNN(N)[-ext]
	main, ext := s, ""
	if i := strings.Index(main, "转"); i >= 0 {
		main, ext = main[:i], main[i+len("转"):]
	}
	main = landlineParens.Replace(main)
	parts := strings.Split(main, "-")
	if ext == "" && len(parts) == 3 {
		ext, parts = parts[2], parts[:2]
	}
	var area, num string
	switch len(parts) {
	case 2:
		area, num = parts[0], parts[1]
	case 1:
		// Without a hyphen: 3-digit area codes are 010 and 02X.
		d := parts[0]
		if len(d) < 3 || d[0] != '0' {
			return "", false
		}
		n := 4
		if d[1] == '1' || d[1] == '2' {
			n = 3
		}
		if len(d) <= n { // "000", "030": no number after the area code
			return "", false
		}
		area, num = d[:n], d[n:]
	default:
		return "", false
	}
	if len(area) < 3 || len(area) > 4 || area[0] != '0' || !allDigits(area) ||
		len(num) < 7 || len(num) > 8 || !allDigits(num) || num[0] == '0' ||
		(ext != "" && (len(ext) > 6 || !allDigits(ext))) {
		return "", false
	}
	out := area + "-" + num
	if ext != "" {
		out += "-" + ext
	}
	return out, true
}

// Replacers are built once: building one per call dominated parse time.
var (
	phoneCompact   = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", "（", "", "）", "")
	landlineParens = strings.NewReplacer(" ", "", "(", "", ")", "-", "（", "", "）", "-")
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
