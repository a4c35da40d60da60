package filetype

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"fugong/internal/apperror"
	"fugong/internal/msg"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// zipOf builds a ZIP archive holding files (name → content), in name order
// given by names so tests are deterministic.
func zipOf(t testing.TB, names []string, content map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func docx(t testing.TB) []byte {
	return zipOf(t, []string{"[Content_Types].xml", "word/document.xml"}, map[string]string{
		"[Content_Types].xml": `<Types/>`,
		"word/document.xml":   `<w:document><w:body><w:p><w:r><w:t>复工方案</w:t></w:r></w:p></w:body></w:document>`,
	})
}

// declaredBomb is a ZIP whose one entry declares 1 TiB uncompressed: Detect
// must refuse it from the directory alone, inflating nothing.
func declaredBomb(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "word/document.xml", Method: zip.Deflate,
		CompressedSize64: 4, UncompressedSize64: 1 << 40,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0, 0, 0, 0})
	zw.Close()
	return buf.Bytes()
}

func gbk(t testing.TB, s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDetect(t *testing.T) {
	t.Parallel()
	many := make([]string, 50)
	manyContent := map[string]string{}
	for i := range many {
		many[i] = "word/f" + strings.Repeat("x", i) + ".xml"
	}
	many[0] = "word/document.xml"
	realBomb := zipOf(t, []string{"word/document.xml"}, map[string]string{"word/document.xml": strings.Repeat("\x00", 2<<20)})
	longChinese := strings.Repeat("复工方案第一条。", 3000) // 72 KB: longer than the sniff window

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want Kind
		code apperror.Code // "" = no error
	}{
		{"pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), Limits{}, PDF, ""},
		{"pdf with junk after eof", []byte("%PDF-1.7\n%%EOF\r\n\x00\x00"), Limits{}, PDF, ""},
		{"truncated pdf", []byte("%PDF-1.4\n1 0 obj<<>>stream\nxxxx"), Limits{}, Unknown, apperror.Invalid},
		{"docx", docx(t), Limits{}, DOCX, ""},
		{"xlsx", zipOf(t, []string{"xl/workbook.xml", "xl/worksheets/sheet1.xml"}, map[string]string{"xl/workbook.xml": "<workbook/>"}), Limits{}, XLSX, ""},
		{"plain zip", zipOf(t, []string{"a.txt"}, map[string]string{"a.txt": "hi"}), Limits{}, Unknown, ""},
		{"empty zip", zipOf(t, nil, nil), Limits{}, Unknown, ""},
		{"docm", zipOf(t, []string{"word/document.xml", "word/vbaProject.bin"}, map[string]string{}), Limits{}, Unknown, apperror.Unsupported},
		{"truncated docx", docx(t)[:len(docx(t))-30], Limits{}, Unknown, apperror.Invalid},
		{"declared zip bomb", declaredBomb(t), Limits{}, Unknown, apperror.TooLarge},
		{"real zip bomb under small limit", realBomb, Limits{MaxZipInflated: 1 << 20}, Unknown, apperror.TooLarge},
		{"real zip bomb under entry limit", realBomb, Limits{MaxEntryInflated: 1 << 20}, Unknown, apperror.TooLarge},
		{"too many entries", zipOf(t, many, manyContent), Limits{MaxZipEntries: 20}, Unknown, apperror.TooLarge},
		{"txt utf8", []byte("复工方案\n一、防控措施：测温，消毒。\n"), Limits{}, TXT, ""},
		{"txt utf8 bom", []byte("\xEF\xBB\xBF复工方案\n"), Limits{}, TXT, ""},
		{"txt gbk", gbk(t, "复工方案\n一、防控措施\n"), Limits{}, TXT, ""},
		{"txt gb18030 four-byte", gbk(t, "复工𠀀方案\n"), Limits{}, TXT, ""},
		{"txt cut mid-rune by sniff window", []byte(longChinese), Limits{SniffBytes: 1000}, TXT, ""},
		{"txt one line with commas", []byte("a, b, c"), Limits{}, TXT, ""},
		{"txt inconsistent commas", []byte("Dear sir, hello.\nWe, the staff, will\ncomply.\n"), Limits{}, TXT, ""},
		{"csv", []byte("姓名,身份证号,手机号\n张三,510104199003071234,13812345678\n"), Limits{}, CSV, ""},
		{"csv bom crlf no final newline", []byte("\xEF\xBB\xBFname,id\r\nzhang,1\r\nli,2"), Limits{}, CSV, ""},
		{"csv gbk", gbk(t, "姓名,身份证号\n张三,510104199003071234\n李四,510104199003071235\n"), Limits{}, CSV, ""},
		{"csv tab", []byte("name\tid\tphone\nzhang\t1\t2\n"), Limits{}, CSV, ""},
		{"csv quoted comma and newline", []byte("name,note\n\"Zhang, San\",\"line1\nline2\"\nLi,ok\n"), Limits{}, CSV, ""},
		{"csv trailing blank lines", []byte("a,b\n1,2\n\n\n"), Limits{}, CSV, ""},
		{"csv cut by sniff window", []byte("a,b,c\n" + strings.Repeat("1,2,3\n", 100) + "4,5"), Limits{SniffBytes: 64}, CSV, ""},
		{"nul byte", []byte("abc\x00def"), Limits{}, Unknown, ""},
		{"control byte", []byte("abc\x01def"), Limits{}, Unknown, ""},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Limits{}, Unknown, ""},
		{"ole unknown", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), Limits{}, Unknown, ""},
		{"ole doc", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), utf16le("WordDocument\x00")...), Limits{}, DOC, ""},
		{"ole xls", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), utf16le("Workbook\x00")...), Limits{}, XLS, ""},
		{"rtf from LibreOffice", []byte("{\\rtf1\\ansi\\deff4\\adeflang1025\n{\\fonttbl{\\f0\\froman\\fprq2\\fcharset0 Times New Roman;}}\n}"), Limits{}, RTF, ""},
		{"rtf from WordPad", []byte("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}\r\n}"), Limits{}, RTF, ""},
		{"text starting with a brace", []byte("{复工方案}\n一、组织\n"), Limits{}, TXT, ""},
		{"utf16 text", append([]byte("\xFF\xFE"), utf16le("复工方案\r\n一、组织")...), Limits{}, TXT, ""},
		{"invalid utf8 and gbk", []byte("abc\xff\xfe"), Limits{}, Unknown, ""},
		{"empty", nil, Limits{}, Unknown, apperror.Invalid},
		{"too large", []byte("0123456789"), Limits{MaxSize: 5}, Unknown, apperror.TooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(bytes.NewReader(tt.data), int64(len(tt.data)), tt.lim)
			if code := apperror.CodeOf(err); code != tt.code {
				t.Fatalf("error code = %q (%v), want %q", code, err, tt.code)
			}
			if got != tt.want {
				t.Fatalf("kind = %q, want %q", got, tt.want)
			}
			if e := apperror.As(err); err != nil && (e.Text.IsZero() || e.Text.In(msg.EN) == e.Message) {
				t.Errorf("message is not a catalog message with English: %q", e.Message)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		purpose string
		kind    Kind
		code    apperror.Code
		mention []string
	}{
		{PurposePlan, PDF, "", nil},
		{PurposePlan, DOCX, "", nil},
		{PurposePlan, TXT, "", nil},
		{PurposePlan, CSV, apperror.Unsupported, []string{"检测到 CSV", "PDF、DOCX、ODT、TXT", "detected CSV", "PDF, DOCX, ODT, TXT"}},
		{PurposePlan, ODT, "", nil},
		{PurposePlan, DOC, apperror.Unsupported, []string{"旧版 Word", "另存为", "DOCX"}},
		{PurposeRoster, XLS, apperror.Unsupported, []string{"旧版 Excel", "XLSX"}},
		{PurposePlan, RTF, apperror.Unsupported, []string{"RTF", "另存为", "DOCX 或 PDF", "Save As"}},
		{PurposeRoster, RTF, apperror.Unsupported, []string{"RTF", "XLSX"}},
		{PurposePlan, XLSX, apperror.Unsupported, []string{"XLSX", "复工方案"}},
		{PurposePlan, Unknown, apperror.Unsupported, []string{"无法识别", "unrecognised"}},
		{PurposeRoster, CSV, "", nil},
		{PurposeRoster, XLSX, "", nil},
		{PurposeRoster, PDF, apperror.Unsupported, []string{"检测到 PDF", "CSV、XLSX", "staff health roster"}},
		{PurposeRoster, TXT, apperror.Unsupported, nil},
		{PurposeRoster, DOCX, apperror.Unsupported, nil},
		{"avatar", PDF, apperror.Invalid, []string{"avatar"}},
	}
	for _, tt := range tests {
		err := Allowed(tt.purpose, tt.kind)
		if apperror.CodeOf(err) != tt.code {
			t.Errorf("Allowed(%s, %s) = %v, want code %q", tt.purpose, tt.kind, err, tt.code)
			continue
		}
		for _, m := range tt.mention {
			e := apperror.As(err)
			if !strings.Contains(e.MessageIn(msg.ZH)+e.MessageIn(msg.EN), m) {
				t.Errorf("Allowed(%s, %s) message %q lacks %q", tt.purpose, tt.kind, err, m)
			}
		}
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	tests := map[Kind]string{
		PDF:     "application/pdf",
		DOCX:    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		XLSX:    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		CSV:     "text/csv",
		TXT:     "text/plain",
		Unknown: "application/octet-stream",
		"exe":   "application/octet-stream",
	}
	for k, want := range tests {
		if got := ContentType(k); got != want {
			t.Errorf("ContentType(%s) = %q, want %q", k, got, want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n%%EOF"))
	f.Add(docx(f))
	f.Add([]byte("a,b\n1,2\n"))
	f.Add(gbk(f, "姓名,身份证号\n张三,1\n"))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxZipEntries: 50, MaxZipInflated: 1 << 20, SniffBytes: 512}
		kind, err := Detect(bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			if apperror.As(err) == nil {
				t.Fatalf("non-apperror %v", err)
			}
			if kind != Unknown {
				t.Fatalf("error with kind %q", kind)
			}
			return
		}
		switch kind {
		case PDF:
			if !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Fatal("pdf without magic")
			}
		case DOCX, XLSX, ODT, ODS:
			if !bytes.HasPrefix(data, []byte("PK")) {
				t.Fatal("zip kind without magic")
			}
		case DOC, XLS, PPT, Encrypted:
			if !bytes.HasPrefix(data, oleMagic) {
				t.Fatal("compound-file kind without magic")
			}
		case RTF:
			if !bytes.HasPrefix(data, []byte(`{\rtf`)) {
				t.Fatal("rtf without magic")
			}
		case TXT, CSV:
			utf16 := bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF"))
			if !utf16 && bytes.IndexByte(data[:min(len(data), 512)], 0) >= 0 {
				t.Fatal("text with NUL in the sniffed head")
			}
		case Unknown:
		default:
			t.Fatalf("unexpected kind %q", kind)
		}
	})
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestForPurpose(t *testing.T) {
	if ForPurpose(PurposePlan, CSV) != TXT || ForPurpose(PurposeRoster, TXT) != CSV || ForPurpose(PurposePlan, PDF) != PDF {
		t.Fatal("ForPurpose")
	}
}
