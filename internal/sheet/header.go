package sheet

import (
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// Column declares one column a consumer understands.
type Column struct {
	Key      string   // canonical key, e.g. "credit_code"; also accepted as a header
	Aliases  []string // other accepted headers, e.g. "统一社会信用代码"; compared after FoldHeader
	Required bool
	// Label names the column in messages; zero means Aliases[0] in Chinese
	// and Key in English.
	Label msg.Message
}

// In renders the column's name for messages in l.
func (c Column) In(l msg.Lang) string {
	if c.Label.Code() != "" {
		return c.Label.In(l)
	}
	if l == msg.ZH && len(c.Aliases) > 0 {
		return c.Aliases[0]
	}
	return c.Key
}

// UsedColumn is a header cell bound to a field.
type UsedColumn struct {
	Column string `json:"column"` // as written in the file
	Letter string `json:"letter"` // A, B, …
	Field  string `json:"field"`  // the canonical key it fills
}

// IgnoredColumn is a header cell no field reads.
type IgnoredColumn struct {
	Column string `json:"column"`
	Letter string `json:"letter"`
}

// Layout is what an upload answer tells the clerk about how the file was
// read: which sheet, where the header was, which columns filled which field,
// which were ignored and which rows were passed over as not data. Nothing is
// dropped without appearing here.
type Layout struct {
	Sheet     string          `json:"sheet,omitempty"`
	HeaderRow int             `json:"header_row"`
	Used      []UsedColumn    `json:"used"`
	Ignored   []IgnoredColumn `json:"ignored"`
	Skipped   []Skipped       `json:"skipped,omitempty"`
}

// Header maps canonical column keys to positions in one file's header.
type Header struct {
	index   map[string]int
	written map[string]string
	layout  Layout
}

type matcher struct {
	cols   []Column
	lookup map[string]string
}

func newMatcher(cols []Column) matcher {
	m := matcher{cols: cols, lookup: make(map[string]string, len(cols)*8)}
	for _, c := range cols {
		m.lookup[FoldHeader(c.Key)] = c.Key
		for _, a := range c.Aliases {
			m.lookup[FoldHeader(a)] = c.Key
		}
	}
	return m
}

// score counts the distinct columns a row names and whether it names every
// required one.
func (m matcher) score(cells []string) (int, bool) {
	seen := make(map[string]bool, len(m.cols))
	for _, c := range cells {
		if k, ok := m.lookup[FoldHeader(c)]; ok {
			seen[k] = true
		}
	}
	for _, c := range m.cols {
		if c.Required && !seen[c.Key] {
			return len(seen), false
		}
	}
	return len(seen), len(seen) > 0
}

// Bind finds the header row and binds it to cols. The header is the first
// row, within the first 30 rows of a sheet, that names every required
// column (header cells are compared with each column's key and aliases
// after FoldHeader, so spaces, U+3000, width, case, "*", "（必填）", a unit
// note and traditional characters do not matter); rows above it (titles,
// unit and date lines, blank rows) are passed over. In an XLSX the sheet is
// the first visible sheet that has such a header. Unknown columns are kept
// in Layout().Ignored. It returns an *apperror.Error code Invalid naming the
// sheet and row: when no row names every required column (one error naming
// the missing ones of the best candidate row, or saying no header was found
// at all) or when two header cells name the same column.
func (r *Reader) Bind(cols []Column) (Header, error) {
	m := newMatcher(cols)
	type candidate struct {
		sheet string
		row   int
		score int
		cells []string
	}
	var best candidate
	var sheets []any
	for {
		sheets = append(sheets, r.table)
		for i, rr := range r.buf {
			n, ok := m.score(rr.cells)
			if ok {
				// A sub-header row below (体温, 健康码 under a merged
				// 健康情况) names more columns when merged with this one.
				if i+1 < len(r.buf) {
					both := mergeDown(rr.cells, r.buf[i+1].cells)
					if n2, _ := m.score(both); n2 > n {
						r.useMerged(i+1, both)
						return r.bind(m)
					}
				}
				r.setHeader(i)
				return r.bind(m)
			}
			// A two-row header: cells merged down over both rows hold
			// their text in the upper row only ("姓名" over rows 3–4,
			// "健康情况" over 体温 and 健康码 on row 4).
			if i > 0 && !blank(r.buf[i-1].cells) {
				if both := mergeDown(r.buf[i-1].cells, rr.cells); func() bool { _, ok := m.score(both); return ok }() {
					r.useMerged(i, both)
					return r.bind(m)
				}
			}
			if n > best.score {
				best = candidate{sheet: r.table, row: rr.number, score: n, cells: rr.cells}
			}
		}
		if r.xlsx == nil || !r.xlsx.hasNext() {
			break
		}
		if err := r.xlsx.nextSheet(); err != nil {
			return Header{}, err
		}
		r.table = r.xlsx.sheetName()
		var err error
		if r.formulas, err = scanFormulas(r.ctx, r.xlsx.file, r.xlsx.part(), r.opts, r.xlsx.rows); err != nil {
			return Header{}, err
		}
		if err := r.fill(); err != nil {
			return Header{}, err
		}
	}
	if best.score == 0 {
		var names msg.List
		for _, c := range cols {
			if c.Required {
				names = append(names, c)
			}
		}
		var where any = msgTheFile
		if r.format == XLSX {
			var ss msg.List
			for _, s := range sheets {
				ss = append(ss, "“"+s.(string)+"”")
			}
			where = msgSheets.With(ss)
		}
		return Header{}, apperror.WithText(apperror.Invalid, msgNoHeader.With(where, headerScanRows, names),
			[]apperror.Detail{Detail(1, "", msgNoHeader.With(where, headerScanRows, names))})
	}
	// Report against the best candidate so the clerk sees what was found.
	r.table = best.sheet
	r.header = best.cells
	r.headerRow = best.row
	_, err := r.bind(m)
	return Header{}, err
}

func (r *Reader) where() msg.Text {
	if r.format == XLSX {
		return msgWhere.With(r.table, r.headerRow)
	}
	return msgWhereCSV.With(r.headerRow)
}

// bind binds the chosen header row.
func (r *Reader) bind(m matcher) (Header, error) {
	h := Header{index: make(map[string]int, len(m.cols)), written: make(map[string]string, len(m.cols)),
		layout: Layout{Sheet: r.table, HeaderRow: r.headerRow, Used: []UsedColumn{}, Ignored: []IgnoredColumn{}}}
	var details []apperror.Detail
	for i, cell := range r.header {
		key, ok := m.lookup[FoldHeader(cell)]
		if !ok {
			if cell != "" {
				h.layout.Ignored = append(h.layout.Ignored, IgnoredColumn{Column: cell, Letter: columnLetter(i)})
			}
			continue
		}
		if j, dup := h.index[key]; dup {
			details = append(details, Detail(r.headerRow, cell, msgDuplicateColumn.With(cell, columnLetter(j), r.header[j])))
			continue
		}
		h.index[key] = i
		h.written[key] = cell
		h.layout.Used = append(h.layout.Used, UsedColumn{Column: cell, Letter: columnLetter(i), Field: key})
	}
	var missing msg.List
	for _, c := range m.cols {
		if _, ok := h.index[c.Key]; c.Required && !ok {
			missing = append(missing, c)
			details = append(details, Detail(r.headerRow, c.Key, msgMissingColumn.With(c)))
		}
	}
	if len(details) > 0 {
		t := msgHeaderWrong.With(r.where())
		if len(missing) > 0 {
			t = msgMissingColumns.With(r.where(), missing)
		}
		return Header{}, apperror.WithText(apperror.Invalid, t, details)
	}
	return h, nil
}

// Layout returns how the file was read; its Skipped rows are those Next has
// passed so far, so call it after the last Next.
func (r *Reader) Layout(h Header) Layout {
	l := h.layout
	l.Skipped = r.skipped
	return l
}

// Has reports whether the file has the column.
func (h Header) Has(key string) bool {
	_, ok := h.index[key]
	return ok
}

// Get returns the trimmed text of the column in row, or "" when the file
// has no such column or the row is shorter.
func (h Header) Get(row Row, key string) string {
	i, ok := h.index[key]
	if !ok {
		return ""
	}
	return row.Cell(i)
}

// Index returns the column's position, or -1 when the file lacks it.
func (h Header) Index(key string) int {
	if i, ok := h.index[key]; ok {
		return i
	}
	return -1
}

// Name returns the header of the column as written in the file, for
// messages; the key itself when the file lacks the column.
func (h Header) Name(key string) string {
	if w, ok := h.written[key]; ok {
		return w
	}
	return key
}

// mergeDown fills the empty cells of lower with the cells above them.
func mergeDown(upper, lower []string) []string {
	out := make([]string, max(len(upper), len(lower)))
	for j := range out {
		if j < len(lower) && strings.TrimSpace(lower[j]) != "" {
			out[j] = lower[j]
		} else if j < len(upper) {
			out[j] = upper[j]
		}
	}
	return out
}

// useMerged makes buffered row i the header row with the merged cells.
func (r *Reader) useMerged(i int, cells []string) {
	r.setHeader(i)
	r.header = make([]string, len(cells))
	for j, c := range cells {
		r.header[j] = strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF"))
	}
}
