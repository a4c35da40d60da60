// Package sheettest writes the spreadsheet fixtures that tests and
// benchmarks of sheet, registry and roster need: XLSX written row by row
// with excelize's stream writer, and hostile files (ZIP bombs) built in
// memory, so that no binary fixture is committed.
package sheettest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Formula marks a cell value that WriteXLSX writes as a formula.
type Formula string

// WriteXLSX writes an XLSX at path with one sheet; rows(i) returns row i
// (0 = header) or nil when done. A Formula value becomes a formula cell.
// Errors are excelize's or the file system's.
func WriteXLSX(path string, rows func(i int) []any) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		vals := rows(i)
		if vals == nil {
			break
		}
		cells := make([]any, len(vals))
		for j, v := range vals {
			if fm, ok := v.(Formula); ok {
				cells[j] = excelize.Cell{Formula: string(fm)}
			} else {
				cells[j] = v
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(ref, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// WriteCSVAndXLSX writes the same table, header and n records rec(0) ..
// rec(n-1), as dir/name.csv and dir/name.xlsx (cells are plain text, joined
// with commas in the CSV unquoted: the records must hold no comma or quote).
// Errors are the file system's or excelize's.
func WriteCSVAndXLSX(dir, name string, header []string, n int, rec func(i int) []string) (csvPath, xlsxPath string, err error) {
	csvPath = filepath.Join(dir, name+".csv")
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for i := range n {
		b.WriteString(strings.Join(rec(i), ",") + "\n")
	}
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o600); err != nil {
		return "", "", err
	}
	xlsxPath = filepath.Join(dir, name+".xlsx")
	err = WriteXLSX(xlsxPath, func(i int) []any {
		var r []string
		switch {
		case i == 0:
			r = header
		case i <= n:
			r = rec(i - 1)
		default:
			return nil
		}
		out := make([]any, len(r))
		for j, c := range r {
			out[j] = c
		}
		return out
	})
	return csvPath, xlsxPath, err
}

// WriteXLSXRows is WriteXLSX over a fixed table.
func WriteXLSXRows(path string, table [][]any) error {
	return WriteXLSX(path, func(i int) []any {
		if i < len(table) {
			return table[i]
		}
		return nil
	})
}

// ZipBomb returns a small XLSX-shaped ZIP whose worksheet inflates to
// inflated bytes (a multiple of 1 MiB). With honest headers the declared
// size gives it away; with lie set the header declares 1 KiB so only a
// reader that counts inflated bytes notices. It is built by repeating one
// sync-flushed deflate block, so a 1 GiB bomb costs milliseconds.
func ZipBomb(inflated int64, lie bool) ([]byte, error) {
	const mib = 1 << 20
	zeros := make([]byte, mib)
	for i := range zeros {
		zeros[i] = ' ' // whitespace inside <sheetData> is valid XML
	}
	var block bytes.Buffer
	fw, _ := flate.NewWriter(&block, flate.BestCompression)
	fw.Write(zeros)
	fw.Flush()
	n := inflated / mib
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	// The payload is head + n MiB of spaces; the tail is left off on purpose
	// (a bomb need not be well-formed).
	var comp bytes.Buffer
	hw, _ := flate.NewWriter(&comp, flate.BestCompression)
	hw.Write(head)
	hw.Flush()
	crc := crc32.Update(0, crc32.IEEETable, head)
	for i := int64(0); i < n; i++ {
		comp.Write(block.Bytes())
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	comp.Write([]byte{0x03, 0x00}) // final empty fixed-Huffman block
	size := uint64(len(head)) + uint64(n)*mib
	declared := size
	if lie {
		declared = 1024
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, body := range minimalParts() {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		w.Write([]byte(body))
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc, CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		return nil, err
	}
	w.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func minimalParts() map[string]string {
	return map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
}

// WriteFile writes data to path with mode 0600, for fixtures built in memory.
func WriteFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

// CellsXLSX returns a minimal valid XLSX whose only sheet holds table as
// inline-string cells, built with archive/zip and encoding/xml escaping
// alone: fuzz targets make one per input, and excelize's writer is too slow
// (and has hung under the fuzzing engine) for that. Characters XML cannot
// carry must be removed by the caller.
func CellsXLSX(table [][]string) ([]byte, error) {
	var sheet bytes.Buffer
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range table {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, c := range row {
			ref, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">`, ref)
			if err := xml.EscapeText(&sheet, []byte(c)); err != nil {
				return nil, err
			}
			sheet.WriteString(`</t></is></c>`)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	parts := minimalParts()
	parts["xl/worksheets/sheet1.xml"] = sheet.String()
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
