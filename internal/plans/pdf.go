package plans

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"fugong/internal/apperror"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// A best-effort PDF text extractor with no dependency: it finds objects by
// scanning (so a broken cross-reference table does not matter), walks the
// page tree in order, inflates content streams (none, FlateDecode,
// ASCIIHex, ASCII85), and interprets the text operators Tj TJ ' " with each
// font's ToUnicode CMap, UCS-2/UTF-16 or GB CMaps, or UTF-16BE strings with a
// BOM. Text in CID fonts without ToUnicode cannot be decoded and is skipped.

var objHeader = regexp.MustCompile(`(\d+)[\x00\t\n\f\r ]+(\d+)[\x00\t\n\f\r ]+obj\b`)

type pdfObject struct {
	num, gen int // -1 for an object read from an object stream (not encrypted on its own)
	val      any
	raw      []byte // stream bytes as stored, nil if not a stream
	decoded  []byte
	done     bool // decoded was attempted
}

type pdfDoc struct {
	ctx      context.Context
	data     []byte
	objs     map[int]*pdfObject
	budget   int64 // inflate bytes left
	maxInfl  int64
	overflow bool
	fonts    map[int]*pdfFont
	out      strings.Builder
	maxOut   int
	skipped  int // strings in undecodable fonts
	ops      int
	crypt    *pdfCrypt
	objStms  []*pdfObject
	locked   bool // encrypted with a password we do not have
	active   bool // the file asks to run an action or JavaScript when opened
}

