package filing

import "testing"

// TestDownloadName (issue 18 #14): bidi overrides and other format
// characters go, and the extension is the detected type's. Before, names
// were served as uploaded.
func TestDownloadName(t *testing.T) {
	for _, tc := range []struct{ name, ctype, want string }{
		{"方案\u202Efdp.exe", "application/pdf", "方案fdp.pdf"},
		{"花名册.xlsx", "text/csv", "花名册.csv"},
		{"plan.pdf.exe", "application/pdf", "plan.pdf.pdf"},
		{"a\u200Bb\u2066c.txt", "text/plain", "abc.txt"},
		{"报告.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "报告.docx"},
		{"noext", "text/plain", "noext.txt"},
		{"\u202E.pdf", "application/pdf", "file.pdf"},
		{"x\u202Eyz.bin", "application/octet-stream", "xyz.bin"},
	} {
		if got := DownloadName(tc.name, tc.ctype); got != tc.want {
			t.Errorf("DownloadName(%q, %s) = %q, want %q", tc.name, tc.ctype, got, tc.want)
		}
	}
}
