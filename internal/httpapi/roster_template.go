package httpapi

import (
	"bytes"
	"encoding/csv"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/roster"
)

// msgTemplateFormat is the one message of the roster template (declared here,
// beside its only use, so this file stands alone).
var msgTemplateFormat = msg.New("roster_template.format", "模板格式须为 xlsx 或 csv", "the template format must be xlsx or csv")

// rosterTemplateRoutes registers GET /roster-template: a blank staff roster
// with the headers roster.Parse reads, for any signed-in user.
func (s *Server) rosterTemplateRoutes(api fiber.Router) {
	api.Get("/roster-template", need(anyone...), s.rosterTemplate)
}

// rosterTemplate answers ?format=xlsx (default) or csv. In the XLSX the ID
// number and phone columns are formatted as text, so Excel neither turns an
// 18-digit ID into 5.10107E+17 nor drops a leading zero; the CSV (UTF-8 with
// a BOM for Excel) cannot carry a format and says so in the UI's hint.
func (s *Server) rosterTemplate(c *fiber.Ctx) error {
	format := c.Query("format", "xlsx")
	var body []byte
	var ct string
	switch format {
	case "xlsx":
		b, err := rosterTemplateXLSX()
		if err != nil {
			return err
		}
		body, ct = b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv":
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		w.UseCRLF = true
		_ = w.Write(roster.TemplateHeaders()) // a bytes.Buffer does not fail
		w.Flush()
		body, ct = buf.Bytes(), "text/csv; charset=utf-8"
	default:
		return apperror.WithText(apperror.Invalid, msgTemplateFormat.With(),
			[]apperror.Detail{{Field: "format", Text: msgTemplateFormat.With()}})
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition("员工健康台账模板."+format))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// rosterTemplateXLSX builds the XLSX template: a bold header row and the
// text columns formatted "@" for the first 5,000 rows.
func rosterTemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "roster template: header style")
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // 49 = "@", text
	if err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "roster template: text style")
	}
	headers := roster.TemplateHeaders()
	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return nil, apperror.Wrap(err, apperror.Internal, "roster template: header")
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(headers), 1)
	if err := f.SetCellStyle(sheet, "A1", last, head); err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "roster template: header style")
	}
	for _, i := range roster.TemplateTextColumns() {
		from, _ := excelize.CoordinatesToCellName(i+1, 2)
		to, _ := excelize.CoordinatesToCellName(i+1, 5001)
		if err := f.SetCellStyle(sheet, from, to, text); err != nil {
			return nil, apperror.Wrap(err, apperror.Internal, "roster template: text column")
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, 22); err != nil {
			return nil, apperror.Wrap(err, apperror.Internal, "roster template: column width")
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "roster template: write")
	}
	return buf.Bytes(), nil
}
