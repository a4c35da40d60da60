package registry

import "fugong/internal/msg"

// Column labels, for messages.
var (
	labelCreditCode = msg.New("registry.col.credit_code", "统一社会信用代码", "credit code")
	labelName       = msg.New("registry.col.name", "企业名称", "enterprise name")
	labelSector     = msg.New("registry.col.sector", "行业", "sector")
	labelAboveScale = msg.New("registry.col.above_scale", "规上", "above scale")
	labelRealEstate = msg.New("registry.col.real_estate", "房地产", "real estate")
	labelZone       = msg.New("registry.col.zone", "片区", "zone")
	labelStreet     = msg.New("registry.col.street", "街道", "street")
	labelSupervised = msg.New("registry.col.supervised", "纳入监管", "supervised")
	labelEnteredOn  = msg.New("registry.col.entered_on", "成立/注册日期", "date entered")
	labelLeftOn     = msg.New("registry.col.left_on", "注销/迁出日期", "date closed or moved out")
)

// The messages of this package (see internal/msg).
var (
	msgFormula             = msg.New("registry.formula", "单元格是公式，请粘贴为数值", "the cell is a formula; paste it as a value")
	msgErrors              = msg.New("registry.errors", "%s企业名录有 %d 处错误，未导入任何数据", "%sthe registry has %d errors; nothing was imported")
	msgNoRows              = msg.New("registry.no_rows", "%s企业名录没有数据行", "%sthe registry has no data rows")
	msgCodeEmpty           = msg.New("registry.credit_code_empty", "统一社会信用代码为空", "the credit code is empty")
	msgCodeDuplicate       = msg.New("registry.credit_code_duplicate", "统一社会信用代码与第 %d 行重复", "the credit code duplicates row %d")
	msgCodeExcelNumber     = msg.New("registry.credit_code_excel_number", "统一社会信用代码列被 Excel 存成了数字，后几位已丢失（“%s”）：请将该列设为“文本”格式后重新录入", "the credit code column was stored as a number by Excel and its last digits are lost (\"%s\"): format the column as Text and enter the codes again")
	msgCodeExcelZeros      = msg.New("registry.credit_code_excel_zeros", "统一社会信用代码列被 Excel 存成了数字，后三位变成了 000（共 %d 行）：请将该列设为“文本”格式后重新录入", "the credit code column was stored as a number by Excel and the last three digits became 000 (%d rows): format the column as Text and enter the codes again")
	msgNameEmpty           = msg.New("registry.name_empty", "企业名称为空", "the enterprise name is empty")
	msgSectorEmpty         = msg.New("registry.sector_empty", "行业为空，应为 工业、服务业 或 建筑工地", "the sector is empty: use industrial, service or construction")
	msgSectorUnknown       = msg.New("registry.sector_unknown", "行业“%s”无法识别，应为 工业、服务业 或 建筑工地", "unknown sector \"%s\": use industrial, service or construction")
	msgStreetEmpty         = msg.New("registry.street_empty", "街道为空", "the street is empty")
	msgStreetUnknown       = msg.New("registry.street_unknown", "街道“%s”不在本园区", "unknown street \"%s\"")
	msgZoneUnknown         = msg.New("registry.zone_unknown", "片区“%s”无法识别，应为 南区、西区 或 东区", "unknown zone \"%s\": use south, west or east")
	msgStreetNotInZone     = msg.New("registry.street_not_in_zone", "街道“%s”不属于%s", "street \"%s\" is not in zone %s")
	msgBool                = msg.New("registry.bool", "%s“%s”无法识别，应填 是 或 否（也可写 √/×、Y/N、TRUE/FALSE、1/0）", "%s \"%s\" is not understood: write 是 or 否 (also √/×, Y/N, TRUE/FALSE, 1/0)")
	msgCreditLength        = msg.New("registry.credit_length", "统一社会信用代码应为 18 位", "the unified social credit code must have 18 characters")
	msgCreditChar          = msg.New("registry.credit_char", "统一社会信用代码含有非法字符（不可含 I、O、S、V、Z）", "the credit code holds an invalid character (I, O, S, V, Z are not used)")
	msgCreditDivision      = msg.New("registry.credit_division", "统一社会信用代码第 3–8 位应为行政区划代码（数字）", "characters 3–8 of the credit code must be a division code (digits)")
	msgOrgCheck            = msg.New("registry.org_check", "统一社会信用代码中组织机构代码（第 9–17 位）的校验位错误", "the organisation code inside the credit code (characters 9–17) has a wrong check character")
	msgCreditCheck         = msg.New("registry.credit_check", "统一社会信用代码校验位（第 18 位）错误", "the check character (18th) of the credit code is wrong")
	msgBadDate             = msg.New("registry.bad_date", "日期“%s”格式错误，应为 YYYY-MM-DD、YYYY/M/D、YYYY.M.D 或 YYYY年M月D日", "the date \"%s\" must be YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日")
	msgClosedBeforeEntered = msg.New("registry.closed_before_entered", "注销/迁出日期早于成立/注册日期", "the closing date is before the entry date")
	msgBadDates            = msg.New("registry.bad_dates", "企业名录有 %d 处日期错误，未导入任何数据", "the registry has %d bad dates; nothing was imported")
)
