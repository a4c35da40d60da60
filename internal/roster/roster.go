// Package roster parses and validates an enterprise's staff health roster
// (员工健康台账) and summarises it for the rule engine: fever, health-code
// colours, recent travel to Hubei, quarantine. It holds personal data in
// memory only; encrypting and storing it is the store layer's job.
package roster

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong/internal/apperror"
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
type Summary struct {
	Rows             int `json:"rows"`
	Fever            int `json:"fever"`
	HealthCodeRed    int `json:"health_code_red"`
	HealthCodeYellow int `json:"health_code_yellow"`
	Hubei14d         int `json:"hubei_14d"`
	InQuarantine     int `json:"in_quarantine"`
}

// Result is a parsed roster.
type Result struct {
	Rows    []Row   `json:"rows"`
	Summary Summary `json:"summary"`
}

// Options tunes Parse. The zero value caps rows at DefaultMaxRows.
type Options struct {
	Sheet sheet.Options
}

var columns = []sheet.Column{
	{Key: "name", Aliases: []string{"姓名"}, Required: true},
	{Key: "id_number", Aliases: []string{"身份证号", "身份证号码", "身份证"}, Required: true},
	{Key: "phone", Aliases: []string{"手机号", "手机号码", "联系电话", "电话"}},
	{Key: "department", Aliases: []string{"部门"}},
	{Key: "temperature", Aliases: []string{"体温"}},
	{Key: "health_code", Aliases: []string{"健康码"}},
	{Key: "travel_14d", Aliases: []string{"近14日旅居史", "旅居史"}},
	{Key: "return_date", Aliases: []string{"返回日期", "返蓉日期"}},
	{Key: "quarantine_end", Aliases: []string{"隔离结束日期"}},
}

var healthCodes = map[string]string{
	"green": Green, "绿码": Green, "绿": Green,
	"yellow": Yellow, "黄码": Yellow, "黄": Yellow,
	"red": Red, "红码": Red, "红": Red,
}

