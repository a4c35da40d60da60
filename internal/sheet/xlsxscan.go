package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A streaming reader for the two XLSX parts a table needs, the worksheet
// and the shared-string table. excelize's row iterator decodes every
// element through encoding/xml's reflection and costs ~4 µs a cell, which
// made a 50,000-row roster five times slower as XLSX than as CSV; this
// scanner reads the same XML byte by byte. excelize still opens the
// workbook (sheet list, visibility, date system).

// maxSheetColumns is Excel's column limit (XFD); a cell reference beyond
// it is a damaged or hostile file.
const maxSheetColumns = 16384

// maxSheetRows is Excel's row limit.
const maxSheetRows = 1048576

var errXMLSyntax = errors.New("sheet: malformed worksheet XML")

// xmlScanner splits XML into tags and the text between them.
type xmlScanner struct {
	r    *bufio.Reader
	text []byte // text read before the current tag, while capturing
	keep bool   // capture text
	tag  []byte // the current tag without < and >
}

// next reads up to and including the next tag. Comments, processing
// instructions and declarations are skipped; CDATA is captured as text.
// It reads whole runs out of the bufio buffer (ReadSlice finds '<' and '>'
// with IndexByte) instead of a byte at a time: the worksheet XML of a
// 50,000-row roster is ~20 MB.
func (s *xmlScanner) next() error {
	for {
		// Text up to the next '<'.
		for {
			chunk, err := s.r.ReadSlice('<')
			if err == nil {
				chunk = chunk[:len(chunk)-1]
			} else if err != bufio.ErrBufferFull {
				if err == io.EOF && s.keep {
					s.text = append(s.text, chunk...)
				}
				return err
			}
			if s.keep {
				s.text = append(s.text, chunk...)
				if len(s.text) > MaxCellBytes*2 {
					return errCellTooLong
				}
			}
			if err == nil {
				break
			}
		}
		// The tag up to its '>', which may not end it inside a quoted
		// attribute value.
		s.tag = s.tag[:0]
		quote := byte(0)
		for {
			chunk, err := s.r.ReadSlice('>')
			if err != nil && err != bufio.ErrBufferFull {
				return errXMLSyntax
			}
			start := len(s.tag)
			s.tag = append(s.tag, chunk...)
			if len(s.tag) > 1<<16 {
				return errXMLSyntax
			}
			if s.tag[0] == '!' && (bytes.HasPrefix(s.tag, []byte("![CDATA[")) || bytes.HasPrefix(s.tag, []byte("!--"))) {
				break // their own end; quotes inside mean nothing
			}
			for _, c := range s.tag[start:] {
				if quote != 0 {
					if c == quote {
						quote = 0
					}
				} else if c == '"' || c == '\'' {
					quote = c
				}
			}
			if err == nil && quote == 0 {
				s.tag = s.tag[:len(s.tag)-1] // the '>'
				break
			}
		}
		switch {
		case bytes.HasPrefix(s.tag, []byte("![CDATA[")):
			if err := s.cdata(); err != nil {
				return err
			}
			continue
		case bytes.HasPrefix(s.tag, []byte("!--")):
			if err := s.skipTo(s.tag[3:], "-->"); err != nil {
				return err
			}
			continue
		}
		if len(s.tag) == 0 || s.tag[0] == '?' || s.tag[0] == '!' {
			continue
		}
		return nil
	}
}

// cdata captures the text of a CDATA section whose start, up to its first
// '>', is in s.tag; CDATA text is literal.
func (s *xmlScanner) cdata() error {
	body := s.tag[len("![CDATA["):]
	for !bytes.HasSuffix(body, []byte("]]>")) {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return errXMLSyntax
		}
		body = append(body, chunk...)
		if len(body) > MaxCellBytes*2 {
			return errCellTooLong
		}
	}
	if s.keep {
		s.text = append(s.text, body[:len(body)-3]...)
	}
	s.tag = body[:0] // keep the grown buffer
	return nil
}

