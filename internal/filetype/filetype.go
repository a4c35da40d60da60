// Package filetype decides what an upload is from its bytes — magic numbers
// plus a real parse of the container — never from its name or the
// Content-Type a client sent, and says which kinds each upload purpose
// accepts.
package filetype

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// Kind is a detected file type.
type Kind string

// The kinds Detect returns.
const (
	PDF  Kind = "pdf"
	DOCX Kind = "docx"
	XLSX Kind = "xlsx"
	CSV  Kind = "csv"
	TXT  Kind = "txt"
	ODT  Kind = "odt"
	// Kinds Detect names so that Allowed can say what they are and how to
	// convert them; no purpose accepts them.
	DOC       Kind = "doc" // legacy Word (also WPS .wps)
	XLS       Kind = "xls" // legacy Excel (also WPS .et)
	PPT       Kind = "ppt"
	ODS       Kind = "ods"
	RTF       Kind = "rtf"              // Rich Text Format (Word, WordPad, WPS and LibreOffice save it)
	Encrypted Kind = "encrypted-office" // an OOXML file with an open password
	Unknown   Kind = "unknown"
)

// Upload purposes, as in `?kind=plan|roster`.
const (
	PurposePlan   = "plan"
	PurposeRoster = "roster"
)

// Limits bound the work Detect does. A zero field takes its DefaultLimits
// value.
type Limits struct {
	MaxSize          int64  // bytes of the upload itself
	MaxZipEntries    int    // entries in a DOCX/XLSX central directory
	MaxZipInflated   uint64 // sum of declared uncompressed sizes in a DOCX/XLSX
	MaxEntryInflated uint64 // declared uncompressed size of any one entry
	SniffBytes       int    // bytes read from the start to classify text
}

// DefaultLimits returns the limits used for plan and roster uploads: 20 MiB
// files, 2,000 ZIP entries, 200 MiB inflated in all and 100 MiB per entry.
func DefaultLimits() Limits {
	return Limits{
		MaxSize:          20 << 20,
		MaxZipEntries:    2000,
		MaxZipInflated:   200 << 20,
		MaxEntryInflated: 100 << 20,
		SniffBytes:       64 << 10,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxZipInflated == 0 {
		l.MaxZipInflated = d.MaxZipInflated
	}
	if l.MaxEntryInflated == 0 {
		l.MaxEntryInflated = d.MaxEntryInflated
	}
	if l.SniffBytes <= 0 {
		l.SniffBytes = d.SniffBytes
	}
	return l
}

// pdfTail is how far from the end %%EOF may sit: writers append whitespace
// and some append junk after it; 1 KiB is what most readers search too.
const pdfTail = 1024

// Detect reads the upload of size bytes through r and returns its kind.
// Unknown (with a nil error) means "none of ours": the caller passes it to
// Allowed, which explains what is accepted. Errors are *apperror.Error:
// TooLarge when size or a ZIP's entry count or declared inflated size
// exceeds lim (checked from the central directory before anything is
// inflated), Invalid for an empty file, a truncated PDF, a corrupt ZIP or a
// macro-enabled Office file, Internal when r fails.
func Detect(r io.ReaderAt, size int64, lim Limits) (Kind, error) {
	lim = lim.withDefaults()
	switch {
	case size <= 0:
		return Unknown, apperror.Msg(apperror.Invalid, msgEmpty)
	case size > lim.MaxSize:
		return Unknown, apperror.Msg(apperror.TooLarge, msgTooLarge, size, lim.MaxSize)
	}
	head := make([]byte, min(int64(lim.SniffBytes), size))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Unknown, apperror.WrapMsg(err, apperror.Internal, msgCannotRead)
	}
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return detectPDF(r, size)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return detectZip(r, size, lim)
	case bytes.HasPrefix(head, oleMagic):
		return detectOLE(r, size), nil
	case bytes.HasPrefix(head, []byte(`{\rtf`)):
		// RTF is 7-bit text; read as a TXT plan it would be markup
		// ({\fonttbl…}), not the plan.
		return RTF, nil
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		if utf16Text(head) {
			return TXT, nil
		}
		return Unknown, nil
	}
	if enc := textEncoding(head, int64(len(head)) < size); enc != "" {
		if looksLikeCSV(head, int64(len(head)) < size) {
			return CSV, nil
		}
		return TXT, nil
	}
	return Unknown, nil
}

func detectPDF(r io.ReaderAt, size int64) (Kind, error) {
	n := min(size, pdfTail)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil && !errors.Is(err, io.EOF) {
		return Unknown, apperror.WrapMsg(err, apperror.Internal, msgCannotRead)
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return Unknown, apperror.Msg(apperror.Invalid, msgPDFIncomplete)
	}
	return PDF, nil
}

