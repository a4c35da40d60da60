package plans

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/filetype"
)

// fuzzExtract checks the contract every parser must keep on any input: no
// panic escapes, errors are *apperror.Error, text is valid UTF-8 within the
// cap, and the call ends promptly.
func fuzzExtract(t *testing.T, kind filetype.Kind, data []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lim := Limits{MaxInflated: 4 << 20, MaxText: 1 << 16}
	got, err := ExtractLimited(ctx, kind, bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		if apperror.As(err) == nil {
			t.Fatalf("not an *apperror.Error: %v", err)
		}
		return
	}
	if !utf8.ValidString(got.Text) {
		t.Fatalf("invalid UTF-8 text %q", got.Text)
	}
	if len(got.Text) > lim.MaxText {
		t.Fatalf("text of %d bytes exceeds cap", len(got.Text))
	}
}

func FuzzExtractDOCX(f *testing.F) {
	f.Add(docxOf(f, para("复工方案")+`<w:p><w:r><w:t>a</w:t><w:tab/><w:br/></w:r></w:p>`))
	f.Add(docxOf(f, ""))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, filetype.DOCX, data) })
}

func FuzzExtractPDF(f *testing.F) {
	f.Add(samplePDF(f))
	f.Add(cidPDF(f))
	f.Add(objStmPDF(f))
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Length 5 >>\nstream\nBT (x) Tj ET\nendstream\nendobj\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, filetype.PDF, data) })
}

func FuzzExtractTXT(f *testing.F) {
	f.Add([]byte("复工方案\r\n一、"))
	f.Add([]byte("\xEF\xBB\xBFabc"))
	f.Add([]byte("\xFF\xFEa\x00"))
	f.Add([]byte("\xb8\xb4\xb9\xa4"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, filetype.TXT, data) })
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "  复工　方案 \r\n\n ＡＢＣ", "a\u200bb", "\xff\xfe", "x\n \ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, Normalize(n))
		}
		if strings.TrimSpace(n) != n {
			t.Fatalf("untrimmed %q", n)
		}
		for _, bad := range []string{"  ", "\n\n", " \n", "\n ", "\t", "\r", "\u3000"} {
			if strings.Contains(n, bad) {
				t.Fatalf("%q contains %q", n, bad)
			}
		}
		for _, r := range n {
			if r >= 0xFF01 && r <= 0xFF5E {
				t.Fatalf("full-width %q left in %q", r, n)
			}
		}
	})
}

func FuzzExtractODT(f *testing.F) {
	f.Add(odtOf(f, `<text:p>复工方案</text:p><text:h>一、组织<text:s text:c="2"/>领导</text:h>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, filetype.ODT, data) })
}

// odtOf builds a minimal ODT whose office:text holds body.
func odtOf(t testing.TB, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, content string }{
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"content.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>` + body + `</office:text></office:body></office:document-content>`},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
