// Package sheet reads a tabular upload (CSV or XLSX) row by row, without
// holding the file in memory. It owns format detection by content, text
// encoding detection for CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), the
// limits that keep a hostile file from exhausting the server (row cap, ZIP
// bomb limits, context deadline, recover around excelize), and header
// lookup by aliases. It knows nothing of what the columns mean: registry
// and roster do.
//
// Row numbers are those a spreadsheet shows: the header is row 1, the first
// data row is row 2. Rows whose cells are all blank are skipped but still
// counted, so numbers keep matching what the clerk sees.
package sheet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"fugong/internal/apperror"
)

// Format is the detected format of an upload.
type Format int

// The formats sheet reads.
const (
	CSV Format = iota + 1
	XLSX
)

// String returns "csv" or "xlsx".
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case XLSX:
		return "xlsx"
	}
	return "unknown"
}

// Encoding is the detected text encoding of a CSV upload.
type Encoding string

// The encodings sheet recognises in CSV files.
const (
	UTF8    Encoding = "utf-8"
	UTF8BOM Encoding = "utf-8-bom"
	GB18030 Encoding = "gb18030" // also covers GBK and GB2312, its subsets
)

// Defaults for Options fields left zero.
const (
	// DefaultMaxRows caps data rows (the header excluded). The largest real
	// table fugong reads is the zone's enterprise registry (about 40,000
	// rows: 37,687 service enterprises plus industry and construction), so
	// 200,000 leaves a fivefold margin while bounding memory and time.
	DefaultMaxRows = 200_000
	// DefaultUnzipSizeLimit bounds the total inflated size of an XLSX. A
	// 200,000-row sheet of ten text columns inflates to roughly 100 MiB.
	DefaultUnzipSizeLimit = 256 << 20
	// DefaultUnzipXMLSizeLimit is the size above which excelize spools a
	// worksheet or shared-string part to a temporary file instead of memory.
	DefaultUnzipXMLSizeLimit = 16 << 20
	// MaxColumns bounds the cells of one row; a wider row is a broken or
	// hostile file, not a roster.
	MaxColumns = 256
)

// Options tunes a Reader. The zero value uses the defaults above.
type Options struct {
	MaxRows           int   // data rows allowed; 0 → DefaultMaxRows
	UnzipSizeLimit    int64 // XLSX total inflated bytes; 0 → DefaultUnzipSizeLimit
	UnzipXMLSizeLimit int64 // XLSX part size kept in memory; 0 → DefaultUnzipXMLSizeLimit
	// DetectFormulas makes Open locate the formula cells of an XLSX,
	// reported by Reader.Formulas. Open always inflates the worksheet once
	// more to verify it (a byte scan at memory speed); the XML is decoded a
	// second time only when that scan sees a formula marker.
	DetectFormulas bool
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.UnzipSizeLimit <= 0 {
		o.UnzipSizeLimit = DefaultUnzipSizeLimit
	}
	if o.UnzipXMLSizeLimit <= 0 {
		o.UnzipXMLSizeLimit = DefaultUnzipXMLSizeLimit
	}
	if o.UnzipXMLSizeLimit > o.UnzipSizeLimit {
		o.UnzipXMLSizeLimit = o.UnzipSizeLimit
	}
	return o
}

// Row is one non-blank data row. Cells is reused by the next call to
// Reader.Next: copy what you keep (the strings themselves are immutable
// and may be kept).
type Row struct {
	Number int      // the row number a spreadsheet shows (header = 1)
	Cells  []string // raw cell texts, not trimmed; may be shorter than the header
}

// Cell returns the trimmed text of cell i, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// Cell locates one cell of a sheet: Row as a spreadsheet shows it, Col
// counted from 0.
type Cell struct {
	Row int
	Col int
}

// source yields raw records; io.EOF ends the table.
type source interface {
	next() ([]string, error)
	close() error
}

// Reader reads a tabular upload row by row. It is not safe for concurrent
// use. Call Close when done.
type Reader struct {
	ctx      context.Context
	opts     Options
	format   Format
	encoding Encoding
	src      source
	header   []string
	formulas []Cell
	row      Row
	rowNum   int
	data     int
	err      error
}