func detectZip(r io.ReaderAt, size int64, lim Limits) (Kind, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return Unknown, apperror.WrapMsg(err, apperror.Invalid, msgZipCorrupt)
	}
	if err := CheckZip(zr, lim); err != nil {
		return Unknown, err
	}
	var word, xl, macro bool
	for _, f := range zr.File {
		switch name := f.Name; {
		case name == "mimetype" && f.UncompressedSize64 < 100:
			switch odfMimetype(f) {
			case "application/vnd.oasis.opendocument.text":
				return ODT, nil
			case "application/vnd.oasis.opendocument.spreadsheet":
				return ODS, nil
			}
		case name == "word/document.xml":
			word = true
		case name == "xl/workbook.xml":
			xl = true
		case strings.HasSuffix(strings.ToLower(name), "vbaproject.bin"):
			macro = true
		}
	}
	if macro && (word || xl) {
		return Unknown, apperror.Msg(apperror.Unsupported, msgMacro)
	}
	switch {
	case word && !xl:
		return DOCX, nil
	case xl && !word:
		return XLSX, nil
	}
	return Unknown, nil
}

// CheckZip checks an opened ZIP's central directory against lim — entry
// count, each entry's and the total declared uncompressed size — before any
// entry is inflated. archive/zip refuses to inflate past an entry's declared
// size (ErrFormat), so the declared sizes bound the real work. It returns an
// *apperror.Error with code TooLarge naming the limit exceeded, or nil.
func CheckZip(zr *zip.Reader, lim Limits) error {
	lim = lim.withDefaults()
	if len(zr.File) > lim.MaxZipEntries {
		return apperror.Msg(apperror.TooLarge, msgZipEntries, len(zr.File), lim.MaxZipEntries)
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > lim.MaxEntryInflated {
			return apperror.Msg(apperror.TooLarge, msgZipEntry, f.Name, f.UncompressedSize64, lim.MaxEntryInflated)
		}
		total += f.UncompressedSize64
		if total > lim.MaxZipInflated {
			return apperror.Msg(apperror.TooLarge, msgZipTotal, lim.MaxZipInflated)
		}
	}
	return nil
}

// Text encodings textEncoding reports.
const (
	encUTF8    = "utf-8"
	encGB18030 = "gb18030"
)

// textEncoding returns the encoding of b if it is plain text — valid UTF-8
// (BOM allowed) or valid GB18030, with no NUL and no C0 control other than
// \t \n \v \f \r and the DOS end-of-file 0x1A, and no DEL — or "" if b is
// binary. truncated says b is only the head of the file, so an incomplete
// character at its end is forgiven.
func textEncoding(b []byte, truncated bool) string {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1A || c == 0x7F {
			return ""
		}
	}
	if validUTF8(b, truncated) {
		return encUTF8
	}
	if validGB18030(b, truncated) {
		return encGB18030
	}
	return ""
}

func validUTF8(b []byte, truncated bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if !truncated {
		return false
	}
	// Drop at most one incomplete rune cut by the sniff window.
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			return !utf8.FullRune(b[len(b)-i:]) && utf8.Valid(b[:len(b)-i])
		}
	}
	return false
}

// validGB18030 checks the byte structure of GB18030 (which contains GBK and
// GB2312): ASCII; lead 0x81–0xFE followed by 0x40–0x7E or 0x80–0xFE; or the
// four-byte form lead, 0x30–0x39, 0x81–0xFE, 0x30–0x39.
func validGB18030(b []byte, truncated bool) bool {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
			continue
		case c == 0x80 || c == 0xFF:
			return false
		}
		if i+1 >= len(b) {
			return truncated
		}
		c2 := b[i+1]
		switch {
		case c2 >= 0x40 && c2 <= 0x7E || c2 >= 0x80 && c2 <= 0xFE:
			i += 2
		case c2 >= 0x30 && c2 <= 0x39:
			if i+3 >= len(b) {
				return truncated
			}
			if b[i+2] < 0x81 || b[i+2] > 0xFE || b[i+3] < 0x30 || b[i+3] > 0x39 {
				return false
			}
			i += 4
		default:
			return false
		}
	}
	return true
}

// csvProbeLines is how many records looksLikeCSV compares.
const csvProbeLines = 5

