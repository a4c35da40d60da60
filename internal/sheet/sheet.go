// Package sheet reads a tabular upload (CSV or XLSX) row by row, without
// holding the file in memory. It owns format detection by content, text
// encoding detection for CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16
// with BOM; comma or tab separated), the limits that keep a hostile file
// from exhausting the server (row cap, ZIP bomb and shared-string limits,
// cell and line length, a process-wide cap on parses at once, context
// deadline, recover around excelize), and finding the table the way
// government templates lay it out: the header below title, unit and blank
// rows (two-row headers merged), on the first visible sheet that has one,
// matched against each column's aliases; totals rows and signature footers
// passed over and reported. It knows nothing of what the columns mean:
// registry and roster do.
//
// Row numbers are those a spreadsheet shows (the first line of the file is
// row 1). Rows whose cells are all blank are skipped but still counted, so
// numbers keep matching what the clerk sees.
package sheet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/parsegate"
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
	UTF16   Encoding = "utf-16"  // with a BOM, either byte order: Excel's "Unicode text"
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
	// DefaultUnzipXMLSizeLimit bounds each metadata part of an XLSX that
	// excelize is given (xlsx.go, metadataParts): worksheets and shared
	// strings never reach excelize, so it neither holds them in memory nor
	// spools them in clear to a temp file.
	DefaultUnzipXMLSizeLimit = 16 << 20
	// MaxColumns bounds the cells of one row; a wider row is a broken or
	// hostile file, not a roster.
	MaxColumns = 256
	// MaxCellBytes bounds one cell: Excel's own limit is 32,767 characters,
	// three bytes each for CJK in UTF-8.
	MaxCellBytes = 32767 * 3
	// MaxLineBytes bounds one CSV line (a record may span lines inside
	// quotes): 256 cells of a normal length fit many times over.
	MaxLineBytes = 1 << 20
	// DefaultMaxSharedStrings bounds the distinct texts of an XLSX: one per
	// cell of the largest table read (200,000 rows of ten text columns).
	DefaultMaxSharedStrings = 2_000_000
)

// Options tunes a Reader. The zero value uses the defaults above.
type Options struct {
	MaxRows           int   // data rows allowed; 0 → DefaultMaxRows
	UnzipSizeLimit    int64 // XLSX total inflated bytes; 0 → DefaultUnzipSizeLimit
	UnzipXMLSizeLimit int64 // XLSX metadata part size excelize reads; 0 → DefaultUnzipXMLSizeLimit
	// DetectFormulas makes Open locate the formula cells of an XLSX,
	// reported by Reader.Formulas. Open always inflates the worksheet once
	// more to verify it (a byte scan at memory speed); the XML is decoded a
	// second time only when that scan sees a formula marker.
	DetectFormulas bool
	// MaxSharedStrings bounds the XLSX shared-string table; 0 →
	// DefaultMaxSharedStrings.
	MaxSharedStrings int
	// Gate bounds concurrent parses; nil → parsegate.Process(), which plan
	// extraction shares.
	Gate *parsegate.Gate
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
	if o.Gate == nil {
		o.Gate = parsegate.Process()
	}
	if o.MaxSharedStrings <= 0 {
		o.MaxSharedStrings = DefaultMaxSharedStrings
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
	ctx       context.Context
	opts      Options
	format    Format
	encoding  Encoding
	src       source
	xlsx      *xlsxSource // src when the upload is an XLSX
	table     string      // the sheet read ("" for CSV)
	buf       []rawRow    // the top of the table, read ahead for the header search
	pending   []rawRow    // buffered rows after the header, not yet returned by Next
	header    []string
	headerRow int
	formulas  []Cell
	skipped   []Skipped
	release   func()       // gives back the Gate slot
	closeFile func() error // closes the file Open opened (nil for OpenFile)
	row       Row
	rowNum    int
	data      int
	err       error
}

// headerScanRows is how many rows at the top of a sheet are searched for
// the header: government templates put a title (often merged across the
// columns), a unit/date line and notes above it, rarely more than five rows.
const headerScanRows = 30

// File is an upload to read: random access to its bytes, and its size.
// An encrypted spool (internal/spool) is one; so is an *os.File with its
// size (Open).
type File interface {
	io.ReaderAt
	Size() int64
}

// osFile is an *os.File opened by Open, with its size.
type osFile struct {
	*os.File
	size int64
}

func (f osFile) Size() int64 { return f.size }

// Open is OpenFile on the file at path, which the Reader closes. A failure
// to open path is returned as Internal.
func Open(ctx context.Context, path string, opts Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotOpen)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotOpen)
	}
	r, err := OpenFile(ctx, osFile{f, st.Size()}, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closeFile = f.Close
	return r, nil
}

