package plans

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"fugong/internal/filetype"
)

// benchPlanLine is one typical plan line (≈ 90 bytes of UTF-8).
const benchPlanLine = "第一条：企业每日对返岗员工测量体温两次，体温超过37.3℃者不得进入厂区，并及时报告。"

func oneMBText() []byte {
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString(benchPlanLine + "\n")
	}
	return []byte(b.String())
}

// oneMBDOCX returns a DOCX whose word/document.xml is ≈ 1 MiB (it
// compresses to a few KiB, so throughput is reported per inflated byte) and
// that inflated size.
func oneMBDOCX(b *testing.B) ([]byte, int64) {
	var body strings.Builder
	for body.Len() < 1<<20 {
		body.WriteString(para(benchPlanLine))
	}
	return docxOf(b, body.String()), int64(body.Len())
}

func BenchmarkExtractTXT1MB(b *testing.B) {
	data := oneMBText()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(context.Background(), filetype.TXT, bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineTXT1MB reads the same bytes and validates them as UTF-8:
// the floor any TXT extraction pays.
func BenchmarkBaselineTXT1MB(b *testing.B) {
	data := oneMBText()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		raw, _ := io.ReadAll(io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data))))
		if !utf8.Valid(raw) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkExtractDOCX1MB(b *testing.B) {
	data, inflated := oneMBDOCX(b)
	b.SetBytes(inflated)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(context.Background(), filetype.DOCX, bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineDOCX1MB only opens the same archive and inflates
// word/document.xml to io.Discard: the floor before any XML parsing.
func BenchmarkBaselineDOCX1MB(b *testing.B) {
	data, inflated := oneMBDOCX(b)
	b.SetBytes(inflated)
	b.ReportAllocs()
	for b.Loop() {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				rc, _ := f.Open()
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		}
	}
}

func BenchmarkExtractPDFSample(b *testing.B) {
	data := samplePDF(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(context.Background(), filetype.PDF, bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}
