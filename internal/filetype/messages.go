package filetype

import "fugong/internal/msg"

// The messages of this package (see internal/msg).
var (
	msgEmpty         = msg.New("filetype.empty", "文件为空", "the file is empty")
	msgTooLarge      = msg.New("filetype.too_large", "文件过大：%d 字节，上限 %d 字节", "file too large: %d bytes, limit %d")
	msgCannotRead    = msg.New("filetype.cannot_read", "无法读取上传文件", "cannot read the upload")
	msgPDFIncomplete = msg.New("filetype.pdf_incomplete", "PDF 文件不完整（缺少 %%EOF），可能上传中断", "the PDF is incomplete (no %%EOF); the upload may have been cut off")
	msgZipCorrupt    = msg.New("filetype.zip_corrupt", "ZIP/Office 文件已损坏或不完整", "the ZIP/Office file is corrupt or incomplete")
	msgMacro         = msg.New("filetype.macro", "不接受含宏的 Office 文件（docm/xlsm），请另存为 docx/xlsx", "macro-enabled Office files (docm/xlsm) are not accepted; save as docx/xlsx")
	msgZipEntries    = msg.New("filetype.zip_entries", "压缩包内文件过多：%d 个，上限 %d（疑似 ZIP 炸弹）", "too many entries in the archive: %d, limit %d (possible zip bomb)")
	msgZipEntry      = msg.New("filetype.zip_entry", "压缩包内 %q 解压后 %d 字节，上限 %d（疑似 ZIP 炸弹）", "entry %q inflates to %d bytes, limit %d (possible zip bomb)")
	msgZipTotal      = msg.New("filetype.zip_total", "压缩包解压后超过 %d 字节（疑似 ZIP 炸弹）", "the archive inflates to more than %d bytes (possible zip bomb)")
	msgPurpose       = msg.New("filetype.purpose", "未知的附件用途 %q（应为 plan 或 roster）", "unknown attachment purpose %q (want plan or roster)")
	msgUnsupported   = msg.New("filetype.unsupported", "不支持的文件类型：检测到 %s，%s只接受 %s", "unsupported file type: detected %s; %s accepts %s")
	msgLegacy        = msg.New("filetype.legacy", "不支持的文件类型：检测到%s。请在 %s 中打开后“另存为” %s 再上传", "unsupported file type: detected %s. Open it in %s and \"Save As\" %s, then upload that file")
	labelSaveAsPlan  = msg.New("filetype.save_as_plan", "DOCX 或 PDF", "DOCX or PDF")
	labelPlan        = msg.New("filetype.purpose_plan", "复工方案", "a resumption plan")
	labelRoster      = msg.New("filetype.purpose_roster", "员工健康台账", "a staff health roster")
	labelUnknown     = msg.New("filetype.kind_unknown", "无法识别的格式", "an unrecognised format")
	labelDOC         = msg.New("filetype.kind_doc", "旧版 Word/WPS 文档（.doc/.wps）", "a legacy Word/WPS document (.doc/.wps)")
	labelXLS         = msg.New("filetype.kind_xls", "旧版 Excel/WPS 表格（.xls/.et）", "a legacy Excel/WPS workbook (.xls/.et)")
	labelPPT         = msg.New("filetype.kind_ppt", "旧版 PowerPoint 演示文稿（.ppt/.dps）", "a legacy PowerPoint presentation (.ppt/.dps)")
	labelEncrypted   = msg.New("filetype.kind_encrypted", "设有打开密码的 Office 文件", "a password-protected Office file")
	labelODS         = msg.New("filetype.kind_ods", "OpenDocument 表格（.ods）", "an OpenDocument spreadsheet (.ods)")
	labelRTF         = msg.New("filetype.kind_rtf", "RTF 格式文档（.rtf）", "a Rich Text Format document (.rtf)")
	labelWordApp     = msg.New("filetype.app_word", "Word 或 WPS 文字", "Word or WPS Writer")
	labelExcelApp    = msg.New("filetype.app_excel", "Excel 或 WPS 表格", "Excel or WPS Spreadsheets")
	labelOfficeApp   = msg.New("filetype.app_office", "原来的软件（先取消打开密码）", "the program that made it (remove the password first)")
	labelPPTApp      = msg.New("filetype.app_ppt", "PowerPoint 或 WPS 演示", "PowerPoint or WPS Presentation")
	labelCalcApp     = msg.New("filetype.app_calc", "LibreOffice Calc 或 WPS 表格", "LibreOffice Calc or WPS Spreadsheets")
)
