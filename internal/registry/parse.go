// Package registry parses and validates the enterprise registry (the
// denominator of every rate): credit codes with both of their checksums,
// sectors, zones and streets. It writes nothing; the store layer upserts
// the rows Parse returns.
package registry

import (
	"context"
	"errors"
	"sort"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/msg"
	"fugong/internal/sheet"
)

// Sectors.
const (
	Industrial   = "industrial"
	Service      = "service"
	Construction = "construction"
)

// Row is one validated, normalised registry row.
type Row struct {
	Line       int    `json:"row"`         // row number as a spreadsheet shows it
	CreditCode string `json:"credit_code"` // uppercase, 18 characters, both checksums valid
	Name       string `json:"name"`
	Sector     string `json:"sector"` // industrial | service | construction
	AboveScale bool   `json:"above_scale"`
	RealEstate bool   `json:"real_estate"`
	Zone       string `json:"zone"`   // zone code: south | west | east
	Street     string `json:"street"` // street code, e.g. guixi
	Supervised bool   `json:"supervised"`
	EnteredOn  string `json:"entered_on,omitempty"` // 成立/注册日期 as written; importer.go reads it
	LeftOn     string `json:"left_on,omitempty"`    // 注销/迁出日期 as written; importer.go reads it
}

// Options tunes Parse. The zero value reads at most sheet.DefaultMaxRows
// (200,000) rows.
type Options struct {
	Sheet sheet.Options
}

// columns are the fields of a registry and the headers clerks give them
// (simplified; traditional spellings, width, spaces, "*" and "（必填）"
// match through sheet.FoldHeader).
var columns = []sheet.Column{
	{Key: "credit_code", Label: labelCreditCode, Required: true, Aliases: []string{"统一社会信用代码", "信用代码", "社会信用代码",
		"统一信用代码", "统一代码", "统一社会信用代码(注册号)", "credit code", "uscc", "unified social credit code"}},
	{Key: "name", Label: labelName, Required: true, Aliases: []string{"企业名称", "名称", "单位名称", "企业全称", "公司名称",
		"企业(单位)名称", "企业名", "enterprise name", "company name", "company", "enterprise"}},
	{Key: "sector", Label: labelSector, Required: true, Aliases: []string{"行业", "行业类别", "行业分类", "所属行业", "行业类型",
		"企业类别", "类别", "industry"}},
	{Key: "above_scale", Label: labelAboveScale, Aliases: []string{"规上", "规上企业", "是否规上", "是否规上企业", "规模以上",
		"是否规模以上", "是否规模以上企业", "规模以上企业", "above scale"}},
	{Key: "real_estate", Label: labelRealEstate, Aliases: []string{"房地产", "是否房地产", "是否房地产企业", "房地产企业",
		"是否房地产项目", "房地产项目"}},
	{Key: "zone", Label: labelZone, Aliases: []string{"片区", "所属片区", "区域", "所属区域", "园区片区"}},
	{Key: "street", Label: labelStreet, Required: true, Aliases: []string{"街道", "所属街道", "街道(镇)", "街道办", "属地街道",
		"镇街", "街道名称", "所在街道"}},
	{Key: "supervised", Label: labelSupervised, Aliases: []string{"纳入监管", "是否纳入监管", "监管", "是否监管", "纳入监管范围",
		"是否纳入监管范围"}},
	{Key: "entered_on", Label: labelEnteredOn, Aliases: []string{"成立/注册日期", "成立日期", "注册日期", "成立时间", "注册时间", "date of establishment"}},
	{Key: "left_on", Label: labelLeftOn, Aliases: []string{"注销/迁出日期", "注销日期", "迁出日期", "注销时间", "迁出时间", "date closed"}},
}

var sectors = map[string]string{
	"industrial": Industrial, "工业": Industrial, "工业企业": Industrial, "industry": Industrial,
	"service": Service, "服务业": Service, "服务业企业": Service, "services": Service,
	"construction": Construction, "建筑工地": Construction, "建筑": Construction, "建筑业": Construction, "在建工地": Construction,
	"工地": Construction,
}