// OpenFile detects the format of file by its content and reads the top of
// its first table (the first visible sheet of an XLSX); Bind then finds the
// header row and, in an XLSX, the sheet that holds it. The Reader reads
// file through ReadAt and never closes it. Errors are *apperror.Error:
// Unsupported for a file that is neither CSV text nor an XLSX workbook
// (PDF, images, legacy .xls, UTF-16 text…), Invalid for an empty file, a CSV
// with a NUL byte, a line longer than MaxLineBytes or a BOM followed by
// non-UTF-8 bytes, or a damaged XLSX, TooLarge for an XLSX that inflates
// beyond the limits, holds more than MaxSharedStrings texts, or a context
// that expires.
func OpenFile(ctx context.Context, file File, opts Options) (*Reader, error) {
	opts = opts.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err)
	}
	var head [8]byte
	n, _ := file.ReadAt(head[:], 0)
	magic := head[:n]
	if err := sniffBinary(magic); err != nil {
		return nil, err
	}
	release, err := opts.Gate.Acquire(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctxError(ctx.Err())
		}
		return nil, err
	}
	r := &Reader{ctx: ctx, opts: opts, release: release}
	ok := false
	defer func() {
		if !ok {
			r.Close()
		}
	}()
	if bytes.HasPrefix(magic, []byte("PK\x03\x04")) || bytes.HasPrefix(magic, []byte("PK\x05\x06")) {
		r.format = XLSX
		src, err := openXLSX(ctx, file, opts)
		if err != nil {
			return nil, err
		}
		r.xlsx, r.src = src, src
		r.table = src.sheetName()
		if r.formulas, err = scanFormulas(ctx, file, src.part(), opts, src.rows); err != nil {
			return nil, err
		}
	} else {
		r.format = CSV
		src, enc, err := openCSV(file)
		if err != nil {
			return nil, err
		}
		r.src, r.encoding = src, enc
	}
	if err := r.fill(); err != nil {
		return nil, err
	}
	// A workbook whose first sheet is empty may hold its table on the next
	// one; Bind looks there.
	if r.firstNonBlank() < 0 && (r.xlsx == nil || !r.xlsx.hasNext()) {
		return nil, apperror.Msg(apperror.Invalid, msgEmpty)
	}
	r.setHeader(r.firstNonBlank())
	ok = true
	return r, nil
}

// rawRow is a row read ahead while searching for the header.
type rawRow struct {
	number int
	cells  []string
}

// fill reads the top of the current table into r.buf.
func (r *Reader) fill() error {
	r.buf = r.buf[:0]
	r.rowNum = 0
	for len(r.buf) < headerScanRows {
		cells, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		r.rowNum++
		r.buf = append(r.buf, rawRow{number: r.rowNum, cells: append([]string(nil), cells...)})
	}
	return nil
}

func (r *Reader) firstNonBlank() int {
	for i, rr := range r.buf {
		if !blank(rr.cells) {
			return i
		}
	}
	return -1
}

// setHeader makes buffered row i the header (-1: none) and queues the rows
// after it for Next.
func (r *Reader) setHeader(i int) {
	r.header, r.headerRow, r.pending = nil, 0, nil
	if i < 0 {
		return
	}
	r.headerRow = r.buf[i].number
	r.header = make([]string, len(r.buf[i].cells))
	for j, c := range r.buf[i].cells {
		r.header[j] = strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF"))
	}
	r.pending = r.buf[i+1:]
}