// noTravel are the ways clerks write "no travel".
var noTravel = map[string]bool{"": true, "无": true, "没有": true, "否": true, "none": true, "no": true, "-": true, "/": true, "—": true}

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
// GBK/GB18030, or XLSX) and validates every row. plannedResume is the
// filing's planned resumption date: hubei_14d counts rows whose travel
// mentions Hubei and whose return date is less than 14 days before it (or
// later); in_quarantine counts those of them whose quarantine ends after
// it. It returns the rows and summary, or sheet.Open's errors
// (Unsupported, TooLarge, Invalid), or an *apperror.Error code Invalid
// whose Details list every bad cell of every bad row (row as a
// spreadsheet shows it, column as written).
func Parse(ctx context.Context, path string, plannedResume time.Time, opts Options) (*Result, error) {
	so := opts.Sheet
	if so.MaxRows <= 0 {
		so.MaxRows = DefaultMaxRows
	}
	r, err := sheet.Open(ctx, path, so)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h, err := r.Bind(columns)
	if err != nil {
		return nil, err
	}
	p := rowParser{h: h, xlsx: r.Format() == sheet.XLSX, seen: make(map[string]int),
		asOf: plannedResume}
	if p.asOf.IsZero() {
		p.asOf = time.Now()
	}
	res := &Result{}
	var details []apperror.Detail
	for r.Next() {
		row, bad := p.parse(r.Row())
		if len(bad) > 0 {
			details = append(details, bad...)
			continue
		}
		res.Rows = append(res.Rows, row)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(details) > 0 {
		n := strconv.Itoa(len(details))
		return nil, apperror.WithDetails(apperror.Invalid,
			"员工健康台账有 "+n+" 处错误 / the staff roster has "+n+" errors", details)
	}
	if len(res.Rows) == 0 {
		return nil, apperror.New(apperror.Invalid, "员工健康台账没有数据行 / the staff roster has no data rows")
	}
	res.Summary = Summarize(res.Rows, p.asOf)
	return res, nil
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
	h    sheet.Header
	xlsx bool
	seen map[string]int
	asOf time.Time
}

func (p *rowParser) parse(sr sheet.Row) (Row, []apperror.Detail) {
	var bad []apperror.Detail
	add := func(key, msg string) {
		bad = append(bad, apperror.Detail{Row: sr.Number, Column: p.h.Name(key), Message: msg})
	}
	row := Row{Line: sr.Number}
	if row.Name = p.h.Get(sr, "name"); row.Name == "" {
		add("name", "姓名为空 / the name is empty")
	}
	row.IDNumber = NormalizeIDNumber(p.h.Get(sr, "id_number"))
	if row.IDNumber == "" {
		add("id_number", "身份证号为空 / the ID number is empty")
	} else if err := CheckIDNumber(row.IDNumber, p.asOf); err != nil {
		add("id_number", err.Error())
	} else if prev, dup := p.seen[row.IDNumber]; dup {
		add("id_number", "身份证号与第 "+strconv.Itoa(prev)+" 行重复 / the ID number duplicates row "+strconv.Itoa(prev))
	} else {
		p.seen[row.IDNumber] = sr.Number
	}
	if phone := p.h.Get(sr, "phone"); phone != "" {
		if norm, ok := NormalizePhone(phone); ok {
			row.Phone = norm
		} else {
			add("phone", "电话号码格式错误，应为 11 位手机号或带区号的座机 / the phone must be an 11-digit mobile number or a landline with area code")
		}
	}
	row.Department = p.h.Get(sr, "department")
	if t := p.h.Get(sr, "temperature"); t != "" {
		v, ok := parseTemperature(t)
		if !ok {
			add("temperature", "体温“"+t+"”不是数字 / the temperature \""+t+"\" is not a number")
		} else if v < 34 || v > 43 {
			add("temperature", "体温应在 34.0–43.0 ℃ 之间 / the temperature must be between 34.0 and 43.0 °C")
		} else {
			row.Temperature = v
		}
	}
	if c := p.h.Get(sr, "health_code"); c != "" {
		if v, ok := healthCodes[sheet.Fold(c)]; ok {
			row.HealthCode = v
		} else {
			add("health_code", "健康码应为 绿码、黄码 或 红码 / the health code must be green, yellow or red")
		}
	}
	if t := p.h.Get(sr, "travel_14d"); !noTravel[sheet.Fold(t)] {
		row.Travel = t
	}
	row.ReturnDate = p.date(sr, "return_date", add)
	row.QuarantineEnd = p.date(sr, "quarantine_end", add)
	if row.Travel != "" && row.ReturnDate.IsZero() && p.h.Get(sr, "return_date") == "" {
		add("return_date", "填写了旅居史，请填写返回日期 / travel is given: fill in the return date")
	}
	return row, bad
}

func (p *rowParser) date(sr sheet.Row, key string, add func(key, msg string)) time.Time {
	s := p.h.Get(sr, key)
	if s == "" {
		return time.Time{}
	}
	if t, ok := ParseDate(s, p.xlsx); ok {
		return t
	}
	add(key, "日期“"+s+"”格式错误，应为 YYYY-MM-DD / the date \""+s+"\" must be YYYY-MM-DD")
	return time.Time{}
}

// ParseDate reads YYYY-MM-DD or YYYY/MM/DD (month and day may have one
// digit; a time after a space or T is ignored). With excelSerial, a
// number is an Excel date serial, as XLSX date cells hold. ok is false for
// anything else or a date outside 1900–2100.
func ParseDate(s string, excelSerial bool) (time.Time, bool) {
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if excelSerial {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			if f < 1 || f > 73051 { // 1900-01-01 … 2100-01-01
				return time.Time{}, false
			}
			t, err := excelize.ExcelDateToTime(math.Floor(f), false)
			if err != nil {
				return time.Time{}, false
			}
			return truncDay(t), true
		}
	}
	sep := "-"
	if strings.Contains(s, "/") {
		sep = "/"
	}
	parts := strings.Split(s, sep)
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

func parseTemperature(s string) (float64, bool) {
	for _, suf := range []string{"℃", "°C", "°c", "°", "度"} {
		s = strings.TrimSuffix(s, suf)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v)
}

// NormalizePhone accepts a mainland mobile number (1[3-9] and 9 more
// digits, optionally after +86 or 86, spaces and hyphens allowed) or a
// landline with area code (0 + 2–3 digits, then 7–8 digits, optional
// extension after "-" or "转"). It returns the number with separators
// removed except the area-code hyphen of a landline; ok is false
// otherwise.
func NormalizePhone(s string) (string, bool) {
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
