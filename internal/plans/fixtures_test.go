package plans

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// docxOf builds a minimal DOCX whose word/document.xml body is body (the
// w:body content).
func docxOf(t testing.TB, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct{ name, content string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`},
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// para returns one DOCX paragraph holding text in one run.
func para(text string) string {
	return `<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func flateBytes(t testing.TB, s string) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return buf.Bytes()
}

// pdfObj is one object of a hand-built PDF: a dictionary (or other value)
// and, for a stream, its stored bytes and filter.
type pdfObj struct {
	dict   string
	stream []byte
	flate  bool
}

// buildPDF writes objects 1..n with a correct xref table and a trailer whose
// /Root is object 1 (noTrailer leaves both out, as a damaged file would).
func buildPDF(objs []pdfObj, noTrailer bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		if o.stream == nil {
			b.WriteString(o.dict + "\nendobj\n")
			continue
		}
		d := strings.TrimSuffix(o.dict, ">>")
		if o.flate {
			d += " /Filter /FlateDecode"
		}
		fmt.Fprintf(&b, "%s /Length %d >>\nstream\n", d, len(o.stream))
		b.Write(o.stream)
		b.WriteString("\nendstream\nendobj\n")
	}
	if !noTrailer {
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
		for _, off := range offsets {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n", len(objs)+1, xref)
	}
	b.WriteString("%%EOF\n")
	return b.Bytes()
}

// toUnicodeCMap maps 2-byte codes 1..6 to 复 工 方 案 一 丁.
const toUnicodeCMap = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <590D>
<0002> <5DE5>
endbfchar
2 beginbfrange
<0003> <0004> [<65B9> <6848>]
<0005> <0006> <4E00>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`

// samplePDF is a two-page PDF: page 1 has a Flate content stream using a
// Latin font and a CID font with ToUnicode, page 2 has its content split
// over two uncompressed streams and shows a UTF-16BE string and a form
// XObject.
func samplePDF(t testing.TB) []byte {
	page1 := `BT /F1 12 Tf 72 800 Td (Resumption Plan) Tj
0 -20 Td [(Hel) 20 (lo) -600 (World)] TJ
/F2 12 Tf 0 -20 Td <00010002> Tj T* <0003 0004> Tj
/F1 12 Tf (\(escaped\) \101\102) ' 1 2 (quote op) "
ET
BI /W 2 /H 2 /BPC 8 /CS /G ID ` + "\x00(Tj)\xff" + ` EI
BT /F2 1 Tf 1 0 0 1 72 600 Tm <0005> Tj 1 0 0 1 90 600 Tm <0006> Tj ET`
	return buildPDF([]pdfObj{
		{dict: `<< /Type /Catalog /Pages 2 0 R >>`},
		{dict: `<< /Type /Pages /Kids [3 0 R 7 0 R] /Count 2 /Resources << /Font << /F1 4 0 R /F2 5 0 R >> /XObject << /X1 11 0 R >> >> >>`},
		{dict: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R >>`},
		{dict: `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>`},
		{dict: `<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [10 0 R] /ToUnicode 8 0 R >>`},
		{dict: `<< >>`, stream: flateBytes(t, page1), flate: true},
		{dict: `<< /Type /Page /Parent 2 0 R /Contents [9 0 R 12 0 R] >>`},
		{dict: `<< >>`, stream: flateBytes(t, toUnicodeCMap), flate: true},
		{dict: `<< >>`, stream: []byte("BT /F1 10 Tf 72 700 Td <FEFF4E2D6587> Tj ET")},
		{dict: `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun >>`},
		{dict: `<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] >>`, stream: []byte("BT /F1 9 Tf 0 -40 Td (in a form) Tj ET")},
		{dict: `<< >>`, stream: []byte("q /X1 Do Q")},
	}, false)
}

// cidPDF shows text only in a CID font without ToUnicode: not decodable.
func cidPDF(t testing.TB) []byte {
	return buildPDF([]pdfObj{
		{dict: `<< /Type /Catalog /Pages 2 0 R >>`},
		{dict: `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`},
		{dict: `<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>`},
		{dict: `<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H >>`},
		{dict: `<< >>`, stream: flateBytes(t, "BT /F1 12 Tf 72 800 Td <0012003400560078> Tj ET"), flate: true},
	}, false)
}

// emptyPDF has one page with an empty content stream.
func emptyPDF(t testing.TB) []byte {
	return buildPDF([]pdfObj{
		{dict: `<< /Type /Catalog /Pages 2 0 R >>`},
		{dict: `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`},
		{dict: `<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>`},
		{dict: `<< >>`, stream: flateBytes(t, ""), flate: true},
	}, false)
}

// objStmPDF keeps its page tree (objects 7–9) in an object stream and has
// no trailer, as a damaged PDF 1.5 file would: the catalog is found by its
// /Type.
func objStmPDF(t testing.TB) []byte {
	parts := []string{
		`<< /Type /Catalog /Pages 8 0 R >>`,
		`<< /Type /Pages /Kids [9 0 R] /Count 1 >>`,
		`<< /Type /Page /Parent 8 0 R /Contents 3 0 R /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> >>`,
	}
	var header, body strings.Builder
	for i, p := range parts {
		fmt.Fprintf(&header, "%d %d ", 7+i, body.Len())
		body.WriteString(p + "\n")
	}
	return buildPDF([]pdfObj{
		{dict: `<< /Type /ObjStm /N 3 /First ` + fmt.Sprint(header.Len()) + ` >>`, stream: flateBytes(t, header.String()+body.String()), flate: true},
		{dict: `<< /Producer (test) >>`},
		{dict: `<< >>`, stream: flateBytes(t, "BT /F1 12 Tf (From an object stream) Tj /F2 12 Tf 0 -14 Td <B8B4B9A4> Tj ET"), flate: true},
		{dict: `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>`},
		{dict: `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H >>`},
	}, true)
}
