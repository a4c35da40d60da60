package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"fugong/internal/apperror"
)

// maxFormulaCells bounds what Formulas reports: enough to show a clerk
// every offending cell of a normal sheet, bounded for a hostile one.
const maxFormulaCells = 1000

func damaged(err error) *apperror.Error {
	return apperror.WrapMsg(err, apperror.Invalid, msgXLSXDamaged)
}

// guard runs fn and turns a panic inside excelize into a damaged-file error:
// excelize has had many crash advisories on malformed input, and one bad
// upload must not take the server down.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = damaged(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	return fn()
}

// xlsxSource reads the visible sheets of a workbook one after the other
// (Bind moves on when a sheet holds no header).
type xlsxSource struct {
	file     File
	opts     Options
	f        *excelize.File
	zr       *zip.Reader
	sst      []string
	rows     *sheetRows
	sheets   []string // visible sheets, workbook order
	indexes  []int    // their positions among all sheets
	cur      int
	date1904 bool
	parts    []string // worksheet part of every sheet, workbook order
}

func openXLSX(ctx context.Context, file File, opts Options) (*xlsxSource, error) {
	if err := checkPackage(ctx, file, opts); err != nil {
		return nil, err
	}
	var f *excelize.File
	err := guard(func() error {
		meta, err := metadataPackage(file, opts)
		if err != nil {
			return err
		}
		f, err = excelize.OpenReader(meta, excelize.Options{
			UnzipSizeLimit:    opts.UnzipSizeLimit,
			UnzipXMLSizeLimit: opts.UnzipXMLSizeLimit,
		})
		return err
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, apperror.WrapMsg(err, apperror.TooLarge, msgXLSXInflates, opts.UnzipSizeLimit>>20)
		}
		if apperror.As(err) != nil {
			return nil, err
		}
		return nil, damaged(err)
	}
	src := &xlsxSource{file: file, f: f, opts: opts}
	err = guard(func() error {
		all := f.GetSheetList()
		for i, name := range all {
			if v, err := f.GetSheetVisible(name); err == nil && !v {
				continue
			}
			src.sheets = append(src.sheets, name)
			src.indexes = append(src.indexes, i)
		}
		if len(src.sheets) == 0 && len(all) > 0 {
			src.sheets, src.indexes = all[:1], []int{0}
		}
		if len(src.sheets) == 0 {
			return apperror.Msg(apperror.Unsupported, msgNotWorkbook)
		}
		if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
			src.date1904 = *p.Date1904
		}
		return src.openRows()
	})
	if err != nil {
		src.close()
		if apperror.As(err) != nil {
			return nil, err
		}
		return nil, damaged(err)
	}
	return src, nil
}

func (s *xlsxSource) sheetName() string { return s.sheets[s.cur] }

func (s *xlsxSource) hasNext() bool { return s.cur+1 < len(s.sheets) }

// nextSheet moves to the next visible sheet.
func (s *xlsxSource) nextSheet() error {
	if s.rows != nil {
		s.rows.close()
		s.rows = nil
	}
	s.cur++
	return s.openRows()
}

// openRows opens the current sheet's worksheet part for scanning, reading
// the shared strings first when the workbook has them.
func (s *xlsxSource) openRows() error {
	if s.zr == nil {
		zr, err := zip.NewReader(s.file, s.file.Size())
		if err != nil {
			return damaged(err)
		}
		s.zr = zr
		if zf := findPart(zr, "xl/sharedStrings.xml"); zf != nil {
			if s.sst, err = readSharedStrings(zf, s.opts.UnzipSizeLimit, s.opts.MaxSharedStrings); err != nil {
				return err
			}
		}
	}
	part := s.part()
	zf := findPart(s.zr, part)
	if part == "" || zf == nil {
		return damaged(fmt.Errorf("worksheet part %q missing", part))
	}
	rows, err := openSheetRows(zf, s.opts.UnzipSizeLimit, s.sst)
	if err != nil {
		return err
	}
	s.rows = rows
	return nil
}

// part returns the zip path of the current sheet's worksheet.
func (s *xlsxSource) part() string {
	if s.parts == nil {
		if s.zr != nil {
			s.parts, _ = sheetParts(s.zr)
		} else if zr, err := zip.NewReader(s.file, s.file.Size()); err == nil {
			s.parts, _ = sheetParts(zr)
		}
	}
	if i := s.indexes[s.cur]; i < len(s.parts) {
		return s.parts[i]
	}
	return ""
}

