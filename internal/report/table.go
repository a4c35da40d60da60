package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"fugong/internal/export"
)

// Kind is how a table column's values are shown.
type Kind string

// Column kinds.
const (
	KindText    Kind = "text"
	KindInt     Kind = "int"
	KindNumber  Kind = "number"
	KindPercent Kind = "percent" // values are percentages (85.59), shown in XLSX as 85.59%
	KindDate    Kind = "date"    // YYYY-MM-DD text
)

// TableColumn is one column of a Table.
type TableColumn struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Kind  Kind   `json:"type"`
}

// Table is a report or dashboard table ready for export: values are
// string, int64, float64, bool or *float64 (a rate; nil when unknown, an
// empty cell), in column order.
type Table struct {
	Title   string
	Columns []TableColumn
	Rows    [][]any
}

// Objects returns the rows as JSON objects keyed by column key.
func (t *Table) Objects() []map[string]any {
	out := make([]map[string]any, 0, len(t.Rows))
	for _, r := range t.Rows {
		m := make(map[string]any, len(t.Columns))
		for i, c := range t.Columns {
			m[c.Key] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// Neutralize stops spreadsheet formula injection: a cell beginning with
// = + - @ (or a tab / carriage return) is prefixed with a quote
// (docs/security.md §6: exports). Numbers are written as numbers and need none.
func Neutralize(s string) string { return export.Cell(s) }

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case *float64: // a rate: nil is unknown, an empty cell
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case string:
		return Neutralize(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "是"
		}
		return "否"
	default:
		return Neutralize(fmt.Sprint(x))
	}
}

// WriteCSV writes t as UTF-8 CSV with a BOM (so Excel on Chinese Windows
// opens it), the column titles as header, text cells neutralised, and
// percentages as plain numbers (85.59). It returns w's error.
func (t *Table) WriteCSV(w io.Writer) error { return WriteCSVRows(w, t.Columns, t.rows) }

// RowSource passes a table's rows, in order, to emit (which may reuse
// nothing of a row after it returns); emit's error stops it and is
// returned. It lets a table too large to hold be written as it is read.
type RowSource func(emit func(row []any) error) error

func (t *Table) rows(emit func([]any) error) error {
	for _, r := range t.Rows {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSVRows is WriteCSV for a table whose rows come from rows, one at a
// time: memory stays flat whatever the number of rows.
func WriteCSVRows(w io.Writer, columns []TableColumn, rows RowSource) error {
	t := &Table{Columns: columns}
	bw := bufio.NewWriter(w)
	cw, err := export.StartCSV(bw)
	if err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = Neutralize(c.Title)
		if c.Kind == KindPercent {
			rec[i] += "(%)"
		}
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	if err := rows(func(r []any) error {
		for i := range t.Columns {
			rec[i] = cellText(r[i])
		}
		return cw.Write(rec)
	}); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteXLSX writes t as one worksheet through excelize's StreamWriter (rows
// go to a temp file, not memory): a bold header row frozen at the top,
// numbers as numbers, percentages as fractions with the "0.00%" format, text
// neutralised. It returns excelize's or w's error.
func (t *Table) WriteXLSX(w io.Writer) error { return WriteXLSXRows(w, t.Title, t.Columns, t.rows) }

// WriteXLSXRows is WriteXLSX for a table whose rows come from rows, one at
// a time: excelize's StreamWriter spills them to a temp file past 16 MiB,
// so memory stays flat whatever the number of rows.
func WriteXLSXRows(w io.Writer, title string, columns []TableColumn, rows RowSource) error {
	t := &Table{Title: title, Columns: columns}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	if t.Title != "" {
		name := []rune(sanitizeSheet(t.Title))
		if len(name) > 31 {
			name = name[:31]
		}
		if err := f.SetSheetName(sheet, string(name)); err != nil {
			return err
		}
		sheet = string(name)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range t.Columns {
		width := 12.0
		if c.Kind == KindText {
			width = 24
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	row := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		row[i] = excelize.Cell{StyleID: bold, Value: Neutralize(c.Title)}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	n := 0
	if err := rows(func(r []any) error {
		for i, c := range t.Columns {
			v := r[i]
			if p, ok := v.(*float64); ok { // a rate: nil is unknown, an empty cell
				v = nil
				if p != nil {
					v = *p
				}
			}
			switch v := v.(type) {
			case string:
				row[i] = Neutralize(v)
			case float64:
				if c.Kind == KindPercent {
					row[i] = excelize.Cell{StyleID: pct, Value: v / 100}
				} else {
					row[i] = v
				}
			case bool:
				row[i] = cellText(v)
			default:
				row[i] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		n++
		return sw.SetRow(cell, row)
	}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// sanitizeSheet drops the characters Excel forbids in sheet names.
func sanitizeSheet(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			out = append(out, '_')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// SectorTable returns the sector dashboard as a table.
func SectorTable(d *SectorDashboard) *Table {
	t := &Table{Title: "分行业复工备案 " + d.AsOf, Columns: sectorColumns(true)}
	for _, r := range d.Sectors {
		t.Rows = append(t.Rows, sectorCells(r, true))
	}
	return t
}

func sectorColumns(withName bool) []TableColumn {
	cols := []TableColumn{}
	if withName {
		cols = append(cols, TableColumn{"key", "口径 key", KindText}, TableColumn{"name", "口径", KindText})
	}
	return append(cols,
		TableColumn{"total", "企业总数", KindInt},
		TableColumn{"submitted", "已提交", KindInt},
		TableColumn{"approved", "已审批", KindInt},
		TableColumn{"returned", "退回整改", KindInt},
		TableColumn{"resumed", "已复工", KindInt},
		TableColumn{"rate", "审批率", KindPercent},
		TableColumn{"resumed_rate", "复工率", KindPercent},
		TableColumn{"on_time_rate", "按期审批率", KindPercent},
	)
}

func sectorCells(r SectorRow, withName bool) []any {
	var c []any
	if withName {
		c = append(c, r.Key, r.Name)
	}
	return append(c, r.Total, r.Submitted, r.Approved, r.Returned, r.Resumed, r.Rate, r.ResumedRate, r.OnTimeRate)
}

// StreetTable returns the street dashboard as a table.
func StreetTable(d *StreetDashboard) *Table {
	cols := append([]TableColumn{{"street", "街道代码", KindText}, {"name", "街道", KindText}, {"zone", "片区", KindText}}, sectorColumns(false)...)
	cols = append(cols, TableColumn{"problems_found", "发现问题", KindInt}, TableColumn{"problems_rectified", "已整改", KindInt},
		TableColumn{"problems_rate", "整改率", KindPercent})
	t := &Table{Title: "分街道复工备案 " + d.Sector + " " + d.AsOf, Columns: cols}
	for _, r := range d.Streets {
		row := append([]any{r.Street, r.Name, r.Zone}, sectorCells(r.SectorRow, false)...)
		row = append(row, r.Problems.Found, r.Problems.Rectified, r.Problems.Rate)
		t.Rows = append(t.Rows, row)
	}
	return t
}

// TrendTable returns a trend as a table.
func TrendTable(tr *Trend) *Table {
	t := &Table{Title: "审批趋势 " + tr.Sector, Columns: []TableColumn{{"date", "日期", KindDate},
		{"approved", "累计审批", KindInt}, {"total", "企业总数", KindInt}, {"rate", "审批率", KindPercent}}}
	for _, p := range tr.Points {
		t.Rows = append(t.Rows, []any{p.Date, p.Approved, p.Total, p.Rate})
	}
	return t
}