func extractPDF(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (Text, error) {
	data, err := io.ReadAll(io.NewSectionReader(r, 0, size))
	if err != nil {
		return Text{}, apperror.WrapMsg(err, apperror.Internal, msgCannotRead)
	}
	d := &pdfDoc{ctx: ctx, data: data, objs: map[int]*pdfObject{}, budget: lim.MaxInflated,
		maxInfl: lim.MaxInflated, fonts: map[int]*pdfFont{}, maxOut: lim.MaxText + 1}
	d.scanObjects()
	d.setupCrypt()
	for _, s := range d.objStms {
		d.readObjStm(s)
	}
	if err := ctx.Err(); err != nil {
		return Text{}, err
	}
	d.active = d.hasActiveContent()
	if d.locked {
		return Text{Note: NotePDFLocked, Active: d.active}, nil
	}
	pages := d.pages()
	if len(pages) > 0 {
		for _, p := range pages {
			if err := d.page(p); err != nil {
				return Text{}, err
			}
		}
	} else if err := d.orphanContents(); err != nil {
		return Text{}, err
	}
	if d.overflow {
		return Text{}, inflateTooLarge(d.maxInfl)
	}
	t := Text{Text: d.out.String(), Active: d.active}
	switch {
	case strings.TrimSpace(t.Text) == "":
		t.Text, t.Note = "", NoteNoPDFText
	case d.skipped > 0:
		t.Note = NotePDFPartial
	}
	return t, nil
}

// scanObjects finds every "N G obj" in file order; a later definition (an
// incremental update) replaces an earlier one. Objects inside object streams
// fill in numbers not defined at top level.
func (d *pdfDoc) scanObjects() {
	for pos := 0; pos < len(d.data); {
		loc := objHeader.FindSubmatchIndex(d.data[pos:])
		if loc == nil {
			break
		}
		num := atoi(d.data[pos+loc[2] : pos+loc[3]])
		gen := atoi(d.data[pos+loc[4] : pos+loc[5]])
		l := &pdfLexer{b: d.data, pos: pos + loc[1]}
		val, _ := l.object(0)
		o := &pdfObject{num: num, gen: gen, val: val}
		next := l.pos
		if dict, ok := val.(pdfDict); ok {
			save := l.pos
			if tok, ok := l.token(); ok && tok == pdfKeyword("stream") {
				o.raw, next = d.streamBytes(dict, l.pos)
			} else {
				l.pos = save
			}
			if dict["Type"] == pdfName("ObjStm") {
				d.objStms = append(d.objStms, o)
			}
		}
		if num >= 0 {
			d.objs[num] = o
		}
		pos = max(next, pos+loc[1])
	}
}

// streamBytes returns the stream data that starts after the "stream"
// keyword at pos, and the offset after it. A direct /Length is trusted when
// "endstream" follows it; otherwise the data runs to the next "endstream".
func (d *pdfDoc) streamBytes(dict pdfDict, pos int) ([]byte, int) {
	if pos < len(d.data) && d.data[pos] == '\r' {
		pos++
	}
	if pos < len(d.data) && d.data[pos] == '\n' {
		pos++
	}
	if n, ok := dict["Length"].(float64); ok && n >= 0 && float64(pos)+n <= float64(len(d.data)) {
		end := pos + int(n)
		rest := bytes.TrimLeft(d.data[end:min(end+32, len(d.data))], "\x00\t\n\f\r ")
		if bytes.HasPrefix(rest, []byte("endstream")) {
			return d.data[pos:end], end
		}
	}
	i := bytes.Index(d.data[pos:], []byte("endstream"))
	if i < 0 {
		return d.data[pos:], len(d.data)
	}
	return bytes.TrimRight(d.data[pos:pos+i], "\r\n"), pos + i
}

func (d *pdfDoc) readObjStm(s *pdfObject) {
	dict := s.val.(pdfDict)
	data := d.streamData(s)
	n, _ := dict["N"].(float64)
	first, _ := dict["First"].(float64)
	if data == nil || n <= 0 || first < 0 || int(first) > len(data) {
		return
	}
	l := &pdfLexer{b: data[:int(first)]}
	for i := 0; i < int(n); i++ {
		numT, ok1 := l.token()
		offT, ok2 := l.token()
		num, okn := numT.(float64)
		off, oko := offT.(float64)
		if !ok1 || !ok2 || !okn || !oko {
			return
		}
		start := int(first) + int(off)
		if start < 0 || start >= len(data) {
			continue
		}
		if _, defined := d.objs[int(num)]; defined {
			continue
		}
		ol := &pdfLexer{b: data, pos: start}
		v, _ := ol.object(0)
		d.objs[int(num)] = &pdfObject{num: -1, val: v}
	}
}

// resolve follows references (a bounded number of hops, in case of cycles).
func (d *pdfDoc) resolve(v any) any {
	for i := 0; i < 16; i++ {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		o := d.objs[r.num]
		if o == nil {
			return nil
		}
		v = o.val
	}
	return nil
}

func (d *pdfDoc) dict(v any) pdfDict {
	dd, _ := d.resolve(v).(pdfDict)
	return dd
}

// streamOf returns the stream object a value refers to, or nil.
func (d *pdfDoc) streamOf(v any) *pdfObject {
	r, ok := v.(pdfRef)
	if !ok {
		return nil
	}
	o := d.objs[r.num]
	if o == nil || o.raw == nil {
		return nil
	}
	return o
}

// streamData decodes a stream once, charging the inflate budget. Streams
// with filters we cannot decode (images, mostly) give nil.
func (d *pdfDoc) streamData(o *pdfObject) []byte {
	if o.done {
		return o.decoded
	}
	o.done = true
	dict, _ := o.val.(pdfDict)
	var filters []any
	switch f := d.resolve(dict["Filter"]).(type) {
	case pdfName:
		filters = []any{f}
	case []any:
		filters = f
	}
	data := o.raw
	if d.crypt != nil && d.crypt.streams && o.num >= 0 && dict["Type"] != pdfName("XRef") {
		if data = d.crypt.decrypt(o.num, o.gen, data); data == nil {
			return nil
		}
	}
	for _, f := range filters {
		if d.overflow || d.ctx.Err() != nil {
			return nil
		}
		var rd io.Reader
		switch d.resolve(f) {
		case pdfName("FlateDecode"), pdfName("Fl"):
			if zr, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
				rd = zr
			} else {
				rd = flate.NewReader(bytes.NewReader(data)) // some writers omit the zlib header
			}
		case pdfName("ASCIIHexDecode"), pdfName("AHx"):
			l := &pdfLexer{b: append(append([]byte("<"), data...), '>')}
			data = l.hex()
			continue
		case pdfName("ASCII85Decode"), pdfName("A85"):
			data = bytes.TrimPrefix(bytes.TrimSpace(data), []byte("<~"))
			if i := bytes.Index(data, []byte("~>")); i >= 0 {
				data = data[:i]
			}
			rd = ascii85.NewDecoder(bytes.NewReader(data))
		default:
			return nil
		}
		var buf bytes.Buffer
		_, err := io.Copy(&buf, &capReader{r: rd, max: d.budget})
		if errors.Is(err, errInflateCap) {
			d.overflow = true
			return nil
		}
		// A damaged stream keeps what inflated before the damage: best effort.
		d.budget -= int64(buf.Len())
		data = buf.Bytes()
	}
	o.decoded = data
	return data
}

