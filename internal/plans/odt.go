package plans

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/filetype"
)

// extractODT streams an OpenDocument text's content.xml (LibreOffice
// Writer, WPS "ODT"), one line per paragraph or heading (text:p, text:h),
// keeping spaces (text:s), tabs and line breaks. Annotations, tracked
// deletions and the sequence/field declarations are skipped: they are not
// what the reader sees.
func extractODT(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (Text, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return Text{}, apperror.WrapMsg(err, apperror.Invalid, msgODTCorrupt)
	}
	if err := filetype.CheckZip(zr, filetype.DefaultLimits()); err != nil {
		return Text{}, err
	}
	var content *zip.File
	for _, f := range zr.File {
		if f.Name == "content.xml" {
			content = f
		}
	}
	if content == nil {
		return Text{}, apperror.Msg(apperror.Invalid, msgODTCorrupt)
	}
	budget := &capBudget{left: lim.MaxInflated, max: lim.MaxInflated}
	rc, cr, err := budget.open(content)
	if err != nil {
		return Text{}, err
	}
	defer rc.Close()
	var b strings.Builder
	dec := xml.NewDecoder(cr)
	skip, depth := 0, 0 // inside an element whose text is not shown
	for n := 0; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return Text{}, err
			}
		}
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, errInflateCap) {
				return Text{}, inflateTooLarge(lim.MaxInflated)
			}
			return Text{}, apperror.WrapMsg(err, apperror.Invalid, msgODTCorrupt)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if skip > 0 {
				continue
			}
			switch t.Name.Local {
			case "annotation", "tracked-changes", "sequence-decls", "variable-decls", "user-field-decls", "note-citation":
				skip = depth
			case "s":
				c, _ := strconv.Atoi(xmlAttr(t, "c"))
				b.WriteString(strings.Repeat(" ", max(1, min(c, 64))))
			case "tab":
				b.WriteByte('\t')
			case "line-break":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			if skip > 0 {
				if depth == skip {
					skip = 0
				}
				depth--
				continue
			}
			depth--
			switch t.Name.Local {
			case "p", "h":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if skip == 0 && depth > 0 {
				b.Write(t)
			}
		}
		if b.Len() > lim.MaxText+1 {
			break
		}
	}
	return Text{Text: b.String()}, nil
}