func (s *xlsxSource) next() ([]string, error) {
	cells, err := s.rows.row()
	if err != nil {
		return nil, err
	}
	for _, c := range cells {
		if len(c) > MaxCellBytes {
			return nil, msgCellTooLongErr()
		}
	}
	return cells, nil
}

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.close()
	}
	_ = guard(func() error {
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		return nil
	})
	return err
}

// checkPackage reads the ZIP directory and refuses a ZIP that is not a
// workbook before excelize spends any effort on it; then it streams the
// shared-string table (excelize decodes it whole, so a few hundred KiB of
// compressed tiny strings could cost minutes and hundreds of MiB) and
// refuses one with more than MaxSharedStrings entries or a string longer
// than MaxCellBytes.
func checkPackage(ctx context.Context, file File, opts Options) error {
	zr, err := zip.NewReader(file, file.Size())
	if err != nil {
		return damaged(err)
	}
	if findPart(zr, "xl/workbook.xml") == nil {
		return apperror.Msg(apperror.Unsupported, msgNotWorkbook)
	}
	// The declared inflated size of the whole package, before inflating
	// any of it (a part that inflates past what it declares fails in the
	// zip reader as damaged).
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(opts.UnzipSizeLimit) {
			return apperror.Msg(apperror.TooLarge, msgXLSXInflates, opts.UnzipSizeLimit>>20)
		}
	}
	sst := findPart(zr, "xl/sharedStrings.xml")
	if sst == nil {
		return nil
	}
	rc, err := sst.Open()
	if err != nil {
		return damaged(err)
	}
	defer rc.Close()
	return scanParts(ctx, io.LimitReader(rc, opts.UnzipSizeLimit), opts.MaxSharedStrings)
}

// scanParts counts <si> elements and the longest text between two tags.
func scanParts(ctx context.Context, in io.Reader, maxStrings int) error {
	buf := make([]byte, 256<<10)
	count, run := 0, 0
	var prev [3]byte
	for i := 0; ; i++ {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return ctxError(err)
			}
		}
		n, err := in.Read(buf)
		for _, c := range buf[:n] {
			if c == '<' {
				run = 0
			} else if run++; run > MaxCellBytes {
				return apperror.Msg(apperror.Invalid, msgCellTooLong, MaxCellBytes/3)
			}
			// "<si>" or "<si " (a namespace prefix is not used for it in practice)
			if (c == '>' || c == ' ') && prev == [3]byte{'<', 's', 'i'} {
				if count++; count > maxStrings {
					return apperror.Msg(apperror.TooLarge, msgSharedStrings, maxStrings)
				}
			}
			prev = [3]byte{prev[1], prev[2], c}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return damaged(err)
		}
	}
}

// scanFormulas (which also reads the merged ranges of a sheet that has
// them into rows, when given) verifies the first worksheet part inflates cleanly (its ZIP
// header may lie about its size, which excelize does not notice) and, with
// opts.DetectFormulas, finds its formula cells. excelize's
// Rows iterator does not expose formulas and GetCellFormula loads the whole
// sheet into memory, so this reads the sheet part itself: a fast byte scan
// for an <f> element first, and only if one is present an XML pass that
// locates the cells. excelize has already checked the declared sizes
// against the limits; the reads here are capped again in case the ZIP
// headers lie.
func scanFormulas(ctx context.Context, file File, part string, opts Options, rows *sheetRows) ([]Cell, error) {
	zr, err := zip.NewReader(file, file.Size())
	if err != nil {
		return nil, damaged(err)
	}
	if part == "" {
		return nil, damaged(errors.New("worksheet part not found"))
	}
	zf := findPart(zr, part)
	if zf == nil {
		return nil, damaged(fmt.Errorf("worksheet part %q missing", part))
	}
	found, merges, err := hasFormulaMarker(ctx, zf, opts.UnzipSizeLimit)
	if err == nil && merges && rows != nil {
		if rows.merges, err = scanMerges(zf, opts.UnzipSizeLimit); err != nil {
			return nil, err
		}
	}
	if err != nil || !found || !opts.DetectFormulas {
		return nil, err
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, damaged(err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(bufio.NewReader(io.LimitReader(rc, opts.UnzipSizeLimit)))
	var cells []Cell
	row, col := 0, 0
	for n := 0; len(cells) < maxFormulaCells; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, ctxError(err)
			}
		}
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, damaged(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			row++
			col = 0
			if r := attr(se, "r"); r != "" {
				fmt.Sscan(r, &row)
			}
		case "c":
			col++
			if ref := attr(se, "r"); ref != "" {
				if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
					col, row = c, r
				}
			}
		case "f":
			text, err := elementText(dec)
			if err != nil {
				return nil, damaged(err)
			}
			if !constantFormula(text) {
				cells = append(cells, Cell{Row: row, Col: col - 1})
			}
		}
	}
	return cells, nil
}

