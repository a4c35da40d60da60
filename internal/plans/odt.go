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
// keeping spaces (text:s), tabs and line breaks. Footnotes and endnotes
// (text:note, which Writer stores inside the paragraph that cites them)
// are moved after the body, marked 【脚注】/【尾注】 as in a DOCX, so the
// citing sentence is not cut by the note; a paragraph inside a paragraph
// (a text box) starts a line of its own. Annotations, tracked deletions and
// the sequence/field declarations are skipped: they are not what the
// reader sees.
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
	var body, notes strings.Builder
	b := &body
	dec := xml.NewDecoder(cr)
	skip, depth := 0, 0 // inside an element whose text is not shown
	note, paras := 0, 0 // depth of the note being read; open paragraphs
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
			case "note":
				if note == 0 {
					note = depth
					b = &notes
					if xmlAttr(t, "note-class") == "endnote" {
						b.WriteString(endnoteMark)
					} else {
						b.WriteString(footnoteMark)
					}
				}
			case "p", "h":
				if paras > 0 && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") && !strings.HasSuffix(b.String(), footnoteMark) && !strings.HasSuffix(b.String(), endnoteMark) {
					b.WriteByte('\n')
				}
				paras++
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
			switch t.Name.Local {
			case "p", "h":
				paras = max(0, paras-1)
				if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte('\n')
				}
			case "note":
				if depth == note {
					note = 0
					b = &body
				}
			}
			depth--
		case xml.CharData:
			if skip == 0 && depth > 0 {
				b.Write(t)
			}
		}
		if body.Len()+notes.Len() > lim.MaxText+1 {
			break
		}
	}
	body.WriteString(notes.String())
	return Text{Text: body.String()}, nil
}
