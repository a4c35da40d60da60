// Package export owns how fugong writes tables for spreadsheet programs:
// CSV in UTF-8 with a byte-order mark (so Excel on Chinese Windows reads it
// as UTF-8, not GBK) and every cell neutralised against formula injection.
package export

import (
	"encoding/csv"
	"io"
)

// Cell stops spreadsheet formula injection: a cell beginning with = + - @
// (or a tab or carriage return) is prefixed with a quote, so a spreadsheet
// shows it as text instead of evaluating it.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// BOM is the UTF-8 byte-order mark a spreadsheet CSV starts with.
const BOM = "\uFEFF"

// StartCSV writes the BOM to w and returns a CSV writer over it, for tables
// that mix text (pass it through Cell) and numbers (written as they are).
func StartCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	return csv.NewWriter(w), nil
}

// CSV writes records as CSV for spreadsheets: the byte-order mark first,
// then each record with every cell passed through Cell. It is for tables of
// text; a column of negative numbers would be quoted.
type CSV struct {
	w       *csv.Writer
	started bool
	out     io.Writer
	err     error
}

// NewCSV returns a CSV writing to w.
func NewCSV(w io.Writer) *CSV { return &CSV{w: csv.NewWriter(w), out: w} }

// Write writes one record (the BOM before the first). Errors are kept and
// returned by Flush.
func (c *CSV) Write(record []string) {
	if c.err != nil {
		return
	}
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.out, BOM); err != nil {
			c.err = err
			return
		}
	}
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = Cell(s)
	}
	c.err = c.w.Write(safe)
}

// Flush writes any buffered data and returns the first error of any write.
func (c *CSV) Flush() error {
	if c.err != nil {
		return c.err
	}
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.out, BOM); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}
