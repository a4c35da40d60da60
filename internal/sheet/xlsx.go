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
	return apperror.Wrap(err, apperror.Invalid, "XLSX 文件已损坏或不完整，请重新保存后上传 / the XLSX file is damaged or truncated; save it again and re-upload")
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

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
}

func openXLSX(ctx context.Context, filePath string, opts Options) (source, []Cell, error) {
	if err := checkPackage(filePath); err != nil {
		return nil, nil, err
	}
	var f *excelize.File
	err := guard(func() error {
		var err error
		f, err = excelize.OpenFile(filePath, excelize.Options{
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
			return nil, nil, apperror.Wrap(err, apperror.TooLarge,
				"XLSX 解压后超过 %d MiB 上限 / the XLSX inflates beyond the %d MiB limit", opts.UnzipSizeLimit>>20, opts.UnzipSizeLimit>>20)
		}
		if apperror.As(err) != nil {
			return nil, nil, err
		}
		return nil, nil, damaged(err)
	}
	src := &xlsxSource{f: f}
	var sheets []string
	err = guard(func() error {
		sheets = f.GetSheetList()
		if len(sheets) == 0 {
			return apperror.New(apperror.Unsupported, "ZIP 文件不是 Excel 工作簿，请上传 CSV 或 XLSX / the ZIP file is not an Excel workbook; upload CSV or XLSX")
		}
		var err error
		src.rows, err = f.Rows(sheets[0])
		return err
	})
	if err != nil {
		src.close()
		if apperror.As(err) != nil {
			return nil, nil, err
		}
		return nil, nil, damaged(err)
	}
	formulas, err := scanFormulas(ctx, filePath, opts)
	if err != nil {
		src.close()
		return nil, nil, err
	}
	return src, formulas, nil
}

func (s *xlsxSource) next() (cells []string, err error) {
	err = guard(func() error {
		if !s.rows.Next() {
			if err := s.rows.Error(); err != nil {
				return damaged(err)
			}
			return io.EOF
		}
		var err error
		// Raw values: a date cell comes back as its serial number (roster
		// converts it), a long number is not reformatted ("1.38E+10").
		cells, err = s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return damaged(err)
		}
		return nil
	})
	return cells, err
}

func (s *xlsxSource) close() error {
	var err error
	_ = guard(func() error {
		if s.rows != nil {
			err = s.rows.Close()
		}
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		return nil
	})
	return err
}

// checkPackage reads the ZIP directory (not the entries) and refuses a ZIP
// that is not a workbook before excelize spends any effort on it.
func checkPackage(filePath string) error {
	zr, err := zip.OpenReader(filePath)
	if err != nil {
		return damaged(err)
	}
	defer zr.Close()
	if findPart(&zr.Reader, "xl/workbook.xml") == nil {
		return apperror.New(apperror.Unsupported, "ZIP 文件不是 Excel 工作簿，请上传 CSV 或 XLSX / the ZIP file is not an Excel workbook; upload CSV or XLSX")
	}
	return nil
}

// scanFormulas verifies the first worksheet part inflates cleanly (its ZIP
// header may lie about its size, which excelize does not notice) and, with
// opts.DetectFormulas, finds its formula cells. excelize's
// Rows iterator does not expose formulas and GetCellFormula loads the whole
// sheet into memory, so this reads the sheet part itself: a fast byte scan
// for an <f> element first, and only if one is present an XML pass that
// locates the cells. excelize has already checked the declared sizes
// against the limits; the reads here are capped again in case the ZIP
// headers lie.
func scanFormulas(ctx context.Context, filePath string, opts Options) ([]Cell, error) {
	zr, err := zip.OpenReader(filePath)
	if err != nil {
		return nil, damaged(err)
	}
	defer zr.Close()
	part, err := firstSheetPart(&zr.Reader)
	if err != nil {
		return nil, damaged(err)
	}
	zf := findPart(&zr.Reader, part)
	if zf == nil {
		return nil, damaged(fmt.Errorf("worksheet part %q missing", part))
	}
	found, err := hasFormulaMarker(ctx, zf, opts.UnzipSizeLimit)
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
			cells = append(cells, Cell{Row: row, Col: col - 1})
		}
	}
	return cells, nil
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
func hasFormulaMarker(ctx context.Context, zf *zip.File, limit int64) (bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return false, damaged(err)
	}
	defer rc.Close()
	in := io.LimitReader(rc, limit)
	buf := make([]byte, 256<<10)
	keep := 0
	found := false
	for i := 0; ; i++ {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return false, ctxError(err)
			}
		}
		n, err := in.Read(buf[keep:])
		chunk := buf[:keep+n]
		if !found && formulaMarker(chunk) {
			found = true
		}
		// Keep a tail so that a marker split across reads is seen.
		keep = copy(buf, chunk[max(0, len(chunk)-16):])
		if err == io.EOF {
			return found, nil
		}
		if err != nil {
			// A checksum or size error: the sheet excelize read is not the
			// sheet the file claims to hold.
			return false, damaged(err)
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

// firstSheetPart resolves the zip path of the first worksheet in workbook
// order, the same one excelize's GetSheetList()[0] names.
func firstSheetPart(zr *zip.Reader) (string, error) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(zr, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	if len(wb.Sheets) == 0 {
		return "", errors.New("workbook lists no sheet")
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rel {
		if r.ID == wb.Sheets[0].ID {
			t := strings.ReplaceAll(r.Target, "\\", "/")
			if strings.HasPrefix(t, "/") {
				return strings.TrimPrefix(t, "/"), nil
			}
			return path.Clean("xl/" + t), nil
		}
	}
	return "", errors.New("first sheet has no relationship")
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