// sniffBinary refuses well-known non-tabular formats by their magic bytes,
// so a PDF renamed .csv gets a message that names what it is.
func sniffBinary(b []byte) error {
	kinds := []struct {
		magic string
		what  any
	}{
		{"%PDF", "PDF"},
		{"\xD0\xCF\x11\xE0", msgKindXLS},
		{"\x89PNG", "PNG"},
		{"\xFF\xD8\xFF", "JPEG"},
		{"GIF8", "GIF"},
		{"\x1F\x8B", "gzip"},
		{"Rar!", "RAR"},
		{"7z\xBC\xAF", "7z"},
	}
	for _, k := range kinds {
		if bytes.HasPrefix(b, []byte(k.magic)) {
			return apperror.Msg(apperror.Unsupported, msgUnsupported, k.what)
		}
	}
	return nil
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

// HeaderRow returns the row number of the header as a spreadsheet shows it.
func (r *Reader) HeaderRow() int { return r.headerRow }

// SheetName returns the name of the sheet read ("" for a CSV).
func (r *Reader) SheetName() string { return r.table }

// InSheet returns the prefix that names the sheet read (工作表“台账”：) for
// a message about the whole table, so a clerk with a workbook of several
// sheets knows which one the rows are in; "" for a CSV or text file. It
// never fails.
func (r *Reader) InSheet() any {
	if r.format != XLSX || r.table == "" {
		return ""
	}
	return msgInSheet.With(r.table)
}

// Date1904 reports whether the workbook counts date serials from 1904 (the
// old Mac Excel system); false for CSV.
func (r *Reader) Date1904() bool { return r.xlsx != nil && r.xlsx.date1904 }

// Skipped returns the rows Next passed over as not data (totals and
// signature footers) so far.
func (r *Reader) Skipped() []Skipped { return r.skipped }

// Formulas returns the formula cells of the sheet read from an XLSX opened
// with Options.DetectFormulas (at most 1,000 of them), in sheet order; nil
// otherwise. Call it after Bind: the sheet is chosen there.
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

// nextRaw returns the next raw row: buffered ones first, then the source.
func (r *Reader) nextRaw() ([]string, int, error) {
	if len(r.pending) > 0 {
		rr := r.pending[0]
		r.pending = r.pending[1:]
		return rr.cells, rr.number, nil
	}
	cells, err := r.src.next()
	if err != nil {
		return nil, 0, err
	}
	r.rowNum++
	return cells, r.rowNum, nil
}

// Next advances to the next non-blank data row, passing over totals rows
// and signature footers (see Skipped). It returns false at the end of the
// table or on an error, which Err then reports.
func (r *Reader) Next() bool {
	for n := 0; r.err == nil; n++ {
		if n%256 == 0 {
			if err := r.ctx.Err(); err != nil {
				r.err = ctxError(err)
				return false
			}
		}
		cells, num, err := r.nextRaw()
		if err == io.EOF {
			return false
		}
		if err != nil {
			r.err = err
			return false
		}
		if blank(cells) {
			continue
		}
		if len(cells) > MaxColumns {
			r.err = apperror.WithText(apperror.Invalid, msgTooManyCols.With(),
				[]apperror.Detail{Detail(num, "", msgTooManyColsRow.With(MaxColumns))})
			return false
		}
		if why, ok := notData(cells); ok {
			r.skipped = append(r.skipped, Skipped{Row: num, Code: why.Code(), Note: why.In(msg.ZH), Reason: why})
			continue
		}
		r.data++
		if r.data > r.opts.MaxRows {
			r.err = apperror.Msg(apperror.TooLarge, msgTooManyRows, r.opts.MaxRows)
			return false
		}
		r.row = Row{Number: num, Cells: cells}
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
	if r.release != nil {
		r.release()
		r.release = nil
	}
	var err error
	if r.src != nil {
		err = r.src.close()
		r.src = nil
	}
	if r.closeFile != nil {
		if cerr := r.closeFile(); err == nil {
			err = cerr
		}
		r.closeFile = nil
	}
	return err
}

func ctxError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return apperror.WrapMsg(err, apperror.TooLarge, msgTimeout)
	}
	return apperror.WrapMsg(err, apperror.Unavailable, msgCancelled)
}