// elementText reads the character data of the element just started, up to
// its end (a formula: <f>…</f>; at most 8 KiB is kept), with RawToken, so
// it stops at the first end element.
func elementText(dec *xml.Decoder) (string, error) {
	var b []byte
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(b) < 8<<10 {
				b = append(b, t...)
			}
		case xml.EndElement:
			return string(b), nil
		}
	}
}

// constantFormula reports whether a formula is a constant that LibreOffice
// Calc writes for every boolean cell it saves as XLSX
// (<c t="b"><f>TRUE()</f><v>1</v></c>): the cell holds a value the user
// typed, not a calculation, so it is not reported as a formula.
func constantFormula(f string) bool {
	f = strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f), "of:=")))
	f = strings.TrimPrefix(f, "=")
	return f == "TRUE()" || f == "FALSE()"
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// hasFormulaMarker inflates the whole part, checking its size and CRC,
// and reports whether it holds "<f>", "<f " or "<f/" (with or without a
// namespace prefix); the scan runs at memory speed.
func hasFormulaMarker(ctx context.Context, zf *zip.File, limit int64) (bool, bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return false, false, damaged(err)
	}
	defer rc.Close()
	in := io.LimitReader(rc, limit)
	buf := make([]byte, 256<<10)
	keep := 0
	found, merges := false, false
	for i := 0; ; i++ {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return false, false, ctxError(err)
			}
		}
		n, err := in.Read(buf[keep:])
		chunk := buf[:keep+n]
		if !found && formulaMarker(chunk) {
			found = true
		}
		if !merges && bytes.Contains(chunk, []byte("mergeCell ")) {
			merges = true
		}
		// Keep a tail so that a marker split across reads is seen.
		keep = copy(buf, chunk[max(0, len(chunk)-16):])
		if err == io.EOF {
			return found, merges, nil
		}
		if err != nil {
			// A checksum or size error: the sheet excelize read is not the
			// sheet the file claims to hold.
			return false, false, damaged(err)
		}
	}
}

func formulaMarker(b []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], 'f')
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if i+1 >= len(b) || i == 0 {
			continue
		}
		if next := b[i+1]; next != '>' && next != ' ' && next != '/' {
			continue
		}
		if prev := b[i-1]; prev == '<' || prev == ':' {
			return true
		}
	}
}

// sheetParts resolves the zip path of every worksheet in workbook order,
// the order of excelize's GetSheetList.
func sheetParts(zr *zip.Reader) ([]string, error) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if len(wb.Sheets) == 0 {
		return nil, errors.New("workbook lists no sheet")
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	parts := make([]string, len(wb.Sheets))
	for i, sh := range wb.Sheets {
		for _, r := range rels.Rel {
			if r.ID == sh.ID {
				t := strings.ReplaceAll(r.Target, "\\", "/")
				if strings.HasPrefix(t, "/") {
					parts[i] = strings.TrimPrefix(t, "/")
				} else {
					parts[i] = path.Clean("xl/" + t)
				}
			}
		}
	}
	return parts, nil
}

func findPart(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
}

// decodePart decodes a small XML part, reading at most 16 MiB of it.
func decodePart(zr *zip.Reader, name string, v any) error {
	f := findPart(zr, name)
	if f == nil {
		return fmt.Errorf("part %s missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
}

// metadataParts are the parts of a workbook excelize is given: fugong asks
// it only for the sheet list, their visibility and the date system, all in
// the workbook part. Worksheets and shared strings (the personal data, and
// most of the size) are read by this package as streams, so excelize never
// inflates them into memory or spools them in clear to a temp file.
var metadataParts = []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}

// metadataPackage copies the metadataParts of the workbook in file, still
// compressed (zip.Writer.Copy), into a small package in memory. A part
// inflating past the XML size limit is refused as TooLarge.
func metadataPackage(file File, opts Options) (io.Reader, error) {
	zr, err := zip.NewReader(file, file.Size())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range metadataParts {
		zf := findPart(zr, name)
		if zf == nil {
			continue
		}
		if int64(zf.UncompressedSize64) > opts.UnzipXMLSizeLimit || zf.UncompressedSize64 > 1<<62 {
			return nil, apperror.Msg(apperror.TooLarge, msgXLSXInflates, opts.UnzipSizeLimit>>20)
		}
		if err := zw.Copy(zf); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}
