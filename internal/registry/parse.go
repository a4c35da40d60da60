// Package registry parses and validates the enterprise registry (the
// denominator of every rate): credit codes with both of their checksums,
// sectors, zones and streets. It writes nothing; the store layer upserts
// the rows Parse returns.
package registry

import (
	"context"
	"fmt"
	"strconv"

	"fugong/internal/apperror"
	"fugong/internal/areas"
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

var columns = []sheet.Column{
	{Key: "credit_code", Aliases: []string{"统一社会信用代码", "信用代码"}, Required: true},
	{Key: "name", Aliases: []string{"企业名称", "名称"}, Required: true},
	{Key: "sector", Aliases: []string{"行业"}, Required: true},
	{Key: "above_scale", Aliases: []string{"规上", "规上企业"}},
	{Key: "real_estate", Aliases: []string{"房地产"}},
	{Key: "zone", Aliases: []string{"片区"}},
	{Key: "street", Aliases: []string{"街道"}, Required: true},
	{Key: "supervised", Aliases: []string{"纳入监管"}},
	{Key: "entered_on", Aliases: []string{"成立/注册日期", "成立日期", "注册日期"}},
	{Key: "left_on", Aliases: []string{"注销/迁出日期", "注销日期", "迁出日期"}},
}

var sectors = map[string]string{
	"industrial": Industrial, "工业": Industrial,
	"service": Service, "服务业": Service,
	"construction": Construction, "建筑工地": Construction, "建筑": Construction,
}

// ParseBool reads a registry boolean: true/false, 1/0, 是/否 (also
// traditional, and yes/no, y/n). Empty gives def. ok is false for anything
// else.
func ParseBool(s string, def bool) (v, ok bool) {
	switch sheet.Fold(s) {
	case "":
		return def, true
	case "true", "1", "是", "yes", "y":
		return true, true
	case "false", "0", "否", "no", "n":
		return false, true
	}
	return false, false
}

// Parse reads the registry file at path (CSV in UTF-8, UTF-8 with BOM or
// GBK/GB18030, or XLSX; detected by content) and validates every row
// against a. It returns all rows, or an error: sheet.Open's errors
// (Unsupported, TooLarge, Invalid for an unreadable file), or an
// *apperror.Error code Invalid whose Details list every bad cell of every
// bad row (row as a spreadsheet shows it, column as written in the file)
// — including formula cells, which a registry refuses. Empty booleans are
// false, except supervised, which is true for construction sites (most
// sites are supervised; only the exceptions need saying).
func Parse(ctx context.Context, path string, a *areas.Areas, opts Options) ([]Row, error) {
	so := opts.Sheet
	so.DetectFormulas = true
	r, err := sheet.Open(ctx, path, so)
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
		details = append(details, apperror.Detail{Row: c.Row, Column: r.ColumnName(c.Col),
			Message: "单元格是公式，请粘贴为数值 / the cell is a formula; paste it as a value"})
	}
	var rows []Row
	seen := make(map[string]int)
	for r.Next() {
		row, bad := parseRow(r.Row(), h, a, seen)
		if len(bad) > 0 {
			details = append(details, bad...)
			continue
		}
		rows = append(rows, row)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(details) > 0 {
		return nil, apperror.WithDetails(apperror.Invalid,
			fmt.Sprintf("企业名录有 %d 处错误，未导入任何数据 / the registry has %d errors; nothing was imported", len(details), len(details)),
			details)
	}
	if len(rows) == 0 {
		return nil, apperror.New(apperror.Invalid, "企业名录没有数据行 / the registry has no data rows")
	}
	return rows, nil
}

func parseRow(sr sheet.Row, h sheet.Header, a *areas.Areas, seen map[string]int) (Row, []apperror.Detail) {
	var bad []apperror.Detail
	add := func(key, msg string) {
		bad = append(bad, apperror.Detail{Row: sr.Number, Column: h.Name(key), Message: msg})
	}
	row := Row{Line: sr.Number, EnteredOn: h.Get(sr, "entered_on"), LeftOn: h.Get(sr, "left_on")}

	row.CreditCode = NormalizeCreditCode(h.Get(sr, "credit_code"))
	switch {
	case row.CreditCode == "":
		add("credit_code", "统一社会信用代码为空 / the credit code is empty")
	default:
		if err := CheckCreditCode(row.CreditCode); err != nil {
			add("credit_code", err.Error())
		} else if prev, dup := seen[row.CreditCode]; dup {
			add("credit_code", "统一社会信用代码与第 "+strconv.Itoa(prev)+" 行重复 / the credit code duplicates row "+strconv.Itoa(prev))
		} else {
			seen[row.CreditCode] = sr.Number
		}
	}

	if row.Name = h.Get(sr, "name"); row.Name == "" {
		add("name", "企业名称为空 / the enterprise name is empty")
	}

	sector := h.Get(sr, "sector")
	if s, ok := sectors[sheet.Fold(sector)]; ok {
		row.Sector = s
	} else if sector == "" {
		add("sector", "行业为空，应为 工业、服务业 或 建筑工地 / the sector is empty: use industrial, service or construction")
	} else {
		add("sector", "行业“"+sector+"”无法识别，应为 工业、服务业 或 建筑工地 / unknown sector \""+sector+"\": use industrial, service or construction")
	}

	streetText := h.Get(sr, "street")
	st, streetOK := a.Street(sheet.Fold(streetText))
	if !streetOK {
		st, streetOK = a.Street(streetText)
	}
	switch {
	case streetText == "":
		add("street", "街道为空 / the street is empty")
	case !streetOK:
		add("street", "街道“"+streetText+"”不在本园区 / unknown street \""+streetText+"\"")
	default:
		row.Street = st.Code
	}
	zoneText := h.Get(sr, "zone")
	if zoneText == "" {
		row.Zone = st.Zone // taken from the street
	} else if z, ok := a.Zone(sheet.Fold(zoneText)); !ok {
		add("zone", "片区“"+zoneText+"”无法识别，应为 南区、西区 或 东区 / unknown zone \""+zoneText+"\": use south, west or east")
	} else {
		row.Zone = z.Code
		if streetOK && st.Zone != z.Code {
			add("street", "街道“"+streetText+"”不属于"+z.Name+" / street \""+streetText+"\" is not in zone "+z.Code)
		}
	}

	for _, b := range []struct {
		key, zh string
		dst     *bool
		def     bool
	}{
		{"above_scale", "规上", &row.AboveScale, false},
		{"real_estate", "房地产", &row.RealEstate, false},
		{"supervised", "纳入监管", &row.Supervised, row.Sector == Construction},
	} {
		v, ok := ParseBool(h.Get(sr, b.key), b.def)
		if !ok {
			add(b.key, b.zh+"应填 是 或 否 / "+b.key+" must be yes or no (是/否, true/false, 1/0)")
		}
		*b.dst = v
	}
	return row, bad
}
