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
func (s *xmlScanner) next() error {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		if b != '<' {
			if s.keep {
				s.text = append(s.text, b)
				if len(s.text) > MaxCellBytes*2 {
					return errCellTooLong
				}
			}
			continue
		}
		s.tag = s.tag[:0]
		quote := byte(0)
		for {
			c, err := s.r.ReadByte()
			if err != nil {
				return errXMLSyntax
			}
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
			s.tag = append(s.tag, c)
			if len(s.tag) > 1<<16 {
				return errXMLSyntax
			}
			if len(s.tag) == 8 && bytes.Equal(s.tag, []byte("![CDATA[")) {
				if err := s.cdata(); err != nil {
					return err
				}
				s.tag = s.tag[:0]
				break
			}
			if len(s.tag) == 3 && bytes.Equal(s.tag, []byte("!--")) {
				if err := s.skipUntil([]byte("-->")); err != nil {
					return err
				}
				s.tag = s.tag[:0]
				break
			}
		}
		if len(s.tag) == 0 || s.tag[0] == '?' || s.tag[0] == '!' {
			continue
		}
		return nil
	}
}

func (s *xmlScanner) cdata() error {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return errXMLSyntax
		}
		if s.keep {
			s.text = append(s.text, c)
		}
		if c == '>' && s.keep && bytes.HasSuffix(s.text, []byte("]]>")) {
			s.text = s.text[:len(s.text)-3]
			// CDATA text is literal: protect its '&' from decodeEntities.
			return nil
		}
		if c == '>' && !s.keep {
			return nil
		}
	}
}

func (s *xmlScanner) skipUntil(end []byte) error {
	var tail []byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return errXMLSyntax
		}
		tail = append(tail, c)
		if len(tail) > len(end) {
			tail = tail[1:]
		}
		if bytes.Equal(tail, end) {
			return nil
		}
	}
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
	i := bytes.IndexAny(t, " \t\r\n")
	if i >= 0 {
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
	i := bytes.IndexAny(t, " \t\r\n")
	if i < 0 {
		return nil
	}
	t = t[i:]
	for len(t) > 0 {
		t = bytes.TrimLeft(t, " \t\r\n")
		eq := bytes.IndexByte(t, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(t[:eq])
		if j := bytes.LastIndexByte(key, ':'); j >= 0 {
			key = key[j+1:]
		}
		t = bytes.TrimLeft(t[eq+1:], " \t\r\n")
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
			typ = string(s.attr("t"))
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
