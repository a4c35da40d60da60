package filing

import (
	"strings"
	"unicode"

	"fugong/internal/filetype"
)

// extensionOf is the file extension of each type fugong stores, by the
// content type the upload was detected as.
var extensionOf = map[string]string{
	filetype.ContentType(filetype.PDF):  ".pdf",
	filetype.ContentType(filetype.DOCX): ".docx",
	filetype.ContentType(filetype.XLSX): ".xlsx",
	filetype.ContentType(filetype.CSV):  ".csv",
	filetype.ContentType(filetype.TXT):  ".txt",
}

// DownloadName is the name a stored file is served under: the user's name
// without control or format characters (U+202E RIGHT-TO-LEFT OVERRIDE can
// make "x\u202Efdp.exe" read "xexe.pdf"; zero-width characters hide text),
// with its extension replaced by the one of the type its content was
// detected as, so the name never claims another type than the bytes.
func DownloadName(name, contentType string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '/' || r == '\\' || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	ext, known := extensionOf[contentType]
	if !known {
		return name
	}
	base := trimExt(name)
	if strings.HasPrefix(base, ".") && !strings.Contains(base[1:], ".") {
		base = "" // ".pdf": an extension only
	}
	if base == "" {
		base = "file"
	}
	return base + ext
}
