package plans

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/filetype"
)

// ctxCheckEvery is how many XML tokens or PDF operators pass between checks
// of the context, trading a little latency at the deadline for speed.
const ctxCheckEvery = 4096

// extractDOCX streams word/document.xml through encoding/xml, one line per
// paragraph (w:p), keeping the text of w:t runs, tabs and line breaks.
// Deleted text (w:delText) and field codes (w:instrText) are skipped because
// they are not what the reader sees.
func extractDOCX(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (Text, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return Text{}, apperror.Wrap(err, apperror.Invalid, "DOCX 文件已损坏或不完整 / the DOCX file is corrupt or incomplete")
	}
	if err := filetype.CheckZip(zr, filetype.DefaultLimits()); err != nil {
		return Text{}, err
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
			break
		}
	}
	if doc == nil {
		return Text{}, apperror.New(apperror.Invalid, "DOCX 中缺少 word/document.xml / the DOCX has no word/document.xml")
	}
	if doc.UncompressedSize64 > uint64(lim.MaxInflated) {
		return Text{}, inflateTooLarge(lim.MaxInflated)
	}
	rc, err := doc.Open()
	if err != nil {
		return Text{}, apperror.Wrap(err, apperror.Invalid, "DOCX 文件已损坏 / the DOCX file is corrupt")
	}
	defer rc.Close()

	dec := xml.NewDecoder(&capReader{r: rc, max: lim.MaxInflated})
	var b strings.Builder
	inText := false
	for n := 0; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return Text{}, err
			}
		}
		// RawToken skips namespace translation: we match local names only,
		// which also covers Strict OOXML's other namespace URI.
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, errInflateCap) {
				return Text{}, inflateTooLarge(lim.MaxInflated)
			}
			return Text{}, apperror.Wrap(err, apperror.Invalid, "DOCX 正文格式错误 / the DOCX body is malformed")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
		if b.Len() > lim.MaxText+1 {
			// Enough for the caller's cut; stop reading the rest.
			break
		}
	}
	return Text{Text: b.String()}, nil
}
