package plans

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/filetype"
	"fugong/internal/parsegate"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func extract(t testing.TB, kind filetype.Kind, data []byte, lim Limits) (Text, error) {
	t.Helper()
	return ExtractLimited(context.Background(), kind, bytes.NewReader(data), int64(len(data)), lim)
}

func TestExtractDOCX(t *testing.T) {
	t.Parallel()
	body := para("复工方案") +
		`<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:t xml:space="preserve">防控 &amp; 测温</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>姓名</w:t><w:tab/><w:t>部门</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>` +
		`<w:p><w:del><w:r><w:delText>删除的文字</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>保留</w:t></w:r></w:p>` +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单元格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`
	got, err := extract(t, filetype.DOCX, docxOf(t, body), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "复工方案\n一、防控 & 测温\n姓名\t部门\n第二行\n保留\n单元格"
	if got.Text != want {
		t.Fatalf("text = %q\nwant   %q", got.Text, want)
	}
	if got.Note != "" {
		t.Errorf("note = %q", got.Note)
	}
}

// lyingZip has a document.xml that declares a tiny size but inflates to
// 8 MiB: archive/zip or the inflate cap must stop it.
func lyingZip(t testing.TB) []byte {
	var raw bytes.Buffer
	zw := zip.NewWriter(&raw)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate})
	w.Write([]byte("<w:document><w:body><w:p><w:r><w:t>"))
	w.Write(bytes.Repeat([]byte("a"), 8<<20))
	w.Write([]byte("</w:t></w:r></w:p></w:body></w:document>"))
	zw.Close()
	b := raw.Bytes()
	// Patch the declared uncompressed size (local header offset 22, central
	// directory entry offset 24) to 100 bytes.
	cd := bytes.LastIndex(b, []byte("PK\x01\x02"))
	for _, off := range []int{22, cd + 24} {
		b[off], b[off+1], b[off+2], b[off+3] = 100, 0, 0, 0
	}
	return b
}

func declaredBombDOCX(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CompressedSize64: 4, UncompressedSize64: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0, 0, 0, 0})
	zw.Close()
	return buf.Bytes()
}

func TestExtractDOCXErrors(t *testing.T) {
	t.Parallel()
	good := docxOf(t, para("复工方案"))
	noDoc := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("xl/workbook.xml")
		w.Write([]byte("<workbook/>"))
		zw.Close()
		return buf.Bytes()
	}()
	realBomb := docxOf(t, para(strings.Repeat(" ", 3<<20)))
	tests := []struct {
		name string
		data []byte
		lim  Limits
		code apperror.Code
	}{
		{"truncated", good[:len(good)/2], Limits{}, apperror.Invalid},
		{"truncated tail", good[:len(good)-10], Limits{}, apperror.Invalid},
		{"not a zip", []byte("hello"), Limits{}, apperror.Invalid},
		{"no document.xml", noDoc, Limits{}, apperror.Invalid},
		{"malformed xml", docxOf(t, "<w:p><w:t>unclosed</w:p"), Limits{}, apperror.Invalid},
		{"declared zip bomb", declaredBombDOCX(t), Limits{}, apperror.TooLarge},
		{"bomb over inflate limit", realBomb, Limits{MaxInflated: 1 << 20}, apperror.TooLarge},
		{"size lies", lyingZip(t), Limits{}, apperror.Invalid},
		{"file too large", good, Limits{MaxSize: 100}, apperror.TooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extract(t, filetype.DOCX, tt.data, tt.lim)
			if apperror.CodeOf(err) != tt.code {
				t.Fatalf("err = %v, want code %s", err, tt.code)
			}
		})
	}
}

func TestExtractTXT(t *testing.T) {
	t.Parallel()
	const plan = "复工方案\n一、体温检测：每日两次。\n二、口罩：每人每日 2 只。"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(plan))
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(plan + "𠀀"))
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(plan))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"utf8", []byte(plan), plan},
		{"utf8 bom", append([]byte("\xEF\xBB\xBF"), plan...), plan},
		{"gbk", gbk, plan},
		{"gb18030 four-byte", gb18030, plan + "𠀀"},
		{"utf16le bom", utf16le, plan},
		{"crlf and cr", []byte("a\r\nb\rc"), "a\nb\nc"},
		{"control chars dropped", []byte("a\x01b\x7fc\td"), "abc\td"},
		{"surrounding space trimmed", []byte("  \n复工\n\n"), "复工"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract(t, filetype.TXT, tt.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.want {
				t.Fatalf("text = %q, want %q", got.Text, tt.want)
			}
		})
	}
}

func TestExtractNotesAndCaps(t *testing.T) {
	t.Parallel()
	got, err := extract(t, filetype.TXT, []byte(" \n\t "), Limits{})
	if err != nil || got.Text != "" || got.Note != NoteNoText {
		t.Errorf("blank txt: %+v, %v", got, err)
	}
	long := strings.Repeat("复工", 100) // 600 bytes
	got, err = extract(t, filetype.TXT, []byte(long), Limits{MaxText: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Text) > 100 || !strings.HasPrefix(long, got.Text) || got.Note != NoteTruncated {
		t.Errorf("truncation: len %d, note %q", len(got.Text), got.Note)
	}
	got, err = extract(t, filetype.DOCX, docxOf(t, strings.Repeat(para("复工方案"), 200)), Limits{MaxText: 100})
	if err != nil || len(got.Text) > 100 || got.Note != NoteTruncated {
		t.Errorf("docx truncation: len %d, note %q, err %v", len(got.Text), got.Note, err)
	}
}

func TestExtractPDF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		data     []byte
		want     []string // lines, in order
		absent   []string
		note     string
		wantText bool
	}{
		{
			name: "flate, cid font with ToUnicode, split contents, form",
			data: samplePDF(t),
			want: []string{"Resumption Plan", "Hello World", "复工", "方案", "(escaped) AB", "quote op", "一", "丁", "中文", "in a form"},
			// The inline image's bytes contain "(Tj)" and must be skipped.
			absent:   []string{"Tj", "\x00"},
			wantText: true,
		},
		{name: "cid font without ToUnicode", data: cidPDF(t), note: NoteNoPDFText},
		{name: "empty page", data: emptyPDF(t), note: NoteNoPDFText},
		{name: "object stream, no trailer, GB CMap", data: objStmPDF(t), want: []string{"From an object stream", "复工"}, wantText: true},
		{name: "no pages at all", data: []byte("%PDF-1.4\n%%EOF\n"), note: NoteNoPDFText},
		{name: "orphan content stream", data: []byte("%PDF-1.4\n1 0 obj\n<< /Length 22 >>\nstream\nBT (orphan text) Tj ET\nendstream\nendobj\n%%EOF"), want: []string{"orphan text"}, wantText: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract(t, filetype.PDF, tt.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Note != tt.note {
				t.Errorf("note = %q, want %q", got.Note, tt.note)
			}
			if (got.Text != "") != tt.wantText {
				t.Fatalf("text = %q", got.Text)
			}
			rest := got.Text
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("text %q lacks %q (in order)", got.Text, w)
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tt.absent {
				if strings.Contains(got.Text, a) {
					t.Errorf("text %q contains %q", got.Text, a)
				}
			}
		})
	}
}

func TestExtractPDFLines(t *testing.T) {
	t.Parallel()
	got, err := extract(t, filetype.PDF, samplePDF(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(got.Text, "\n")
	if lines[0] != "Resumption Plan" || lines[1] != "Hello World" || lines[2] != "复工" {
		t.Fatalf("lines = %q", lines)
	}
}

func TestExtractPDFDamaged(t *testing.T) {
	t.Parallel()
	full := samplePDF(t)
	// Cut anywhere: never an error other than Invalid, never a panic.
	for cut := 0; cut < len(full); cut += 7 {
		_, err := extract(t, filetype.PDF, full[:cut], Limits{})
		if err != nil && apperror.CodeOf(err) != apperror.Invalid {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	// A Flate bomb in a content stream stops at the inflate cap.
	bomb := buildPDF([]pdfObj{
		{dict: `<< /Type /Catalog /Pages 2 0 R >>`},
		{dict: `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`},
		{dict: `<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>`},
		{dict: `<< >>`, stream: flateBytes(t, strings.Repeat(" ", 4<<20)), flate: true},
	}, false)
	if _, err := extract(t, filetype.PDF, bomb, Limits{MaxInflated: 1 << 20}); apperror.CodeOf(err) != apperror.TooLarge {
		t.Fatalf("flate bomb: %v", err)
	}
	deep := []byte("%PDF-1.4\n1 0 obj\n" + strings.Repeat("[", 100000) + "\nendobj\n%%EOF")
	if _, err := extract(t, filetype.PDF, deep, Limits{}); err != nil {
		t.Fatalf("deep nesting: %v", err)
	}
}

type panicReader struct{}

func (panicReader) ReadAt([]byte, int64) (int, error) { panic("boom") }

func TestExtractContextAndPanic(t *testing.T) {
	t.Parallel()
	data := docxOf(t, para("复工"))
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := ExtractLimited(ctx, filetype.DOCX, bytes.NewReader(data), int64(len(data)), Limits{})
	if apperror.CodeOf(err) != apperror.TooLarge || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = Extract(ctx, filetype.PDF, bytes.NewReader(data), int64(len(data)))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	for _, k := range []filetype.Kind{filetype.TXT, filetype.DOCX, filetype.PDF} {
		_, err = Extract(context.Background(), k, panicReader{}, 100)
		if apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("%s panic: %v", k, err)
		}
	}
	_, err = Extract(context.Background(), filetype.CSV, bytes.NewReader(data), int64(len(data)))
	if apperror.CodeOf(err) != apperror.Unsupported {
		t.Errorf("csv: %v", err)
	}
}

// gatedReader holds its third read until ctx is done, so the deadline
// always falls mid-parse: no sleep, no bound on the wall clock.
type gatedReader struct {
	r     *bytes.Reader
	ctx   context.Context
	reads atomic.Int64
}

func (g *gatedReader) ReadAt(p []byte, off int64) (int, error) {
	if g.reads.Add(1) == 3 {
		<-g.ctx.Done()
	}
	if len(p) > 512 {
		p = p[:512]
	}
	return g.r.ReadAt(p, off)
}

func TestExtractDeadlineMidParse(t *testing.T) {
	t.Parallel()
	data := []byte(strings.Repeat("复工方案第一条。\n", 20000))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	g := &gatedReader{r: bytes.NewReader(data), ctx: ctx}
	_, err := Extract(ctx, filetype.TXT, g, int64(len(data)))
	if !errors.Is(err, context.DeadlineExceeded) || apperror.CodeOf(err) != apperror.TooLarge {
		t.Fatalf("err = %v", err)
	}
	// The parse stops at the first read after the deadline, far from the end.
	if n, all := g.reads.Load(), int64(len(data)/512); n > 4 {
		t.Errorf("%d reads of ~%d after the deadline, want the parse to stop at once", n, all)
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"  复工方案  ", "复工方案"},
		{"ＡＢＣ１２３，ｘ！", "ABC123,x!"},
		{"复工　方案", "复工 方案"},
		{"a \t  b", "a b"},
		{"第一段\n\n\n第二段", "第一段\n第二段"},
		{"第一段 \r\n  第二段\r第三段", "第一段\n第二段\n第三段"},
		{"复工，方案。", "复工,方案。"}, // U+FF0C is full-width ASCII; U+3002 is not
		{"a\u200bb\ufeffc", "abc"},
		{"a\u00a0b", "a b"},
		{"\n\n  x  \n\n", "x"},
		{"行一\u2028行二", "行一\n行二"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeRadicals(t *testing.T) {
	// What Chromium/Skia PDFs with Noto CJK fonts give for "一人口车" and "消毒".
	if got := Normalize("⼀⼈⼝⻋ 消毒\uF900"); got != "一人口车 消毒\u8C48" {
		t.Fatalf("Normalize = %q", got)
	}
}

func TestNotesFitTheColumn(t *testing.T) {
	for _, n := range []string{NoteNoPDFText, NoteNoText, NoteTruncated, NotePDFPartial, NotePDFLocked, NotePDFActive,
		capNote(joinNotes(joinNotes(NotePDFActive, NoteNoPDFText), NoteTruncated))} {
		if len(n) > MaxNoteBytes || !utf8.ValidString(n) || n == "" {
			t.Errorf("note %q: %d bytes", n, len(n))
		}
	}
}

// TestDOCXTextBoxOnce: Word writes a text box twice, as the DrawingML
// choice and a VML fallback; its text is kept once.
func TestDOCXTextBoxOnce(t *testing.T) {
	box := `<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">` +
		`<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>` + para("应急联系人：王经理") + `</w:txbxContent></wps:txbx></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><v:textbox><w:txbxContent>` + para("应急联系人：王经理") + `</w:txbxContent></v:textbox></w:pict></mc:Fallback>` +
		`</mc:AlternateContent></w:r></w:p>`
	data := docxOf(t, para("复工方案")+box)
	txt, err := Extract(context.Background(), filetype.DOCX, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(txt.Text, "应急联系人"); n != 1 || !strings.Contains(txt.Text, "复工方案") {
		t.Fatalf("text box %d times: %q", n, txt.Text)
	}
	// LibreOffice Writer's DOCX: the box anchored inside a paragraph,
	// written as a DrawingML shape and its VML fallback
	// (testdata/corpus, scripts/corpus/make_corpus.py). Its text comes
	// once, on a line of its own.
	data, err = os.ReadFile("../../testdata/corpus/plan/lo-writer-textbox.docx")
	if err != nil {
		t.Fatal(err)
	}
	if txt, err = Extract(context.Background(), filetype.DOCX, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(txt.Text), "\n")
	if strings.Count(txt.Text, "应急联系人") != 1 || len(lines) != 3 || !strings.HasPrefix(lines[2], "应急联系人") {
		t.Fatalf("LibreOffice text box: %q", txt.Text)
	}
}

// TestEncryptedPDFs: PDFs that open without a password (qpdf's RC4 40 and
// 128, AES-128, AES-256 with and without object streams) give the text of
// the unencrypted file; one that needs a password says so. Files from
// testdata/corpus (scripts/make-corpus.sh).
func TestEncryptedPDFs(t *testing.T) {
	read := func(name string) Text {
		t.Helper()
		data, err := os.ReadFile("../../testdata/corpus/plan/" + name)
		if err != nil {
			t.Fatal(err)
		}
		txt, err := Extract(context.Background(), filetype.PDF, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return txt
	}
	plain := read("lo-writer.pdf").Text
	if !strings.Contains(plain, "领导小组") {
		t.Fatalf("plain text: %q", plain)
	}
	for _, name := range []string{"qpdf-rc4-40.pdf", "qpdf-rc4-128.pdf", "qpdf-rc4-128-v4.pdf", "qpdf-aes-128.pdf", "qpdf-aes-256.pdf", "qpdf-aes-256-r5.pdf"} {
		if got := read(name); got.Text != plain || got.Active {
			t.Errorf("%s: %q (note %q)", name, got.Text, got.Note)
		}
	}
	if got := read("qpdf-objstm-aes-256.pdf"); !strings.Contains(got.Text, "领导小组") {
		t.Errorf("object streams: %q", got.Text)
	}
	if got := read("qpdf-user-password.pdf"); got.Text != "" || got.Note != NotePDFLocked {
		t.Errorf("user password: %q %q", got.Text, got.Note)
	}
	if got := read("openaction-javascript.pdf"); !got.Active || !strings.Contains(got.Note, "JavaScript") {
		t.Errorf("javascript: %+v", got)
	}
}

func TestODT(t *testing.T) {
	const note = `<text:note text:id="ftn1" text:note-class="%s"><text:note-citation>1</text:note-citation><text:note-body><text:p>%s</text:p></text:note-body></text:note>`
	tests := []struct {
		name, content, want string
	}{
		{"paragraphs, headings, spaces, annotations", `<text:p>复工方案</text:p><office:annotation><text:p>批注不算</text:p></office:annotation><text:h>一、组织<text:s text:c="2"/>领导</text:h>`,
			"复工方案\n一、组织  领导"},
		// Writer keeps a note inside the citing paragraph (corpus
		// lo-writer-full.odt): the sentence stays whole, the note follows
		// the body, marked as in a DOCX.
		{"footnote", `<text:p>设置隔离观察室` + fmt.Sprintf(note, "footnote", "设在一楼东侧。") + `。</text:p><text:p>五、物资保障</text:p>`,
			"设置隔离观察室。\n五、物资保障\n【脚注】设在一楼东侧。"},
		{"endnote", `<text:p>参照指南` + fmt.Sprintf(note, "endnote", "市防控指南。") + `执行。</text:p>`, "参照指南执行。\n【尾注】市防控指南。"},
		{"text box anchored in a paragraph", `<text:p><draw:frame><draw:text-box><text:p>应急电话：110</text:p></draw:text-box></draw:frame>设置隔离室。</text:p>`,
			"应急电话：110\n设置隔离室。"},
		{"text box after text", `<text:p>设置隔离室。<draw:frame><draw:text-box><text:p>应急电话：110</text:p></draw:text-box></draw:frame></text:p>`,
			"设置隔离室。\n应急电话：110"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := odtOf(t, tt.content)
			txt, err := Extract(context.Background(), filetype.ODT, bytes.NewReader(data), int64(len(data)))
			if err != nil || strings.TrimSpace(txt.Text) != tt.want {
				t.Fatalf("%q %v, want %q", txt.Text, err, tt.want)
			}
		})
	}
}

// TestExtractHoldsAParseSlot: extraction takes a slot of the parse cap that
// spreadsheets share (parsegate.Process() by default); with the gate's one
// slot held it is refused with a BusyError (503, Retry-After), and once
// the slot is back it runs.
func TestExtractHoldsAParseSlot(t *testing.T) {
	t.Parallel()
	if (Limits{}).withDefaults().Gate != parsegate.Process() {
		t.Fatal("the default gate is not the process-wide parse cap")
	}
	g := parsegate.New(1, 1, time.Second)
	release, err := g.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plan := docxOf(t, para("复工方案"))
	_, err = extract(t, filetype.DOCX, plan, Limits{Gate: g})
	var be *parsegate.BusyError
	if apperror.CodeOf(err) != apperror.Unavailable || !errors.As(err, &be) {
		t.Fatalf("with the slot held: %v", err)
	}
	release()
	if got, err := extract(t, filetype.DOCX, plan, Limits{Gate: g}); err != nil || got.Text != "复工方案" {
		t.Fatalf("with the slot free: %q %v", got.Text, err)
	}
	// The slot came back: it can be taken at once.
	release, err = g.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
}

// cancelAfter is a context that reports itself cancelled from its at+1-th
// Err check on, counting the checks.
type cancelAfter struct {
	context.Context
	at     int64
	checks atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.checks.Add(1) > c.at {
		return context.Canceled
	}
	return nil
}

// TestExtractStopsWhenCancelled: a long DOCX and a long PDF whose context
// is cancelled part-way (the client went away) stop at the next check
// instead of reading to the end: counted in context checks, never in time.
func TestExtractStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	var body strings.Builder
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 800 Td\n")
	for i := 0; i < 50_000; i++ {
		body.WriteString(para(fmt.Sprintf("第%d条 进出人员一律测温登记。", i)))
		fmt.Fprintf(&content, "0 -14 Td (Article %d: take every visitor's temperature.) Tj\n", i)
	}
	content.WriteString("ET")
	pdf := buildPDF([]pdfObj{
		{dict: `<< /Type /Catalog /Pages 2 0 R >>`},
		{dict: `<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 4 0 R >> >> >>`},
		{dict: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>`},
		{dict: `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>`},
		{dict: `<< >>`, stream: flateBytes(t, content.String()), flate: true},
	}, false)
	for _, tt := range []struct {
		kind filetype.Kind
		data []byte
	}{{filetype.DOCX, docxOf(t, body.String())}, {filetype.PDF, pdf}} {
		ctx := &cancelAfter{Context: context.Background(), at: 8}
		_, err := ExtractLimited(ctx, tt.kind, bytes.NewReader(tt.data), int64(len(tt.data)), Limits{MaxSize: 64 << 20})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: err = %v", tt.kind, err)
		}
		if n := ctx.checks.Load(); n > ctx.at+3 {
			t.Errorf("%s: %d context checks, want the extraction to stop soon after check %d", tt.kind, n, ctx.at+1)
		}
	}
}

// TestPDFBaselines: lines are rebuilt from the text line matrix, across
// text objects: LibreOffice writes one BT…Td…ET per run (a list number and
// its text, a number and its unit in a table cell), so runs on one
// baseline are one line and a run on another baseline starts a line
// (corpus lo-writer-full.pdf: "1.\n每日测温登记", "2000\n只").
func TestPDFBaselines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content, want string
	}{
		{"LibreOffice runs, one BT each", "BT 56.8 659.289 Td /F1 12 Tf (1.) Tj ET BT 66.4 659.289 Td /F1 12 Tf (Daily) Tj ET " +
			"BT 56.8 641.9 Td /F1 12 Tf (2000) Tj ET BT 80.1 641.9 Td /F1 12 Tf (pcs) Tj ET", "1.Daily\n2000pcs"},
		{"Td within one text object", "BT /F1 12 Tf 72 800 Td (a) Tj 20 0 Td (b) Tj 0 -14 Td (c) Tj ET", "ab\nc"},
		{"Tm per line (Chromium)", "BT /F1 12 Tf 1 0 0 -1 72 100 Tm (a) Tj 1 0 0 -1 90 100 Tm (b) Tj 1 0 0 -1 72 120 Tm (c) Tj ET", "ab\nc"},
		{"Td scaled by Tm", "BT /F1 1 Tf 12 0 0 12 72 800 Tm (a) Tj 2 0 Td (b) Tj 0 -1.2 Td (c) Tj ET", "ab\nc"},
		{"TD sets the leading for T*", "BT /F1 12 Tf 72 800 Td (a) Tj 0 -14 TD (b) Tj T* (c) Tj ET", "a\nb\nc"},
		{"TL and the quote operator", "BT /F1 12 Tf 14 TL 72 800 Td (a) Tj (b) ' ET", "a\nb"},
		{"T* without leading is still a new line", "BT /F1 12 Tf 72 800 Td (a) Tj T* (b) Tj ET", "a\nb"},
		{"same baseline in a new text object after a move back", "BT 72 800 Td /F1 12 Tf (a) Tj ET BT 72 786 Td /F1 12 Tf (b) Tj ET BT 72 800 Td /F1 12 Tf (c) Tj ET", "a\nb\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := buildPDF([]pdfObj{
				{dict: `<< /Type /Catalog /Pages 2 0 R >>`},
				{dict: `<< /Type /Pages /Kids [3 0 R] /Count 1 >>`},
				{dict: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>`},
				{dict: `<< >>`, stream: []byte(tt.content)},
				{dict: `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>`},
			}, false)
			got, err := extract(t, filetype.PDF, pdf, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(got.Text) != tt.want {
				t.Errorf("text %q, want %q", got.Text, tt.want)
			}
		})
	}
}