// skipTo reads past end; read is what was already read of the construct.
func (s *xmlScanner) skipTo(read []byte, end string) error {
	tail := append([]byte(nil), read[max(0, len(read)-len(end)):]...)
	for !bytes.HasSuffix(tail, []byte(end)) {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return errXMLSyntax
		}
		tail = append(tail, chunk...)
		tail = tail[max(0, len(tail)-len(end)):]
	}
	return nil
}

// isSpace reports whether c is XML white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimSpaceLeft drops leading XML white space.
func trimSpaceLeft(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// indexSpace is the index of the first XML white space in b, or -1.
func indexSpace(b []byte) int {
	for i, c := range b {
		if isSpace(c) {
			return i
		}
	}
	return -1
}

// name returns the local name of the current tag, whether it is an end
// tag and whether it closes itself.
func (s *xmlScanner) name() (local []byte, end, self bool) {
	t := s.tag
	if len(t) > 0 && t[0] == '/' {
		end, t = true, t[1:]
	}
	if len(t) > 0 && t[len(t)-1] == '/' {
		self, t = true, t[:len(t)-1]
	}
	if i := indexSpace(t); i >= 0 {
		t = t[:i]
	}
	if j := bytes.LastIndexByte(t, ':'); j >= 0 {
		t = t[j+1:]
	}
	return t, end, self
}

// attr returns the value of attribute name (local name) of the current tag.
func (s *xmlScanner) attr(name string) []byte {
	t := s.tag
	i := indexSpace(t)
	if i < 0 {
		return nil
	}
	t = t[i:]
	for len(t) > 0 {
		t = trimSpaceLeft(t)
		eq := bytes.IndexByte(t, '=')
		if eq < 0 {
			return nil
		}
		key := t[:eq]
		for len(key) > 0 && isSpace(key[len(key)-1]) {
			key = key[:len(key)-1]
		}
		if j := bytes.LastIndexByte(key, ':'); j >= 0 {
			key = key[j+1:]
		}
		t = trimSpaceLeft(t[eq+1:])
		if len(t) == 0 || (t[0] != '"' && t[0] != '\'') {
			return nil
		}
		q := t[0]
		end := bytes.IndexByte(t[1:], q)
		if end < 0 {
			return nil
		}
		val := t[1 : 1+end]
		t = t[2+end:]
		if string(key) == name {
			return val
		}
	}
	return nil
}

var errCellTooLong = errors.New("sheet: cell too long")

// decodeText resolves XML entities and Excel's _xHHHH_ escapes.
func decodeText(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 && bytes.Index(b, []byte("_x")) < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '&' {
			j := bytes.IndexByte(b[i:], ';')
			if j > 1 && j < 12 {
				ent := string(b[i+1 : i+j])
				r := rune(-1)
				switch {
				case ent == "lt":
					r = '<'
				case ent == "gt":
					r = '>'
				case ent == "amp":
					r = '&'
				case ent == "quot":
					r = '"'
				case ent == "apos":
					r = '\''
				case len(ent) > 2 && (ent[:2] == "#x" || ent[:2] == "#X"):
					if v, err := strconv.ParseUint(ent[2:], 16, 32); err == nil {
						r = rune(v)
					}
				case len(ent) > 1 && ent[0] == '#':
					if v, err := strconv.ParseUint(ent[1:], 10, 32); err == nil {
						r = rune(v)
					}
				}
				if r >= 0 && utf8.ValidRune(r) {
					out = utf8.AppendRune(out, r)
					i += j
					continue
				}
			}
		}
		if c == '_' && i+6 < len(b) && b[i+1] == 'x' && b[i+6] == '_' {
			if v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16); err == nil {
				out = utf8.AppendRune(out, rune(v))
				i += 6
				continue
			}
		}
		out = append(out, c)
	}
	return string(out)
}

