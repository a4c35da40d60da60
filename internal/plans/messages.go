package plans

import "fugong/internal/msg"

// The messages of this package (see internal/msg).
var (
	msgDOCXCorrupt   = msg.New("plans.docx_corrupt", "DOCX 文件已损坏或不完整", "the DOCX file is corrupt or incomplete")
	msgDOCXNoBody    = msg.New("plans.docx_no_body", "DOCX 中缺少 word/document.xml", "the DOCX has no word/document.xml")
	msgDOCXMalformed = msg.New("plans.docx_malformed", "DOCX 正文格式错误", "the DOCX body is malformed")
	msgODTCorrupt    = msg.New("plans.odt_corrupt", "ODT 文件已损坏或不完整", "the ODT file is corrupt or incomplete")
	msgCannotRead    = msg.New("plans.cannot_read", "无法读取上传文件", "cannot read the upload")
	msgTooLarge      = msg.New("plans.too_large", "文件过大：%d 字节，上限 %d 字节", "file too large: %d bytes, limit %d")
	msgMalformed     = msg.New("plans.malformed", "无法解析文件（格式异常）", "the file could not be parsed (malformed)")
	msgKind          = msg.New("plans.kind", "无法从 %s 文件提取方案文字，只支持 PDF、DOCX、ODT、TXT", "cannot extract plan text from a %s file; PDF, DOCX, ODT and TXT are supported")
	msgTimeout       = msg.New("plans.timeout", "文件解析超时，文件可能过于复杂", "parsing the file took too long; it may be too complex")
	msgCancelled     = msg.New("plans.cancelled", "解析已取消", "parsing was cancelled")
	msgInflate       = msg.New("plans.inflate", "文件解压后超过 %d 字节（疑似压缩炸弹）", "the file inflates to more than %d bytes (possible decompression bomb)")

	// Notes on an accepted plan (stored with the attachment, see noteText).
	noteNoPDFText  = msg.New("plans.note.no_pdf_text", "PDF 中未能提取文字（可能是扫描件）", "No text could be extracted from this PDF (it may be a scan)")
	noteNoText     = msg.New("plans.note.no_text", "文件中没有文字", "The file contains no text")
	noteTruncated  = msg.New("plans.note.truncated", "文字过长，仅保留开头部分", "The text is very long; only its beginning was kept")
	notePDFPartial = msg.New("plans.note.pdf_partial", "PDF 中部分文字使用了无法解码的字体，已略过", "Part of this PDF uses fonts whose text cannot be decoded; it was skipped")
	notePDFLocked  = msg.New("plans.note.pdf_locked", "PDF 设有打开密码，无法读取文字", "This PDF needs a password to open; its text cannot be read")
	notePDFActive  = msg.New("plans.note.pdf_active", "注意：此 PDF 打开时会运行脚本或动作（JavaScript/OpenAction）", "Caution: this PDF runs a script or action when opened (JavaScript/OpenAction)")
)

// noteText renders a note for storage with the attachment: the note is
// written once and read later by enterprises and reviewers in either
// language, and the web UI shows a stored "中文 / English" note in the
// reader's language, so both renderings of the catalog message are kept.
func noteText(m msg.Message) string { return m.In(msg.ZH) + " / " + m.In(msg.EN) }