// Open detects the format of the file at path by its content and reads
// its header row. Errors are *apperror.Error: Unsupported for a file that
// is neither CSV text nor an XLSX workbook (PDF, images, legacy .xls,
// UTF-16 text…), Invalid for an empty file, a file without a header row, a
// CSV with a NUL byte or a BOM followed by non-UTF-8 bytes, or a damaged
// XLSX, TooLarge for an XLSX that inflates beyond the limits or a context
// that expires; a failure to open path is returned as Internal.
func Open(ctx context.Context, path string, opts Options) (*Reader, error) {
	opts = opts.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "无法打开上传文件 / cannot open the uploaded file")
	}
	var head [8]byte
	n, _ := io.ReadFull(f, head[:])
	f.Close()
	magic := head[:n]
	r := &Reader{ctx: ctx, opts: opts}
	if err := sniffBinary(magic); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(magic, []byte("PK\x03\x04")) || bytes.HasPrefix(magic, []byte("PK\x05\x06")) {
		r.format = XLSX
		src, formulas, err := openXLSX(ctx, path, opts)
		if err != nil {
			return nil, err
		}
		r.src, r.formulas = src, formulas
	} else {
		r.format = CSV
		src, enc, err := openCSV(path)
		if err != nil {
			return nil, err
		}
		r.src, r.encoding = src, enc
	}
	if err := r.readHeader(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// sniffBinary refuses well-known non-tabular formats by their magic bytes,
// so a PDF renamed .csv gets a message that names what it is.
func sniffBinary(b []byte) error {
	kinds := []struct {
		magic, what string
	}{
		{"%PDF", "PDF"},
		{"\xD0\xCF\x11\xE0", "旧版 Excel (.xls) 或加密的工作簿 / legacy .xls or encrypted workbook"},
		{"\x89PNG", "PNG"},
		{"\xFF\xD8\xFF", "JPEG"},
		{"GIF8", "GIF"},
		{"\x1F\x8B", "gzip"},
		{"Rar!", "RAR"},
		{"7z\xBC\xAF", "7z"},
		{"\xFF\xFE", "UTF-16 文本 / UTF-16 text"},
		{"\xFE\xFF", "UTF-16 文本 / UTF-16 text"},
	}
	for _, k := range kinds {
		if bytes.HasPrefix(b, []byte(k.magic)) {
			return apperror.New(apperror.Unsupported,
				"不支持的文件类型（%s），请上传 CSV 或 XLSX / unsupported file type (%s); upload CSV or XLSX", k.what, k.what)
		}
	}
	return nil
}

func (r *Reader) readHeader() error {
	for {
		cells, err := r.src.next()
		if err == io.EOF {
			return apperror.New(apperror.Invalid, "文件为空，缺少表头 / the file is empty: no header row")
		}
		if err != nil {
			return err
		}
		r.rowNum++
		if blank(cells) {
			if r.rowNum == 1 {
				// The header must be row 1 so that row numbers match; a blank
				// first row means the clerk's table starts lower.
				continue
			}
			continue
		}
		if r.rowNum != 1 {
			return apperror.WithDetails(apperror.Invalid,
				"表头必须在第 1 行 / the header must be on row 1",
				[]apperror.Detail{{Row: r.rowNum, Message: "表头必须在第 1 行，请删除上方空行 / the header must be on row 1; delete the blank rows above it"}})
		}
		r.header = make([]string, len(cells))
		for i, c := range cells {
			r.header[i] = strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF"))
		}
		return nil
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Format returns the detected format.
func (r *Reader) Format() Format { return r.format }

// Encoding returns the detected text encoding of a CSV ("" for XLSX).
func (r *Reader) Encoding() Encoding { return r.encoding }

// Header returns the header cells as written in the file (trimmed).
func (r *Reader) Header() []string { return r.header }

// Formulas returns the formula cells of an XLSX opened with
// Options.DetectFormulas (at most 1,000 of them), in sheet order; nil
// otherwise.
func (r *Reader) Formulas() []Cell { return r.formulas }

// ColumnName returns the header of column col as written, or its letter
// ("K") when the header has no such column or it is blank.
func (r *Reader) ColumnName(col int) string {
	if col >= 0 && col < len(r.header) && r.header[col] != "" {
		return r.header[col]
	}
	return columnLetter(col)
}

func columnLetter(col int) string {
	n := col + 1
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// Next advances to the next non-blank data row. It returns false at the
// end of the table or on an error, which Err then reports.
func (r *Reader) Next() bool {
	for r.err == nil {
		if r.rowNum%256 == 0 {
			if err := r.ctx.Err(); err != nil {
				r.err = ctxError(err)
				return false
			}
		}
		cells, err := r.src.next()
		if err == io.EOF {
			return false
		}
		if err != nil {
			r.err = err
			return false
		}
		r.rowNum++
		if blank(cells) {
			continue
		}
		if len(cells) > MaxColumns {
			r.err = apperror.WithDetails(apperror.Invalid, "行的列数过多 / a row has too many columns",
				[]apperror.Detail{{Row: r.rowNum, Message: "本行超过 256 列 / this row has more than 256 columns"}})
			return false
		}
		r.data++
		if r.data > r.opts.MaxRows {
			r.err = apperror.New(apperror.TooLarge,
				"数据行超过上限 %d 行 / more than %d data rows", r.opts.MaxRows, r.opts.MaxRows)
			return false
		}
		r.row = Row{Number: r.rowNum, Cells: cells}
		return true
	}
	return false
}

// Row returns the current row; valid until the next call to Next.
func (r *Reader) Row() Row { return r.row }

// Err returns the error that stopped Next, or nil at a clean end. It is an
// *apperror.Error (Invalid, TooLarge) as documented on Open.
func (r *Reader) Err() error { return r.err }

// Close releases the file and any temporary files excelize made.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	return err
}

func ctxError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return apperror.Wrap(err, apperror.TooLarge, "文件处理超时，请拆分后上传 / the file took too long to process; split it and upload again")
	}
	return apperror.Wrap(err, apperror.Unavailable, "处理已取消 / processing was cancelled")
}