// pdfPage is a page dictionary with the resources it inherits.
type pdfPage struct {
	dict      pdfDict
	resources pdfDict
}

// pages returns the page dictionaries in reading order with their inherited
// resources, walking /Root /Pages; nil if there is no usable page tree.
func (d *pdfDoc) pages() []pdfPage {
	root := d.findRoot()
	if root == nil {
		return nil
	}
	var out []pdfPage
	seen := map[int]bool{}
	var walk func(node any, res pdfDict, depth int)
	walk = func(node any, res pdfDict, depth int) {
		if depth > 64 || len(out) > 100000 {
			return
		}
		if r, ok := node.(pdfRef); ok {
			if seen[r.num] {
				return
			}
			seen[r.num] = true
		}
		n := d.dict(node)
		if n == nil {
			return
		}
		if rr := d.dict(n["Resources"]); rr != nil {
			res = rr
		}
		if kids, ok := d.resolve(n["Kids"]).([]any); ok {
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		out = append(out, pdfPage{dict: n, resources: res})
	}
	walk(root["Pages"], nil, 0)
	return out
}

// trailer returns the last trailer dictionary that names the root (an
// incremental update's wins) or, for a file with cross-reference streams,
// the dictionary of the last such stream; nil if there is none.
func (d *pdfDoc) trailer() pdfDict {
	var tr pdfDict
	for _, i := range indexAll(d.data, []byte("trailer")) {
		l := &pdfLexer{b: d.data, pos: i + len("trailer")}
		if t, ok := l.object(0); ok {
			if td, ok := t.(pdfDict); ok && td["Root"] != nil {
				tr = td
			}
		}
	}
	if tr != nil {
		return tr
	}
	best := -1
	for n, o := range d.objs {
		if od, ok := o.val.(pdfDict); ok && od["Type"] == pdfName("XRef") && od["Root"] != nil && n > best {
			tr, best = od, n
		}
	}
	return tr
}

// setupCrypt prepares decryption when the trailer names /Encrypt; a file
// that does not open with the empty password is marked locked.
func (d *pdfDoc) setupCrypt() {
	tr := d.trailer()
	if tr == nil || tr["Encrypt"] == nil {
		return
	}
	enc := d.dict(tr["Encrypt"])
	if enc == nil {
		return
	}
	var id0 []byte
	if ids, ok := d.resolve(tr["ID"]).([]any); ok && len(ids) > 0 {
		s, _ := d.resolve(ids[0]).(pdfString)
		id0 = []byte(s)
	}
	c, err := newPDFCrypt(d, enc, id0)
	if err != nil {
		d.locked = true
		return
	}
	d.crypt = c
}

// hasActiveContent reports whether the document asks a viewer to run
// something by itself: document JavaScript (/Names /JavaScript), or a
// JavaScript, Launch, SubmitForm or ImportData action anywhere (an
// /OpenAction, a page's or the catalog's /AA, a link). An /OpenAction that
// only opens a page (a destination array, what most writers put) is not.
func (d *pdfDoc) hasActiveContent() bool {
	if root := d.findRoot(); root != nil && d.dict(root["Names"])["JavaScript"] != nil {
		return true
	}
	for _, o := range d.objs {
		dd, ok := o.val.(pdfDict)
		if !ok {
			continue
		}
		if dd["JS"] != nil {
			return true
		}
		if dangerousAction(dd) || dangerousAction(d.dict(dd["OpenAction"])) {
			return true
		}
		for _, v := range d.dict(dd["AA"]) {
			if dangerousAction(d.dict(v)) {
				return true
			}
		}
	}
	return false
}

func dangerousAction(a pdfDict) bool {
	switch a["S"] {
	case pdfName("JavaScript"), pdfName("Launch"), pdfName("SubmitForm"), pdfName("ImportData"):
		return true
	}
	return a["JS"] != nil
}

func (d *pdfDoc) findRoot() pdfDict {
	var root any
	if tr := d.trailer(); tr != nil {
		root = tr["Root"]
	}
	if root == nil {
		nums := make([]int, 0, len(d.objs))
		for n := range d.objs {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		for _, n := range nums {
			if od, ok := d.objs[n].val.(pdfDict); ok {
				if od["Type"] == pdfName("XRef") && od["Root"] != nil {
					root = od["Root"]
				}
				if root == nil && od["Type"] == pdfName("Catalog") {
					root = pdfRef{num: n}
				}
			}
		}
	}
	return d.dict(root)
}

func indexAll(b, sep []byte) []int {
	var out []int
	for off := 0; ; {
		i := bytes.Index(b[off:], sep)
		if i < 0 {
			return out
		}
		out = append(out, off+i)
		off += i + len(sep)
	}
}

func (d *pdfDoc) page(p pdfPage) error {
	var content [][]byte
	switch c := p.dict["Contents"].(type) {
	case pdfRef:
		if arr, ok := d.resolve(c).([]any); ok {
			for _, e := range arr {
				if s := d.streamOf(e); s != nil {
					content = append(content, d.streamData(s))
				}
			}
		} else if s := d.streamOf(c); s != nil {
			content = append(content, d.streamData(s))
		}
	case []any:
		for _, e := range c {
			if s := d.streamOf(e); s != nil {
				content = append(content, d.streamData(s))
			}
		}
	}
	// A page's content may be split anywhere, even inside a token, so the
	// parts are joined before interpretation.
	if err := d.run(bytes.Join(content, []byte("\n")), p.resources, 0); err != nil {
		return err
	}
	d.newline()
	return nil
}

// orphanContents handles a file without a usable page tree: every stream
// that is not an image, font, metadata or the like is tried as content,
// without font information.
func (d *pdfDoc) orphanContents() error {
	nums := make([]int, 0, len(d.objs))
	for n, o := range d.objs {
		if o.raw != nil {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		o := d.objs[n]
		dict, _ := o.val.(pdfDict)
		if dict["Type"] != nil || dict["Length1"] != nil || dict["Subtype"] != nil && dict["Subtype"] != pdfName("Form") {
			continue
		}
		if err := d.run(d.streamData(o), nil, 0); err != nil {
			return err
		}
		d.newline()
	}
	return nil
}

func (d *pdfDoc) newline() {
	s := d.out.String()
	if len(s) > 0 && s[len(s)-1] != '\n' {
		d.out.WriteByte('\n')
	}
}

func (d *pdfDoc) emit(s string) {
	if d.out.Len() < d.maxOut {
		d.out.WriteString(s)
	}
}

// run interprets a content stream's text operators.
func (d *pdfDoc) run(content []byte, res pdfDict, depth int) error {
	if len(content) == 0 || depth > 8 {
		return nil
	}
	fonts := d.dict(res["Font"])
	var font *pdfFont
	l := &pdfLexer{b: content}
	var operands []any
	var bl baselines
	for {
		v, ok := l.object(0)
		if !ok {
			return nil
		}
		op, isOp := v.(pdfKeyword)
		if !isOp || op == "]" || op == ">>" {
			if len(operands) < 64 {
				operands = append(operands, v)
			}
			continue
		}
		d.ops++
		if d.ops%ctxCheckEvery == 0 {
			if err := d.ctx.Err(); err != nil {
				return err
			}
		}
		if d.out.Len() >= d.maxOut {
			return nil
		}
		switch op {
		case "Tf":
			if len(operands) >= 1 {
				if name, ok := operands[0].(pdfName); ok {
					font = d.font(fonts[name])
				}
			}
		case "BT":
			bl.begin()
		case "Tj":
			bl.show(d)
			d.showText(font, last(operands))
		case "'", "\"":
			bl.nextLine()
			bl.show(d)
			d.newline()
			d.showText(font, last(operands))
		case "TJ":
			bl.show(d)
			arr, _ := last(operands).([]any)
			for _, e := range arr {
				switch e := e.(type) {
				case pdfString:
					d.showText(font, e)
				case float64:
					// A wide negative adjustment is a word gap in Latin
					// text (units are 1/1000 em).
					if e < -250 && (font == nil || !font.twoByte) {
						d.emit(" ")
					}
				}
			}
		case "Td", "TD":
			if len(operands) >= 2 {
				tx, ok1 := operands[0].(float64)
				ty, ok2 := operands[1].(float64)
				if ok1 && ok2 {
					bl.move(tx, ty, op == "TD")
				}
			}
		case "TL":
			if len(operands) >= 1 {
				if tl, ok := operands[0].(float64); ok {
					bl.leading = tl
				}
			}
		case "T*":
			// "Next line" even when no leading was set (TL 0).
			bl.nextLine()
			d.newline()
		case "Tm":
			if len(operands) >= 6 {
				var m [6]float64
				ok := true
				for i := range m {
					m[i], ok = operands[i].(float64)
					if !ok {
						break
					}
				}
				if ok {
					bl.set(m)
				}
			}
		case "BI":
			l.skipInlineImage()
		case "Do":
			if name, ok := last(operands).(pdfName); ok {
				xo := d.dict(res["XObject"])
				if s := d.streamOf(xo[name]); s != nil {
					sd, _ := s.val.(pdfDict)
					if sd["Subtype"] == pdfName("Form") {
						fres := d.dict(sd["Resources"])
						if fres == nil {
							fres = res
						}
						if err := d.run(d.streamData(s), fres, depth+1); err != nil {
							return err
						}
					}
				}
			}
		}
		operands = operands[:0]
	}
}

// baselines rebuilds lines from glyph positions: it tracks the text line
// matrix (BT, Td, TD, T*, TL, Tm; the CTM is not tracked, producers set
// text positions with these) and starts a new line when a run is shown on
// another baseline than the run before. So runs set on one baseline are
// one line whatever the text objects — LibreOffice writes one BT…Td…ET per
// run (a list number, a Latin run inside CJK text, each table cell) and
// Chromium/Skia one BT…Tm…ET per line — and a wrapped line is a new line.
type baselines struct {
	m              [6]float64 // the text line matrix
	leading        float64
	lastY          float64
	haveY, inBlock bool
}

func (b *baselines) begin() {
	b.m = [6]float64{1, 0, 0, 1, 0, 0}
	b.inBlock = true
}

func (b *baselines) set(m [6]float64) { b.m, b.inBlock = m, true }

// move is Td (and TD, which also sets the leading): the line matrix is
// translated by (tx, ty) in text space.
func (b *baselines) move(tx, ty float64, setLeading bool) {
	if !b.inBlock {
		b.begin()
	}
	if setLeading {
		b.leading = -ty
	}
	b.m[4] += tx*b.m[0] + ty*b.m[2]
	b.m[5] += tx*b.m[1] + ty*b.m[3]
}

func (b *baselines) nextLine() { b.move(0, -b.leading, false) }

// show is called before a run is shown: a new line starts when the
// baseline moved since the last run.
func (b *baselines) show(d *pdfDoc) {
	y := b.m[5]
	if b.haveY && math.Abs(y-b.lastY) > 0.01 {
		d.newline()
	}
	b.lastY, b.haveY = y, true
}

func last(a []any) any {
	if len(a) == 0 {
		return nil
	}
	return a[len(a)-1]
}

// skipInlineImage moves past an inline image's data: after "ID" and one
// white-space byte, up to "EI" standing alone.
func (l *pdfLexer) skipInlineImage() {
	i := bytes.Index(l.b[l.pos:], []byte("ID"))
	if i < 0 {
		l.pos = len(l.b)
		return
	}
	p := l.pos + i + 3
	for p < len(l.b) {
		j := bytes.Index(l.b[p:], []byte("EI"))
		if j < 0 {
			break
		}
		k := p + j
		if k > 0 && isPDFSpace(l.b[k-1]) && (k+2 == len(l.b) || isPDFSpace(l.b[k+2])) {
			l.pos = k + 2
			return
		}
		p = k + 2
	}
	l.pos = len(l.b)
}

func (d *pdfDoc) showText(f *pdfFont, v any) {
	s, ok := v.(pdfString)
	if !ok || len(s) == 0 {
		return
	}
	if f == nil {
		d.emit(decodeSimple(s))
		return
	}
	text, ok := f.decode(s)
	if !ok {
		d.skipped++
		return
	}
	d.emit(text)
}

// decodeSimple decodes a string shown in a simple font without a ToUnicode
// map: UTF-16BE when it starts with a BOM, otherwise Latin-1 (which equals
// PDFDocEncoding and WinAnsiEncoding for letters, digits and most signs).
func decodeSimple(s []byte) string {
	if len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF {
		return decodeUTF16BE(s[2:])
	}
	var b strings.Builder
	for _, c := range s {
		if c >= 0x20 || c == '\t' || c == '\n' {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

func decodeUTF16BE(s []byte) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, binary.BigEndian.Uint16(s[i:]))
	}
	return string(utf16.Decode(u))
}

// pdfFont is what the extractor knows about one font.
type pdfFont struct {
	twoByte bool              // a Type0 (composite) font: codes are 2 bytes unless the CMap says otherwise
	cmap    map[uint32]string // from /ToUnicode
	codeLen int               // bytes per code for cmap lookups
	ucs2    bool              // /Encoding is a UCS-2 or UTF-16 CMap: codes are the text
	gb      bool              // /Encoding is a GB CMap: codes are GBK/GB18030 bytes
}

func (d *pdfDoc) font(v any) *pdfFont {
	r, isRef := v.(pdfRef)
	if isRef {
		if f, ok := d.fonts[r.num]; ok {
			return f
		}
	}
	fd := d.dict(v)
	if fd == nil {
		return nil
	}
	f := &pdfFont{twoByte: fd["Subtype"] == pdfName("Type0"), codeLen: 1}
	if f.twoByte {
		f.codeLen = 2
	}
	if enc, ok := fd["Encoding"].(pdfName); ok && f.twoByte {
		e := string(enc)
		f.ucs2 = strings.Contains(e, "UCS2") || strings.Contains(e, "UTF16")
		f.gb = strings.HasPrefix(e, "GB")
	}
	if s := d.streamOf(fd["ToUnicode"]); s != nil {
		f.cmap, f.codeLen = parseToUnicode(d.streamData(s), f.codeLen)
	}
	if isRef {
		d.fonts[r.num] = f
	}
	return f
}

// decode turns a shown string into text; ok is false when the font gives no
// way to know the characters (a CID font without ToUnicode).
func (f *pdfFont) decode(s []byte) (string, bool) {
	switch {
	case f.cmap != nil:
		var b strings.Builder
		n := max(f.codeLen, 1)
		for i := 0; i+n <= len(s); i += n {
			var code uint32
			for _, c := range s[i : i+n] {
				code = code<<8 | uint32(c)
			}
			if t, ok := f.cmap[code]; ok {
				b.WriteString(t)
			} else if !f.twoByte && code >= 0x20 && code < 0x7F {
				b.WriteByte(byte(code))
			}
		}
		return b.String(), true
	case f.ucs2:
		return decodeUTF16BE(s), true
	case f.gb:
		out, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(s)
		return string(out), true
	case f.twoByte:
		return "", false
	}
	return decodeSimple(s), true
}

// parseToUnicode reads bfchar and bfrange entries of a ToUnicode CMap. The
// code length comes from the first codespace range (or the first source
// code), falling back to def.
func parseToUnicode(data []byte, def int) (map[uint32]string, int) {
	m := map[uint32]string{}
	codeLen := 0
	l := &pdfLexer{b: data}
	var prev []any
	mode := ""
	for {
		v, ok := l.object(0)
		if !ok {
			break
		}
		kw, isKw := v.(pdfKeyword)
		if !isKw {
			prev = append(prev, v)
			if mode == "bfchar" && len(prev) == 2 {
				src, _ := prev[0].(pdfString)
				dst, _ := prev[1].(pdfString)
				if len(src) > 0 && len(src) <= 4 {
					if codeLen == 0 {
						codeLen = len(src)
					}
					m[be(src)] = decodeUTF16BE(dst)
				}
				prev = prev[:0]
			}
			if mode == "bfrange" && len(prev) == 3 {
				lo, _ := prev[0].(pdfString)
				hi, _ := prev[1].(pdfString)
				if len(lo) > 0 && len(lo) <= 4 && len(hi) == len(lo) {
					if codeLen == 0 {
						codeLen = len(lo)
					}
					a, z := be(lo), be(hi)
					if z >= a && z-a < 65536 && len(m) < 1<<20 {
						switch dst := prev[2].(type) {
						case pdfString:
							base := []rune(decodeUTF16BE(dst))
							for c := a; c <= z && len(base) > 0; c++ {
								rs := append([]rune(nil), base...)
								rs[len(rs)-1] += rune(c - a)
								m[c] = string(rs)
							}
						case []any:
							for i, e := range dst {
								if s, ok := e.(pdfString); ok && a+uint32(i) <= z {
									m[a+uint32(i)] = decodeUTF16BE(s)
								}
							}
						}
					}
				}
				prev = prev[:0]
			}
			if mode == "codespace" && len(prev) == 2 {
				if lo, ok := prev[0].(pdfString); ok && codeLen == 0 && len(lo) > 0 && len(lo) <= 4 {
					codeLen = len(lo)
				}
				prev = prev[:0]
			}
			continue
		}
		switch kw {
		case "beginbfchar":
			mode = "bfchar"
		case "beginbfrange":
			mode = "bfrange"
		case "begincodespacerange":
			mode = "codespace"
		default:
			if strings.HasPrefix(string(kw), "end") {
				mode = ""
			}
		}
		prev = prev[:0]
	}
	if codeLen == 0 {
		codeLen = def
	}
	// Replacement characters from broken UTF-16 targets carry no text.
	for k, v := range m {
		if !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError) {
			delete(m, k)
		}
	}
	return m, codeLen
}

func be(b []byte) uint32 {
	var v uint32
	for _, c := range b {
		v = v<<8 | uint32(c)
	}
	return v
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return -1
		}
	}
	return n
}