// looksLikeCSV reports whether the first records of b (up to csvProbeLines,
// at least two) all have the same number > 0 of commas, or of tabs, outside
// double quotes. Scanning bytes is safe for GB18030 too: its trail bytes are
// never ',', '\t', '"' or '\n'. truncated drops a last record the sniff
// window may have cut.
func looksLikeCSV(b []byte, truncated bool) bool {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	type counts struct{ comma, tab int }
	var recs []counts
	var cur counts
	inQuote := false
	for i := 0; i < len(b) && len(recs) < csvProbeLines; i++ {
		switch c := b[i]; {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == ',':
			cur.comma++
		case c == '\t':
			cur.tab++
		case c == '\n':
			if cur != (counts{}) || len(recs) > 0 {
				recs = append(recs, cur)
			}
			cur = counts{}
		}
	}
	if len(recs) < csvProbeLines && !inQuote && !truncated && cur != (counts{}) {
		recs = append(recs, cur) // last line without a newline
	}
	// A blank line counts as a record with zero delimiters and breaks
	// consistency, except trailing ones, which editors add.
	for len(recs) > 0 && recs[len(recs)-1] == (counts{}) {
		recs = recs[:len(recs)-1]
	}
	if len(recs) < 2 {
		return false
	}
	sameComma, sameTab := recs[0].comma > 0, recs[0].tab > 0
	for _, r := range recs[1:] {
		sameComma = sameComma && r.comma == recs[0].comma
		sameTab = sameTab && r.tab == recs[0].tab
	}
	return sameComma || sameTab
}

// accepted returns the kinds Allowed lets through for purpose, in the order
// messages name them, and false for an unknown purpose.
func accepted(purpose string) ([]Kind, bool) {
	switch purpose {
	case PurposePlan:
		return []Kind{PDF, DOCX, ODT, TXT}, true
	case PurposeRoster:
		return []Kind{CSV, XLSX}, true
	}
	return nil, false
}

// ForPurpose adjusts a detected text kind to the purpose of the upload: for
// a plan, any text file is a TXT plan (a plan may hold a table pasted with
// tabs or commas); for a roster, a text file is a CSV (a one-column or
// header-only CSV has no delimiter to recognise it by, and the roster
// parser answers it with the row at fault). Other kinds pass unchanged.
func ForPurpose(purpose string, kind Kind) Kind {
	switch {
	case purpose == PurposePlan && kind == CSV:
		return TXT
	case purpose == PurposeRoster && kind == TXT:
		return CSV
	}
	return kind
}

// Allowed reports whether an upload of kind may be stored for purpose
// ("plan": pdf, docx, odt, txt; "roster": csv, xlsx). It returns nil, or
// an *apperror.Error with code Unsupported whose message names the
// detected kind and the accepted ones — for a legacy Office or WPS format
// also the program to open it in and the format to save it as — or code
// Invalid for an unknown purpose.
func Allowed(purpose string, kind Kind) error {
	kinds, ok := accepted(purpose)
	if !ok {
		return apperror.Msg(apperror.Invalid, msgPurpose, purpose)
	}
	for _, k := range kinds {
		if k == kind {
			return nil
		}
	}
	names := make(msg.List, len(kinds))
	for i, k := range kinds {
		names[i] = strings.ToUpper(string(k))
	}
	var saveAs any = labelSaveAsPlan
	if purpose == PurposeRoster {
		saveAs = "XLSX"
	}
	switch kind {
	case DOC:
		return apperror.Msg(apperror.Unsupported, msgLegacy, labelDOC, labelWordApp, saveAs)
	case XLS:
		return apperror.Msg(apperror.Unsupported, msgLegacy, labelXLS, labelExcelApp, saveAs)
	case PPT:
		return apperror.Msg(apperror.Unsupported, msgLegacy, labelPPT, labelPPTApp, saveAs)
	case ODS:
		return apperror.Msg(apperror.Unsupported, msgLegacy, labelODS, labelCalcApp, saveAs)
	case RTF:
		return apperror.Msg(apperror.Unsupported, msgLegacy, labelRTF, labelWordApp, saveAs)
	case Encrypted:
		return apperror.Msg(apperror.Unsupported, msgLegacy, labelEncrypted, labelOfficeApp, saveAs)
	}
	what := labelPlan
	if purpose == PurposeRoster {
		what = labelRoster
	}
	var detected any = strings.ToUpper(string(kind))
	if kind == Unknown || kind == "" {
		detected = labelUnknown
	}
	return apperror.Msg(apperror.Unsupported, msgUnsupported, detected, what, names)
}

// ContentType returns the MIME type to store and serve for kind;
// "application/octet-stream" for Unknown or anything else. Text kinds carry
// no charset because uploads may be UTF-8 or GB18030.
func ContentType(kind Kind) string {
	switch kind {
	case PDF:
		return "application/pdf"
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ODT:
		return "application/vnd.oasis.opendocument.text"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case CSV:
		return "text/csv"
	case TXT:
		return "text/plain"
	default:
		return "application/octet-stream"
	}
}