// readSharedStrings reads the shared-string table (at most max entries:
// checkPackage has already counted them).
func readSharedStrings(zf *zip.File, limit int64, max int) ([]string, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, damaged(err)
	}
	defer rc.Close()
	s := &xmlScanner{r: bufio.NewReaderSize(io.LimitReader(rc, limit), 64<<10)}
	var out []string
	inSI, inT, phonetic := false, false, 0
	var buf []byte
	for {
		err := s.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, damaged(err)
		}
		name, end, self := s.name()
		switch string(name) {
		case "si":
			if !end {
				inSI, buf = true, buf[:0]
				if self {
					out = append(out, "")
					inSI = false
				}
			} else if inSI {
				inSI = false
				if len(out) >= max {
					return nil, damaged(fmt.Errorf("more than %d shared strings", max))
				}
				out = append(out, decodeText(buf))
			}
		case "rPh":
			if !end && !self {
				phonetic++
			} else if end && phonetic > 0 {
				phonetic--
			}
		case "t":
			if !end && !self && inSI && phonetic == 0 {
				inT, s.keep, s.text = true, true, s.text[:0]
			} else if end && inT {
				buf = append(buf, s.text...)
				inT, s.keep = false, false
			}
		}
	}
}

// sheetRows iterates the rows of one worksheet part.
type sheetRows struct {
	rc     io.ReadCloser
	s      *xmlScanner
	sst    []string
	cur    int      // the last row number returned
	next   []string // a row read ahead past a gap
	nextAt int
	cells  []string
	done   bool
	// merges are the sheet's merged ranges spanning rows: a spreadsheet
	// shows their value on every row, the XML holds it in the top cell
	// only, so the rows below get it filled in.
	merges []mergeRange
}

// mergeRange is a merged range, rows and columns from 1; value is its top
// cell's text once that row was read.
type mergeRange struct {
	r1, c1, r2, c2 int
	value          string
}

// maxMerges bounds the merged ranges kept for one sheet.
const maxMerges = 10000

// scanMerges reads the <mergeCell ref="A3:A5"/> elements of a worksheet
// part, keeping the ranges that span more than one row.
func scanMerges(zf *zip.File, limit int64) ([]mergeRange, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, damaged(err)
	}
	defer rc.Close()
	s := &xmlScanner{r: bufio.NewReaderSize(io.LimitReader(rc, limit), 64<<10)}
	var out []mergeRange
	for len(out) < maxMerges {
		err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, damaged(err)
		}
		if name, end, _ := s.name(); end || string(name) != "mergeCell" {
			continue
		}
		ref := string(s.attr("ref"))
		a, b, ok := strings.Cut(ref, ":")
		if !ok {
			continue
		}
		c1, r1 := cellRef(a)
		c2, r2 := cellRef(b)
		if r1 > 0 && c1 > 0 && r2 > r1 && c2 >= c1 {
			out = append(out, mergeRange{r1: r1, c1: c1, r2: r2, c2: c2})
		}
	}
	return out, nil
}

// cellRef splits "AB12" into column 28 and row 12 (0, 0 if malformed).
func cellRef(ref string) (col, row int) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	n, err := strconv.Atoi(ref[i:])
	if err != nil || i == 0 || col > maxSheetColumns || n < 1 || n > maxSheetRows {
		return 0, 0
	}
	return col, n
}

// fill gives row num the values of the merged ranges it lies under (the
// top-left cell's, in the range's first column), and records the values of
// the ranges it starts.
func (r *sheetRows) fill(num int, cells []string) []string {
	// A row with no cell of its own stays blank: the merge only decorates it.
	empty := blank(cells)
	for i := range r.merges {
		m := &r.merges[i]
		switch {
		case num == m.r1:
			if m.c1 <= len(cells) {
				m.value = cells[m.c1-1]
			}
		case num > m.r1 && num <= m.r2 && m.value != "" && !empty:
			for len(cells) < m.c1 {
				cells = append(cells, "")
			}
			if cells[m.c1-1] == "" {
				cells[m.c1-1] = m.value
			}
		}
	}
	return cells
}

func openSheetRows(zf *zip.File, limit int64, sst []string) (*sheetRows, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, damaged(err)
	}
	return &sheetRows{rc: rc, s: &xmlScanner{r: bufio.NewReaderSize(io.LimitReader(rc, limit), 64<<10)}, sst: sst}, nil
}

func (r *sheetRows) close() error { return r.rc.Close() }

