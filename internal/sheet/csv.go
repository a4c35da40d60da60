package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"fugong/internal/apperror"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// detectEncoding streams the file once: it refuses NUL bytes and decides
// the encoding. Valid UTF-8 is UTF-8 (GBK text is almost never valid UTF-8,
// while the reverse is common, so this order is the safe one); anything
// else is decoded as GB18030, the superset of GBK. A BOM promises UTF-8, so
// a BOM followed by invalid UTF-8 is an error rather than a guess.
func detectEncoding(f *io.SectionReader) (Encoding, error) {
	var head [3]byte
	n, _ := f.ReadAt(head[:], 0)
	hasBOM := bytes.Equal(head[:n], bom)
	buf := make([]byte, 64<<10)
	var carry int // bytes of an incomplete rune kept at buf's start, already scanned
	valid := true
	line := 1
	for {
		n, err := f.Read(buf[carry:])
		chunk := buf[:carry+n]
		if i := bytes.IndexByte(chunk[carry:], 0); i >= 0 {
			line += bytes.Count(chunk[:carry+i], []byte{'\n'})
			return "", apperror.WithText(apperror.Invalid, msgNUL.With(),
				[]apperror.Detail{Detail(line, "", msgNULLine.With(line))})
		}
		line += bytes.Count(chunk[carry:], []byte{'\n'})
		end := len(chunk)
		if err == nil {
			end = completeRunes(chunk)
		}
		if valid && !utf8.Valid(chunk[:end]) {
			valid = false
			if hasBOM {
				return "", apperror.Msg(apperror.Invalid, msgBOMNotUTF8)
			}
		}
		carry = copy(buf, chunk[end:])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", apperror.WrapMsg(err, apperror.Internal, msgCannotRead)
		}
	}
	switch {
	case valid && hasBOM:
		return UTF8BOM, nil
	case valid:
		return UTF8, nil
	}
	return GB18030, nil
}

// completeRunes returns the length of b without a trailing incomplete
// UTF-8 sequence (at most 3 bytes), which the next read completes.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

type csvSource struct {
	f   *io.SectionReader
	r   *csv.Reader
	enc Encoding
	row int
	// encoding/csv skips empty lines; they are handed out as blank rows so
	// row numbers stay those a spreadsheet shows.
	blanks  int      // blank rows still to hand out before held
	held    []string // the record read after them
	endLine int      // the file line the last record ended on
}

func openCSV(file File) (source, Encoding, error) {
	f := io.NewSectionReader(file, 0, file.Size())
	var head [2]byte
	n, _ := f.ReadAt(head[:], 0)
	if n == 2 && (head == [2]byte{0xFF, 0xFE} || head == [2]byte{0xFE, 0xFF}) {
		return openUTF16(f)
	}
	enc, err := detectEncoding(f)
	if err != nil {
		return nil, "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", apperror.WrapMsg(err, apperror.Internal, msgCannotRead)
	}
	var in io.Reader = bufio.NewReaderSize(f, 64<<10)
	switch enc {
	case UTF8BOM:
		in.(*bufio.Reader).Discard(len(bom))
	case GB18030:
		in = transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder())
	}
	comma := sniffDelimiter(f)
	in = &lineCap{r: in, max: MaxLineBytes}
	r := csv.NewReader(in)
	r.Comma = comma
	// Tab-separated text is pasted from a spreadsheet: quotes in it are
	// literal characters, not CSV quoting.
	r.LazyQuotes = comma == '\t'
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	return &csvSource{f: f, r: r, enc: enc}, enc, nil
}

