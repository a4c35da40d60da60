package roster

import "fugong/internal/msg"

// Column labels, for messages.
var (
	labelName          = msg.New("roster.col.name", "姓名", "name")
	labelIDNumber      = msg.New("roster.col.id_number", "身份证号", "ID number")
	labelPhone         = msg.New("roster.col.phone", "手机号", "phone")
	labelDepartment    = msg.New("roster.col.department", "部门", "department")
	labelTemperature   = msg.New("roster.col.temperature", "体温", "temperature")
	labelHealthCode    = msg.New("roster.col.health_code", "健康码", "health code")
	labelTravel        = msg.New("roster.col.travel_14d", "近14日旅居史", "travel in the last 14 days")
	labelReturnDate    = msg.New("roster.col.return_date", "返回日期", "return date")
	labelQuarantineEnd = msg.New("roster.col.quarantine_end", "隔离结束日期", "quarantine end date")
)

// The messages of this package (see internal/msg).
var (
	msgErrors        = msg.New("roster.errors", "%s员工健康台账有 %d 处错误", "%sthe staff roster has %d errors")
	msgNoRows        = msg.New("roster.no_rows", "%s员工健康台账没有数据行", "%sthe staff roster has no data rows")
	msgNameEmpty     = msg.New("roster.name_empty", "姓名为空", "the name is empty")
	msgIDEmpty       = msg.New("roster.id_empty", "身份证号为空", "the ID number is empty")
	msgIDDuplicate   = msg.New("roster.id_duplicate", "身份证号与第 %d 行重复", "the ID number duplicates row %d")
	msgIDExcelNumber = msg.New("roster.id_excel_number", "身份证号列被 Excel 存成了数字，后几位已丢失（“%s”）：请将该列设为“文本”格式后重新录入", "the ID number column was stored as a number by Excel and its last digits are lost (\"%s\"): format the column as Text and enter the numbers again")
	msgIDExcelZeros  = msg.New("roster.id_excel_zeros", "身份证号列被 Excel 存成了数字，后三位变成了 000（共 %d 行）：请将该列设为“文本”格式后重新录入", "the ID number column was stored as a number by Excel and the last three digits became 000 (%d rows): format the column as Text and enter the numbers again")
	msgIDLength      = msg.New("roster.id_length", "身份证号应为 18 位", "the ID number must have 18 characters")
	msgIDChar        = msg.New("roster.id_char", "身份证号前 17 位应为数字，末位为数字或 X", "the ID number must be 17 digits and a digit or X")
	msgIDRegion      = msg.New("roster.id_region", "身份证号地区码无效", "the ID number's region code is invalid")
	msgIDBirth       = msg.New("roster.id_birth", "身份证号中的出生日期不合理", "the birth date inside the ID number is not plausible")
	msgIDCheck       = msg.New("roster.id_check", "身份证号校验位错误", "the ID number's check digit is wrong")
	msgPhone         = msg.New("roster.phone", "电话号码格式错误，应为 11 位手机号或带区号的座机", "the phone must be an 11-digit mobile number or a landline with area code")
	msgTempNotNumber = msg.New("roster.temperature_not_number", "体温“%s”不是数字，应写作 36.5 或 36.5℃", "the temperature \"%s\" is not a number; write 36.5 or 36.5°C")
	msgTempRange     = msg.New("roster.temperature_range", "体温应在 34.0–43.0 ℃ 之间", "the temperature must be between 34.0 and 43.0 °C")
	msgHealthCode    = msg.New("roster.health_code", "健康码“%s”无法识别，应为 绿码、黄码 或 红码（也可写 绿/黄/红、绿色/黄色/红色）", "unknown health code \"%s\": use green, yellow or red (绿码/黄码/红码)")
	msgReturnMissing = msg.New("roster.return_date_missing", "填写了旅居史，请填写返回日期", "travel is given: fill in the return date")
	msgDate          = msg.New("roster.date", "日期“%s”格式错误，应为 2020-02-01、2020/2/1、2020.2.1、2020年2月1日 或 2月1日", "the date \"%s\" is not understood: write 2020-02-01, 2020/2/1, 2020.2.1, 2020年2月1日 or 2月1日")
)
