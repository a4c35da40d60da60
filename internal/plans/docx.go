package plans

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/filetype"
)

// ctxCheckEvery is how many XML tokens or PDF operators pass between checks
// of the context, trading a little latency at the deadline for speed.
const ctxCheckEvery = 4096

// Markers put before the text of a header, footer, footnote or endnote, so
// a reader of the extracted text knows it is not part of the body.
const (
	headerMark   = "【页眉】"
	footerMark   = "【页脚】"
	footnoteMark = "【脚注】"
	endnoteMark  = "【尾注】"
)

// extractDOCX streams word/document.xml through encoding/xml, one line per
// paragraph (w:p), keeping the text of w:t runs, tabs, line breaks and the
// marker of numbered paragraphs ("一、", "1.", "(1)"), and adds the text of
// the headers, footnotes, endnotes and footers, marked (a plan's footnote
// may hold what the rules look for; Writer's ODT and PDF of the same
// document show it). Deleted text (w:delText) and field codes
// (w:instrText) are skipped because they are not what the reader sees; so
// is the fallback copy of a text box (mc:Fallback), which Word writes beside
// the real one.
func extractDOCX(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (Text, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return Text{}, apperror.WrapMsg(err, apperror.Invalid, msgDOCXCorrupt)
	}
	if err := filetype.CheckZip(zr, filetype.DefaultLimits()); err != nil {
		return Text{}, err
	}
	var doc *zip.File
	var headers, footers []*zip.File
	var numbering, styles, footnotes, endnotes *zip.File
	for _, f := range zr.File {
		switch name := f.Name; {
		case name == "word/document.xml":
			doc = f
		case name == "word/numbering.xml":
			numbering = f
		case name == "word/styles.xml":
			styles = f
		case name == "word/footnotes.xml":
			footnotes = f
		case name == "word/endnotes.xml":
			endnotes = f
		case strings.HasPrefix(name, "word/header") && strings.HasSuffix(name, ".xml"):
			headers = append(headers, f)
		case strings.HasPrefix(name, "word/footer") && strings.HasSuffix(name, ".xml"):
			footers = append(footers, f)
		}
	}
	if doc == nil {
		return Text{}, apperror.Msg(apperror.Invalid, msgDOCXNoBody)
	}
	budget := &capBudget{left: lim.MaxInflated, max: lim.MaxInflated}
	w := &docxWriter{ctx: ctx, maxText: lim.MaxText, counters: map[string][]int{}}
	if numbering != nil {
		if w.lists, err = readNumbering(numbering, budget); err != nil {
			return Text{}, err
		}
		if styles != nil {
			if w.styles, err = readStyleNumbering(styles, budget); err != nil {
				return Text{}, err
			}
		}
	}
	sort.Slice(headers, func(i, j int) bool { return headers[i].Name < headers[j].Name })
	sort.Slice(footers, func(i, j int) bool { return footers[i].Name < footers[j].Name })
	seen := map[string]bool{} // first-page and even-page headers often repeat the default one
	part := func(f *zip.File, mark string) error {
		var b strings.Builder
		pw := &docxWriter{ctx: ctx, maxText: lim.MaxText, lists: w.lists, styles: w.styles, counters: map[string][]int{}, out: &b}
		if err := pw.part(f, budget); err != nil {
			return err
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if line = strings.TrimSpace(line); line != "" && !seen[line] {
				seen[line] = true
				w.text().WriteString(mark + line + "\n")
			}
		}
		return nil
	}
	for _, f := range headers {
		if err := part(f, headerMark); err != nil {
			return Text{}, err
		}
	}
	if err := w.part(doc, budget); err != nil {
		return Text{}, err
	}
	// Word's separator "notes" hold no text and add no line.
	for _, n := range []struct {
		f    *zip.File
		mark string
	}{{footnotes, footnoteMark}, {endnotes, endnoteMark}} {
		if n.f != nil {
			if err := part(n.f, n.mark); err != nil {
				return Text{}, err
			}
		}
	}
	for _, f := range footers {
		if err := part(f, footerMark); err != nil {
			return Text{}, err
		}
	}
	return Text{Text: w.text().String()}, nil
}