// ParseBool reads a registry boolean: 是/否, √/×, Y/N, yes/no, true/false,
// 1/0, 有/无 (any width or case, traditional characters). Empty gives def.
// ok is false for anything else.
func ParseBool(s string, def bool) (v, ok bool) {
	switch sheet.FoldHeader(s) {
	case "":
		return def, true
	case "true", "1", "是", "yes", "y", "√", "✓", "✔", "有", "t":
		return true, true
	case "false", "0", "否", "no", "n", "×", "✗", "✘", "x", "无", "f":
		return false, true
	}
	return false, false
}

// Parsed is a parsed registry and how its file was read.
type Parsed struct {
	Rows   []Row
	Layout sheet.Layout
}

// Parse reads the registry file at path; see ParseFile.
func Parse(ctx context.Context, path string, a *areas.Areas, opts Options) ([]Row, error) {
	p, err := ParseFile(ctx, path, a, opts)
	if err != nil {
		return nil, err
	}
	return p.Rows, nil
}

// ParseFile reads the registry file at path (CSV in UTF-8, UTF-8 with BOM
// or GBK/GB18030, comma or tab separated, or XLSX; detected by content;
// the header found below title rows on the first visible sheet that has
// one, totals and footers skipped) and validates every row against a. It
// returns all rows and the layout (used and ignored columns), or an error:
// sheet.Open's and Bind's errors (Unsupported, TooLarge, Invalid for an
// unreadable file or header), or an *apperror.Error code Invalid whose
// Details list every bad cell of every bad row (row as a spreadsheet shows
// it, column as written in the file) — including formula cells, which a
// registry refuses, and codes Excel stored as numbers. Empty booleans are
// false, except supervised, which is true for construction sites (most
// sites are supervised; only the exceptions need saying).
func ParseFile(ctx context.Context, path string, a *areas.Areas, opts Options) (*Parsed, error) {
	return parseFrom(ctx, func(so sheet.Options) (*sheet.Reader, error) { return sheet.Open(ctx, path, so) }, a, opts)
}

// ParseUpload is ParseFile on an upload read through f (an encrypted spool
// of the HTTP layer), with the same errors.
func ParseUpload(ctx context.Context, f sheet.File, a *areas.Areas, opts Options) (*Parsed, error) {
	return parseFrom(ctx, func(so sheet.Options) (*sheet.Reader, error) { return sheet.OpenFile(ctx, f, so) }, a, opts)
}

