package sheet

import (
	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// The messages of this package (see internal/msg).
var (
	msgCannotOpen      = msg.New("sheet.cannot_open", "无法打开上传文件", "cannot open the uploaded file")
	msgCannotRead      = msg.New("sheet.cannot_read", "无法读取上传文件", "cannot read the uploaded file")
	msgUnsupported     = msg.New("sheet.unsupported", "不支持的文件类型（%s），请上传 CSV 或 XLSX", "unsupported file type (%s); upload CSV or XLSX")
	msgKindXLS         = msg.New("sheet.kind_xls", "旧版 Excel (.xls) 或加密的工作簿，请在 Excel/WPS 中另存为 XLSX", "legacy .xls or encrypted workbook; save it as XLSX in Excel/WPS")
	msgEmpty           = msg.New("sheet.empty", "文件为空，缺少表头", "the file is empty: no header row")
	msgTooManyCols     = msg.New("sheet.too_many_columns", "行的列数过多", "a row has too many columns")
	msgTooManyColsRow  = msg.New("sheet.too_many_columns_row", "本行超过 %d 列", "this row has more than %d columns")
	msgTooManyRows     = msg.New("sheet.too_many_rows", "数据行超过上限 %d 行", "more than %d data rows")
	msgTimeout         = msg.New("sheet.timeout", "文件处理超时，请拆分后上传", "the file took too long to process; split it and upload again")
	msgCancelled       = msg.New("sheet.cancelled", "处理已取消", "processing was cancelled")
	msgNUL             = msg.New("sheet.nul", "文件含有空字节（NUL），不是文本 CSV", "the file contains a NUL byte: not a text CSV")
	msgNULLine         = msg.New("sheet.nul_line", "第 %d 行含有空字节（NUL）", "line %d contains a NUL byte")
	msgBOMNotUTF8      = msg.New("sheet.bom_not_utf8", "文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8（可能混入了 GBK 编码）；请在 Excel 中另存为“CSV UTF-8”", "the file starts with a UTF-8 BOM but is not valid UTF-8 (GBK bytes mixed in?); save it again as \"CSV UTF-8\"")
	msgMalformedCSV    = msg.New("sheet.malformed_csv", "CSV 格式错误", "malformed CSV")
	msgMalformedCSVRow = msg.New("sheet.malformed_csv_line", "第 %d 行 CSV 格式错误（引号不匹配？）：%s", "CSV syntax error on line %d (unbalanced quotes?): %s")
	msgCSVUnreadable   = msg.New("sheet.csv_unreadable", "无法读取 CSV", "cannot read the CSV")
	msgBadEncoding     = msg.New("sheet.bad_encoding", "文件编码无法识别，请另存为“CSV UTF-8”", "unrecognised text encoding; save the file as \"CSV UTF-8\"")
	msgBadEncodingRow  = msg.New("sheet.bad_encoding_row", "本行含有无法识别的字符", "this row holds bytes that are neither UTF-8 nor GBK")
	msgLineTooLong     = msg.New("sheet.line_too_long", "第 %d 行过长（超过 %d KiB），不是正常的表格", "line %d is longer than %d KiB: not a normal table")
	msgCellTooLong     = msg.New("sheet.cell_too_long", "单元格超过 %d 个字符", "a cell holds more than %d characters")
	msgXLSXDamaged     = msg.New("sheet.xlsx_damaged", "XLSX 文件已损坏或不完整，请重新保存后上传", "the XLSX file is damaged or truncated; save it again and re-upload")
	msgXLSXInflates    = msg.New("sheet.xlsx_inflates", "XLSX 解压后超过 %d MiB 上限", "the XLSX inflates beyond the %d MiB limit")
	msgNotWorkbook     = msg.New("sheet.not_workbook", "ZIP 文件不是 Excel 工作簿，请上传 CSV 或 XLSX", "the ZIP file is not an Excel workbook; upload CSV or XLSX")
	msgSharedStrings   = msg.New("sheet.shared_strings", "XLSX 含有过多不同的文字（超过 %d 个），请拆分后上传", "the XLSX holds more than %d distinct texts; split it and upload again")
	msgDuplicateColumn = msg.New("sheet.duplicate_column", "列“%s”与第 %s 列“%s”重复", "column \"%s\" duplicates column %s \"%s\"")
	msgHeaderWrong     = msg.New("sheet.header_wrong", "%s表头有误", "%sthe header row is wrong")
	msgMissingColumns  = msg.New("sheet.missing_columns", "%s缺少必填列：%s", "%smissing required columns: %s")
	msgMissingColumn   = msg.New("sheet.missing_column", "缺少必填列“%s”", "required column \"%s\" is missing")
	msgNoHeader        = msg.New("sheet.no_header", "在%s前 %d 行中找不到表头（应含有 %s 等列）", "no header row in the first %[2]d rows of %[1]s (it should name columns such as %[3]s)")
	msgWhere           = msg.New("sheet.where", "工作表“%s”第 %d 行：", "sheet \"%s\", row %d: ")
	msgInSheet         = msg.New("sheet.in_sheet", "工作表“%s”：", "sheet \"%s\": ")
	msgWhereCSV        = msg.New("sheet.where_csv", "第 %d 行：", "row %[1]d: ")
	msgSheets          = msg.New("sheet.sheets", "工作表 %s ", "sheets %s")
	msgTheFile         = msg.New("sheet.the_file", "文件", "the file")
	msgSkippedTotal    = msg.New("sheet.skipped_total", "合计行，未作为数据读取", "a totals row, not read as data")
	msgSkippedFooter   = msg.New("sheet.skipped_footer", "落款行（填表人、审核人、日期等），未作为数据读取", "a signature footer (filled in by, checked by, date…), not read as data")
)

// Detail returns the error detail for a cell: t is the catalog message (the
// HTTP layer renders it in the caller's language and sets its code);
// Message holds its Chinese form for callers that print details directly.
func Detail(row int, column string, t msg.Text) apperror.Detail {
	return apperror.Detail{Row: row, Column: column, Text: t, Message: t.In(msg.ZH), Code: t.Code()}
}

func msgCellTooLongErr() error { return apperror.Msg(apperror.Invalid, msgCellTooLong, MaxCellBytes/3) }