// capBudget is the inflate allowance shared by every part of one file.
type capBudget struct{ left, max int64 }

func (c *capBudget) open(f *zip.File) (io.ReadCloser, *capReader, error) {
	if f.UncompressedSize64 > uint64(c.left) {
		return nil, nil, inflateTooLarge(c.max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, apperror.WrapMsg(err, apperror.Invalid, msgDOCXCorrupt)
	}
	return rc, &capReader{r: rc, max: c.left}, nil
}

func (c *capBudget) charge(cr *capReader) { c.left -= cr.n }

// docxWriter turns WordprocessingML into lines.
type docxWriter struct {
	ctx      context.Context
	maxText  int
	out      *strings.Builder
	lists    map[string]docxList // numId → levels
	styles   map[string]styleNum // paragraph style → its numbering ("List Number")
	counters map[string][]int    // numId → current number per level
}

// styleNum is the numbering a paragraph style carries.
type styleNum struct {
	numID string
	ilvl  int
}

func (w *docxWriter) text() *strings.Builder {
	if w.out == nil {
		w.out = &strings.Builder{}
	}
	return w.out
}

// part writes the paragraphs of one XML part.
func (w *docxWriter) part(f *zip.File, budget *capBudget) error {
	rc, cr, err := budget.open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	defer budget.charge(cr)
	b := w.text()
	dec := xml.NewDecoder(cr)
	inText, fallback, depth := false, 0, 0
	numID, ilvl, inNumPr, style := "", 0, false, ""
	paraStart := b.Len()
	for n := 0; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
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
				return inflateTooLarge(budget.max)
			}
			return apperror.WrapMsg(err, apperror.Invalid, msgDOCXMalformed)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "Fallback" {
				fallback++
			}
			if fallback > 0 {
				continue
			}
			switch t.Name.Local {
			case "p":
				// A paragraph inside a paragraph (a text box anchored in
				// a run) is a line of its own, not glued to the anchor's.
				if depth > 0 && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte('\n')
				}
				depth++
				paraStart = b.Len()
				numID, ilvl, style = "", 0, ""
			case "pStyle":
				style = xmlAttr(t, "val")
			case "numPr":
				inNumPr = true
			case "ilvl":
				if inNumPr {
					ilvl, _ = strconv.Atoi(xmlAttr(t, "val"))
				}
			case "numId":
				if inNumPr {
					numID = xmlAttr(t, "val")
				}
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			if t.Name.Local == "Fallback" && fallback > 0 {
				fallback--
				continue
			}
			if fallback > 0 {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "numPr":
				inNumPr = false
			case "pPr":
				if sn, ok := w.styles[style]; ok && numID == "" {
					numID = sn.numID
					if !inNumPr && ilvl == 0 {
						ilvl = sn.ilvl
					}
				}
				if numID != "" && numID != "0" {
					if m := w.marker(numID, ilvl); m != "" {
						b.WriteString(m)
					}
				}
			case "p":
				depth = max(0, depth-1)
				if b.Len() > paraStart && !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte('\n')
				}
			}
		case xml.CharData:
			if inText && fallback == 0 {
				b.Write(t)
			}
		}
		if b.Len() > w.maxText+1 {
			// Enough for the caller's cut; stop reading the rest.
			break
		}
	}
	return nil
}

func xmlAttr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// docxLevel is one level of a numbered list.
type docxLevel struct {
	format string // decimal, chineseCounting, bullet, …
	text   string // "%1.", "（%1）"
	start  int
}

type docxList []docxLevel

