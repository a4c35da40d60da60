package sheet

import (
	"strings"

	"fugong/internal/apperror"
)

// Column declares one column a consumer understands.
type Column struct {
	Key      string   // canonical key, e.g. "credit_code"; also accepted as a header
	Aliases  []string // other accepted headers, e.g. "统一社会信用代码"; traditional spellings match through Fold
	Required bool
}

// Header maps canonical column keys to positions in one file's header.
type Header struct {
	index   map[string]int
	written map[string]string
}

// Bind matches the reader's header against cols: each header cell is
// compared with each column's key and aliases after Fold (so case, spaces,
// a unit note and traditional characters do not matter); unknown columns
// are ignored. It returns an *apperror.Error code Invalid, with one detail
// per problem on row 1, when required columns are missing (one error
// naming all of them) or two header cells name the same column.
func (r *Reader) Bind(cols []Column) (Header, error) {
	lookup := make(map[string]string, len(cols)*3)
	for _, c := range cols {
		lookup[Fold(c.Key)] = c.Key
		for _, a := range c.Aliases {
			lookup[Fold(a)] = c.Key
		}
	}
	h := Header{index: make(map[string]int, len(cols)), written: make(map[string]string, len(cols))}
	var details []apperror.Detail
	for i, cell := range r.header {
		key, ok := lookup[Fold(cell)]
		if !ok {
			continue
		}
		if j, dup := h.index[key]; dup {
			details = append(details, apperror.Detail{Row: 1, Column: cell,
				Message: "列“" + cell + "”与第 " + columnLetter(j) + " 列“" + r.header[j] + "”重复 / column \"" + cell + "\" duplicates column " + columnLetter(j) + " \"" + r.header[j] + "\""})
			continue
		}
		h.index[key] = i
		h.written[key] = cell
	}
	var missing []string
	for _, c := range cols {
		if _, ok := h.index[c.Key]; c.Required && !ok {
			name := c.Key
			if len(c.Aliases) > 0 {
				name = c.Aliases[0] + " / " + c.Key
			}
			missing = append(missing, name)
			details = append(details, apperror.Detail{Row: 1, Column: c.Key,
				Message: "缺少必填列“" + name + "” / required column \"" + name + "\" is missing"})
		}
	}
	if len(details) > 0 {
		msg := "表头有误 / the header row is wrong"
		if len(missing) > 0 {
			msg = "缺少必填列：" + strings.Join(missing, "，") + " / missing required columns: " + strings.Join(missing, ", ")
		}
		return Header{}, apperror.WithDetails(apperror.Invalid, msg, details)
	}
	return h, nil
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