// TestDOCXNotes: footnotes and endnotes are kept, marked, after the body
// (corpus lo-writer-full.docx: Writer's DOCX holds the footnote that its
// ODT and PDF show); Word's separator notes add nothing.
func TestDOCXNotes(t *testing.T) {
	t.Parallel()
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	notes := func(kind, text string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><w:` + kind + `s ` + ns + `>` +
			`<w:` + kind + ` w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:` + kind + `>` +
			`<w:` + kind + ` w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:` + kind + `>` +
			`<w:` + kind + ` w:id="1"><w:p><w:r><w:` + kind + `Ref/></w:r><w:r><w:t xml:space="preserve"> ` + text + `</w:t></w:r></w:p></w:` + kind + `>` +
			`</w:` + kind + `s>`
	}
	tests := []struct {
		name  string
		parts map[string]string
		want  string
	}{
		{"no notes", nil, "设置隔离观察室。"},
		{"footnote", map[string]string{"word/footnotes.xml": notes("footnote", "隔离观察室设在一楼东侧。")},
			"设置隔离观察室。\n【脚注】隔离观察室设在一楼东侧。"},
		{"footnote and endnote", map[string]string{"word/footnotes.xml": notes("footnote", "一楼东侧。"), "word/endnotes.xml": notes("endnote", "参照市防控指南。")},
			"设置隔离观察室。\n【脚注】一楼东侧。\n【尾注】参照市防控指南。"},
		{"only separators", map[string]string{"word/footnotes.xml": `<w:footnotes ` + ns + `><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote></w:footnotes>`},
			"设置隔离观察室。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zr, err := zip.NewReader(bytes.NewReader(docxOf(t, para("设置隔离观察室。"))), int64(len(docxOf(t, para("设置隔离观察室。")))))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, f := range zr.File {
				rc, _ := f.Open()
				w, _ := zw.Create(f.Name)
				io.Copy(w, rc)
				rc.Close()
			}
			for name, content := range tt.parts {
				w, _ := zw.Create(name)
				w.Write([]byte(content))
			}
			zw.Close()
			got, err := extract(t, filetype.DOCX, buf.Bytes(), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(got.Text) != tt.want {
				t.Errorf("text %q, want %q", got.Text, tt.want)
			}
		})
	}
}