// readNumbering reads word/numbering.xml: each w:num's levels, through its
// abstract definition.
func readNumbering(f *zip.File, budget *capBudget) (map[string]docxList, error) {
	rc, cr, err := budget.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	defer budget.charge(cr)
	abstract := map[string]docxList{}
	numAbs := map[string]string{}
	dec := xml.NewDecoder(cr)
	var curAbs, curNum string
	var lvl *docxLevel
	var levels docxList
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, errInflateCap) {
				return nil, inflateTooLarge(budget.max)
			}
			return nil, nil // numbering is a nicety: a broken part loses the markers only
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "abstractNum":
				curAbs, levels = xmlAttr(t, "abstractNumId"), nil
			case "lvl":
				if curAbs != "" && len(levels) < 9 {
					levels = append(levels, docxLevel{start: 1})
					lvl = &levels[len(levels)-1]
				}
			case "start":
				if lvl != nil {
					lvl.start, _ = strconv.Atoi(xmlAttr(t, "val"))
				}
			case "numFmt":
				if lvl != nil {
					lvl.format = xmlAttr(t, "val")
				}
			case "lvlText":
				if lvl != nil {
					lvl.text = xmlAttr(t, "val")
				}
			case "num":
				curNum = xmlAttr(t, "numId")
			case "abstractNumId":
				if curNum != "" {
					numAbs[curNum] = xmlAttr(t, "val")
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "lvl":
				lvl = nil
			case "abstractNum":
				abstract[curAbs] = levels
				curAbs = ""
			case "num":
				curNum = ""
			}
		}
	}
	out := make(map[string]docxList, len(numAbs))
	for num, abs := range numAbs {
		out[num] = abstract[abs]
	}
	return out, nil
}

// marker advances the counter of list numID at level ilvl and returns the
// paragraph's marker ("一、", "1.", "•").
func (w *docxWriter) marker(numID string, ilvl int) string {
	list := w.lists[numID]
	if ilvl < 0 || ilvl >= len(list) {
		return ""
	}
	c := w.counters[numID]
	if len(c) < len(list) {
		c = make([]int, len(list))
		for i := range c {
			c[i] = list[i].start - 1
		}
	}
	c[ilvl]++
	for i := ilvl + 1; i < len(c); i++ {
		c[i] = list[i].start - 1
	}
	w.counters[numID] = c
	lv := list[ilvl]
	if lv.format == "bullet" {
		return "• "
	}
	if lv.format == "none" {
		return ""
	}
	s := lv.text
	for i := 0; i < len(list) && i <= ilvl; i++ {
		s = strings.ReplaceAll(s, "%"+strconv.Itoa(i+1), formatNumber(list[i].format, c[i]))
	}
	if s == "" {
		return ""
	}
	return s + " "
}

// formatNumber writes n in a Word number format.
func formatNumber(format string, n int) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified":
		return chineseNumber(n)
	case "lowerLetter":
		return string(rune('a' + (n-1)%26))
	case "upperLetter":
		return string(rune('A' + (n-1)%26))
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperRoman":
		return roman(n)
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune('①' + n - 1))
		}
	}
	return strconv.Itoa(n)
}

func chineseNumber(n int) string {
	digits := []rune("零一二三四五六七八九")
	switch {
	case n < 0:
		return strconv.Itoa(n)
	case n < 10:
		return string(digits[n])
	case n < 20:
		return "十" + strings.TrimPrefix(string(digits[n%10]), "零")
	case n < 100:
		return string(digits[n/10]) + "十" + strings.TrimPrefix(string(digits[n%10]), "零")
	}
	return strconv.Itoa(n)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// readStyleNumbering reads the numbering paragraph styles carry in
// word/styles.xml (python-docx's and Word's "List Number", "List Bullet").
func readStyleNumbering(f *zip.File, budget *capBudget) (map[string]styleNum, error) {
	rc, cr, err := budget.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	defer budget.charge(cr)
	out := map[string]styleNum{}
	dec := xml.NewDecoder(cr)
	cur := ""
	var sn styleNum
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, errInflateCap) {
				return nil, inflateTooLarge(budget.max)
			}
			return out, nil // styles are a nicety: keep what was read
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				cur, sn = xmlAttr(t, "styleId"), styleNum{}
			case "numId":
				sn.numID = xmlAttr(t, "val")
			case "ilvl":
				sn.ilvl, _ = strconv.Atoi(xmlAttr(t, "val"))
			}
		case xml.EndElement:
			if t.Name.Local == "style" && cur != "" && sn.numID != "" {
				out[cur] = sn
				cur = ""
			}
		}
	}
	return out, nil
}
