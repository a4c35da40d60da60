package plans

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"fugong/internal/apperror"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// extractTXT decodes a text file: UTF-8 (with or without BOM), UTF-16 with a
// BOM, otherwise GB18030 (the superset of GBK and GB2312, what Chinese
// Windows writes). Line endings become \n; control characters other than
// tab and newline are dropped.
//
// Only the first maxText bytes (plus a few, to finish a character) are read:
// the text is cut to maxText anyway, and reading a 100 MB file whole would
// hold it in memory several times over.
func extractTXT(r io.ReaderAt, size int64, maxText int) (Text, error) {
	n := size
	truncated := false
	if limit := int64(maxText) + 4; maxText > 0 && n > limit {
		n, truncated = limit, true
	}
	raw, err := io.ReadAll(io.NewSectionReader(r, 0, n))
	if err != nil {
		return Text{}, apperror.WrapMsg(err, apperror.Internal, msgCannotRead)
	}
	if truncated {
		// Drop a UTF-8 character cut in half, so the prefix still reads as
		// UTF-8 instead of falling through to GB18030.
		for cut := 0; cut <= 3 && cut < len(raw); cut++ {
			if utf8.Valid(raw[:len(raw)-cut]) {
				raw = raw[:len(raw)-cut]
				break
			}
		}
	}
	t := Text{Text: cleanText(decodeText(raw))}
	if truncated {
		t.Note = NoteTruncated
	}
	return t, nil
}

func decodeText(raw []byte) string {
	switch {
	case bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")):
		return string(raw[3:])
	case bytes.HasPrefix(raw, []byte("\xFF\xFE")), bytes.HasPrefix(raw, []byte("\xFE\xFF")):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(raw)
		if err == nil {
			return string(out)
		}
	case utf8.Valid(raw):
		return string(raw)
	}
	// GB18030's decoder never fails: bytes it cannot map become U+FFFD.
	out, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	return string(out)
}

// cleanText normalises line endings and drops control characters (other
// than \t and \n) that would only confuse display and comparison.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t' || r == '\n':
			return r
		case r < 0x20 || r == 0x7F || r == 0xFEFF:
			return -1
		}
		return r
	}, s)
}