func parseFrom(ctx context.Context, open func(sheet.Options) (*sheet.Reader, error), a *areas.Areas, opts Options) (*Parsed, error) {
	so := opts.Sheet
	so.DetectFormulas = true
	r, err := open(so)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h, err := r.Bind(columns)
	if err != nil {
		return nil, err
	}
	var details []apperror.Detail
	for _, c := range r.Formulas() {
		details = append(details, sheet.Detail(c.Row, r.ColumnName(c.Col), msgFormula.With()))
	}
	var rows []Row
	var zeros []zeroCode
	seen := make(map[string]int)
	total := 0
	for r.Next() {
		total++
		row, bad, zero := parseRow(r.Row(), h, a, seen)
		if zero {
			zeros = append(zeros, zeroCode{line: row.Line, row: len(rows)})
			if len(bad) > 0 {
				zeros[len(zeros)-1].row = -1
			}
		}
		if len(bad) > 0 {
			details = append(details, bad...)
			continue
		}
		rows = append(rows, row)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	// Digit-only codes ending in 000 in numbers far beyond chance: Excel
	// stored the column as numbers (15 significant digits).
	if len(zeros) >= 2 && len(zeros)*20 >= total || len(zeros) > 0 && len(zeros) == total {
		drop := map[int]bool{}
		for _, z := range zeros {
			details = append(details, sheet.Detail(z.line, h.Name("credit_code"), msgCodeExcelZeros.With(len(zeros))))
			drop[z.row] = true
		}
		kept := rows[:0]
		for i, row := range rows {
			if !drop[i] {
				kept = append(kept, row)
			}
		}
		rows = kept
	}
	if len(details) > 0 {
		sort.SliceStable(details, func(i, j int) bool { return details[i].Row < details[j].Row })
		return nil, apperror.WithText(apperror.Invalid, msgErrors.With(r.InSheet(), len(details)), details)
	}
	if len(rows) == 0 {
		return nil, apperror.Msg(apperror.Invalid, msgNoRows, r.InSheet())
	}
	return &Parsed{Rows: rows, Layout: r.Layout(h)}, nil
}

type zeroCode struct {
	line int
	row  int // index in rows, -1 when refused anyway
}

// lostDigits reports whether a code is a number Excel wrote in scientific
// notation (9.15101E+17).
func lostDigits(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return false
	}
	mant, exp := strings.Replace(s[:i], ".", "", 1), strings.TrimPrefix(s[i+1:], "+")
	return digits(mant) && digits(exp)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func parseRow(sr sheet.Row, h sheet.Header, a *areas.Areas, seen map[string]int) (Row, []apperror.Detail, bool) {
	var bad []apperror.Detail
	add := func(key string, t msg.Text) {
		bad = append(bad, sheet.Detail(sr.Number, h.Name(key), t))
	}
	row := Row{Line: sr.Number, EnteredOn: h.Get(sr, "entered_on"), LeftOn: h.Get(sr, "left_on")}
	zero := false

	raw := h.Get(sr, "credit_code")
	row.CreditCode = NormalizeCreditCode(raw)
	switch {
	case row.CreditCode == "":
		add("credit_code", msgCodeEmpty.With())
	case lostDigits(row.CreditCode):
		add("credit_code", msgCodeExcelNumber.With(raw))
	default:
		zero = len(row.CreditCode) == 18 && digits(row.CreditCode) && strings.HasSuffix(row.CreditCode, "000")
		var ce *CodeError
		if err := CheckCreditCode(row.CreditCode); errors.As(err, &ce) {
			add("credit_code", ce.Text())
		} else if prev, dup := seen[row.CreditCode]; dup {
			add("credit_code", msgCodeDuplicate.With(prev))
		} else {
			seen[row.CreditCode] = sr.Number
		}
	}

	if row.Name = h.Get(sr, "name"); row.Name == "" {
		add("name", msgNameEmpty.With())
	}

	sector := h.Get(sr, "sector")
	if s, ok := sectors[sheet.FoldHeader(sector)]; ok {
		row.Sector = s
	} else if sector == "" {
		add("sector", msgSectorEmpty.With())
	} else {
		add("sector", msgSectorUnknown.With(sector))
	}

	streetText := h.Get(sr, "street")
	st, streetOK := a.Street(sheet.Fold(streetText))
	if !streetOK {
		st, streetOK = a.Street(streetText)
	}
	if !streetOK {
		st, streetOK = a.Street(sheet.FoldHeader(streetText))
	}
	switch {
	case streetText == "":
		add("street", msgStreetEmpty.With())
	case !streetOK:
		add("street", msgStreetUnknown.With(streetText))
	default:
		row.Street = st.Code
	}
	zoneText := h.Get(sr, "zone")
	if zoneText == "" {
		row.Zone = st.Zone // taken from the street
	} else if z, ok := a.Zone(sheet.Fold(zoneText)); !ok {
		add("zone", msgZoneUnknown.With(zoneText))
	} else {
		row.Zone = z.Code
		if streetOK && st.Zone != z.Code {
			add("street", msgStreetNotInZone.With(streetText, z.Name))
		}
	}

	for _, b := range []struct {
		key   string
		label msg.Message
		dst   *bool
		def   bool
	}{
		{"above_scale", labelAboveScale, &row.AboveScale, false},
		{"real_estate", labelRealEstate, &row.RealEstate, false},
		{"supervised", labelSupervised, &row.Supervised, row.Sector == Construction},
	} {
		text := h.Get(sr, b.key)
		v, ok := ParseBool(text, b.def)
		if !ok {
			add(b.key, msgBool.With(b.label, text))
		}
		*b.dst = v
	}
	return row, bad, zero
}