// row returns the cells of the next row (a row absent from the XML comes
// back empty), io.EOF at the end.
func (r *sheetRows) row() ([]string, error) {
	if r.next != nil {
		if r.nextAt == r.cur+1 {
			r.cur++
			row := r.next
			r.next = nil
			return r.fill(r.cur, row), nil
		}
		r.cur++
		return r.fill(r.cur, nil), nil
	}
	if r.done {
		return nil, io.EOF
	}
	num, cells, err := r.read()
	if err == io.EOF {
		r.done = true
		return nil, io.EOF
	}
	if err != nil {
		return nil, err
	}
	if num <= r.cur { // rows out of order: read as they come
		num = r.cur + 1
	}
	if num > r.cur+1 {
		r.next, r.nextAt = cells, num
		r.cur++
		return r.fill(r.cur, nil), nil
	}
	r.cur = num
	return r.fill(num, cells), nil
}

// read reads one <row> element.
func (r *sheetRows) read() (int, []string, error) {
	s := r.s
	num := 0
	inRow := false
	col, typ := 0, ""
	var val []byte
	inV, inIS, phonetic := false, false, 0
	cells := r.cells[:0]
	for {
		err := s.next()
		if err == io.EOF {
			if inRow {
				return 0, nil, damaged(errXMLSyntax)
			}
			return 0, nil, io.EOF
		}
		if err == errCellTooLong {
			return 0, nil, msgCellTooLongErr()
		}
		if err != nil {
			return 0, nil, damaged(err)
		}
		name, end, self := s.name()
		switch string(name) {
		case "row":
			if end {
				r.cells = cells
				return num, cells, nil
			}
			inRow = true
			num = r.cur + 1
			if v := s.attr("r"); v != nil {
				n, err := strconv.Atoi(string(v))
				if err != nil || n < 1 || n > maxSheetRows {
					return 0, nil, damaged(fmt.Errorf("row number %q", v))
				}
				num = n
			}
			if self {
				return num, nil, nil
			}
		case "c":
			if !inRow {
				continue
			}
			if end {
				cells = r.put(cells, col, typ, val)
				continue
			}
			col++
			if ref := s.attr("r"); ref != nil {
				c := 0
				for _, ch := range ref {
					if ch >= 'A' && ch <= 'Z' {
						c = c*26 + int(ch-'A'+1)
					} else if ch >= 'a' && ch <= 'z' {
						c = c*26 + int(ch-'a'+1)
					} else {
						break
					}
				}
				if c > 0 {
					col = c
				}
			}
			if col > maxSheetColumns {
				return 0, nil, damaged(fmt.Errorf("column %d", col))
			}
			typ = cellType(s.attr("t"))
			val = val[:0]
			if self {
				cells = r.put(cells, col, typ, nil)
			}
		case "v":
			if !end && !self {
				inV, s.keep, s.text = true, true, s.text[:0]
			} else if end && inV {
				val = append(val[:0], s.text...)
				inV, s.keep = false, false
			}
		case "is":
			inIS = !end && !self
		case "rPh":
			if !end && !self {
				phonetic++
			} else if end && phonetic > 0 {
				phonetic--
			}
		case "t":
			if !end && !self && inIS && phonetic == 0 {
				s.keep, s.text = true, s.text[:0]
			} else if end && inIS && s.keep {
				val = append(val, s.text...)
				s.keep = false
			}
		case "sheetData":
			if end {
				return 0, nil, io.EOF
			}
		}
	}
}

// cellType is a cell's t attribute as a string, without an allocation for
// the types Excel writes.
func cellType(t []byte) string {
	switch string(t) {
	case "":
		return ""
	case "s":
		return "s"
	case "n":
		return "n"
	case "b":
		return "b"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return string(t)
}

// put stores the cell at 1-based column col as its text: a shared string
// by index, inline text, or the raw value (numbers, dates as serials,
// booleans as 1/0, formula results).
func (r *sheetRows) put(cells []string, col int, typ string, val []byte) []string {
	if col < 1 {
		return cells
	}
	var text string
	switch typ {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(val)))
		if err == nil && i >= 0 && i < len(r.sst) {
			text = r.sst[i]
		}
	default:
		text = decodeText(val)
	}
	for len(cells) < col-1 {
		cells = append(cells, "")
	}
	if len(cells) == col-1 {
		return append(cells, text)
	}
	cells[col-1] = text
	return cells
}