func (s *csvSource) next() ([]string, error) {
	if s.blanks > 0 {
		s.blanks--
		s.row++
		return nil, nil
	}
	if s.held != nil {
		rec := s.held
		s.held = nil
		s.row++
		return rec, nil
	}
	rec, err := s.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err == nil && len(rec) > 0 {
		start, _ := s.r.FieldPos(0)
		last, _ := s.r.FieldPos(len(rec) - 1)
		prevEnd := s.endLine
		s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
		if gap := start - prevEnd - 1; gap > 0 && prevEnd > 0 || prevEnd == 0 && start > 1 {
			if prevEnd == 0 {
				gap = start - 1
			}
			s.held = append([]string(nil), rec...)
			s.blanks = gap - 1
			s.row++
			return nil, nil
		}
	}
	s.row++
	if err != nil {
		if ae := apperror.As(err); ae != nil {
			return nil, ae
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if ae := apperror.As(pe.Err); ae != nil {
				return nil, ae
			}
			return nil, apperror.WithText(apperror.Invalid, msgMalformedCSV.With(),
				[]apperror.Detail{Detail(s.row, "", msgMalformedCSVRow.With(pe.Line, pe.Err.Error()))})
		}
		return nil, apperror.WrapMsg(err, apperror.Invalid, msgCSVUnreadable)
	}
	if s.enc == GB18030 {
		for _, c := range rec {
			if strings.ContainsRune(c, utf8.RuneError) {
				return nil, apperror.WithText(apperror.Invalid, msgBadEncoding.With(),
					[]apperror.Detail{Detail(s.row, "", msgBadEncodingRow.With())})
			}
		}
	}
	return rec, nil
}

func (s *csvSource) close() error { return nil } // the File's owner closes it

// sniffDelimiter reads the first lines of f and returns the field
// separator they use (see pickDelimiter). Tabs, commas and semicolons are
// ASCII in every single-byte-compatible encoding sheet reads.
func sniffDelimiter(f *io.SectionReader) rune {
	var head [16 << 10]byte
	n, _ := f.ReadAt(head[:], 0)
	return pickDelimiter(head[:n])
}

// pickDelimiter returns the separator of the first lines of a text table:
// '\t' for tab-separated text (Excel's "Unicode text", a paste into
// Notepad), ';' for what LibreOffice Calc and Excel in many locales write
// as "CSV" with a semicolon, ',' otherwise. Separators inside quoted fields
// are not counted (a quoted "备注；说明" or "a, b" is one field); a semicolon
// wins only over fewer commas and tabs, so a comma CSV with semicolons in
// unquoted text stays a comma CSV.
func pickDelimiter(b []byte) rune {
	tabs, commas, semis, lines := 0, 0, 0, 0
	inQuote, blank := false, true
scan:
	for _, c := range b {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			if !blank {
				if lines++; lines == 10 {
					break scan
				}
			}
			blank = true
			continue
		case c == '\t':
			tabs++
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
		if c != ' ' && c != '\r' {
			blank = false
		}
	}
	switch {
	case tabs > commas && tabs >= semis:
		return '\t'
	case semis > commas && semis > tabs:
		return ';'
	}
	return ','
}

// lineCap fails once a line grows past max bytes, before encoding/csv has
// buffered it whole (one 20 MB line would cost hundreds of MB).
type lineCap struct {
	r    io.Reader
	max  int
	run  int
	line int
}

func (l *lineCap) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
			l.line++
			continue
		}
		if l.run++; l.run > l.max {
			return 0, apperror.WithText(apperror.Invalid, msgLineTooLong.With(l.line+1, l.max>>10),
				[]apperror.Detail{Detail(l.line+1, "", msgLineTooLong.With(l.line+1, l.max>>10))})
		}
	}
	return n, err
}

// openUTF16 reads what Excel's "Unicode text" and Notepad's "Unicode" save:
// UTF-16 with a BOM, usually tab-separated.
func openUTF16(f *io.SectionReader) (source, Encoding, error) {
	dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	var head [16 << 10]byte
	n, _ := f.ReadAt(head[:], 0)
	sample, _ := dec.Bytes(head[:n&^1])
	comma := pickDelimiter(sample)
	dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	in := &lineCap{r: transform.NewReader(bufio.NewReaderSize(f, 64<<10), dec), max: MaxLineBytes}
	r := csv.NewReader(in)
	r.Comma = comma
	r.LazyQuotes = comma == '\t'
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	return &csvSource{f: f, r: r, enc: UTF16}, UTF16, nil
}
