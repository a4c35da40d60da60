package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"fugong/internal/apperror"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// detectEncoding streams the file once: it refuses NUL bytes and decides
// the encoding. Valid UTF-8 is UTF-8 (GBK text is almost never valid UTF-8,
// while the reverse is common, so this order is the safe one); anything
// else is decoded as GB18030, the superset of GBK. A BOM promises UTF-8, so
// a BOM followed by invalid UTF-8 is an error rather than a guess.
func detectEncoding(f *os.File) (Encoding, error) {
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
			return "", apperror.WithDetails(apperror.Invalid,
				"文件含有空字节（NUL），不是文本 CSV / the file contains a NUL byte: not a text CSV",
				[]apperror.Detail{{Row: line, Message: "第 " + itoa(line) + " 行含有空字节（NUL） / line " + itoa(line) + " contains a NUL byte"}})
		}
		line += bytes.Count(chunk[carry:], []byte{'\n'})
		end := len(chunk)
		if err == nil {
			end = completeRunes(chunk)
		}
		if valid && !utf8.Valid(chunk[:end]) {
			valid = false
			if hasBOM {
				return "", apperror.New(apperror.Invalid,
					"文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8（可能混入了 GBK 编码）；请在 Excel 中另存为“CSV UTF-8” / the file starts with a UTF-8 BOM but is not valid UTF-8 (GBK bytes mixed in?); save it again as \"CSV UTF-8\"")
			}
		}
		carry = copy(buf, chunk[end:])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", apperror.Wrap(err, apperror.Internal, "无法读取上传文件 / cannot read the uploaded file")
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
	f   *os.File
	r   *csv.Reader
	enc Encoding
	row int
}

func openCSV(path string) (source, Encoding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", apperror.Wrap(err, apperror.Internal, "无法打开上传文件 / cannot open the uploaded file")
	}
	enc, err := detectEncoding(f)
	if err != nil {
		f.Close()
		return nil, "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, "", apperror.Wrap(err, apperror.Internal, "无法读取上传文件 / cannot read the uploaded file")
	}
	var in io.Reader = bufio.NewReaderSize(f, 64<<10)
	switch enc {
	case UTF8BOM:
		in.(*bufio.Reader).Discard(len(bom))
	case GB18030:
		in = transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder())
	}
	r := csv.NewReader(in)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	return &csvSource{f: f, r: r, enc: enc}, enc, nil
}

func (s *csvSource) next() ([]string, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	s.row++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, apperror.WithDetails(apperror.Invalid, "CSV 格式错误 / malformed CSV",
				[]apperror.Detail{{Row: s.row, Message: "第 " + itoa(pe.Line) + " 行 CSV 格式错误（引号不匹配？）/ CSV syntax error on line " + itoa(pe.Line) + " (unbalanced quotes?): " + pe.Err.Error()}})
		}
		return nil, apperror.Wrap(err, apperror.Invalid, "无法读取 CSV / cannot read the CSV")
	}
	if s.enc == GB18030 {
		for _, c := range rec {
			if strings.ContainsRune(c, utf8.RuneError) {
				return nil, apperror.WithDetails(apperror.Invalid,
					"文件编码无法识别，请另存为“CSV UTF-8” / unrecognised text encoding; save the file as \"CSV UTF-8\"",
					[]apperror.Detail{{Row: s.row, Message: "本行含有无法识别的字符 / this row holds bytes that are neither UTF-8 nor GBK"}})
			}
		}
	}
	return rec, nil
}

func (s *csvSource) close() error { return s.f.Close() }
