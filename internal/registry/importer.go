package registry

import (
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/roster"
	"fugong/internal/store"
)

// Dated converts parsed rows to store rows with the dates they state:
// ValidFrom the entry date, ValidTo the day after the closing date (empty
// when not stated). A date that does not parse, or a closing date before
// the entry date, is apperror.Invalid with every such cell.
func Dated(rows []Row) ([]store.Enterprise, error) {
	out := ToEnterprises(rows)
	var bad []apperror.Detail
	for i, r := range rows {
		if r.EnteredOn != "" {
			d, ok := parseDay(r.EnteredOn)
			if !ok {
				bad = append(bad, apperror.Detail{Row: r.Line, Column: "成立/注册日期", Text: msgBadDate.With(r.EnteredOn), Message: msgBadDate.In(msg.ZH, r.EnteredOn)})
			}
			out[i].ValidFrom = d
		}
		if r.LeftOn != "" {
			d, ok := parseDay(r.LeftOn)
			if !ok {
				bad = append(bad, apperror.Detail{Row: r.Line, Column: "注销/迁出日期", Text: msgBadDate.With(r.LeftOn), Message: msgBadDate.In(msg.ZH, r.LeftOn)})
				continue
			}
			t, _ := time.Parse(time.DateOnly, d)
			out[i].ValidTo = t.AddDate(0, 0, 1).Format(time.DateOnly)
			if out[i].ValidFrom != "" && d < out[i].ValidFrom {
				bad = append(bad, apperror.Detail{Row: r.Line, Column: "注销/迁出日期",
					Text: msgClosedBeforeEntered.With(), Message: msgClosedBeforeEntered.In(msg.ZH)})
			}
		}
	}
	if len(bad) > 0 {
		return nil, apperror.WithText(apperror.Invalid, msgBadDates.With(len(bad)), bad)
	}
	return out, nil
}

// parseDay reads a registry date: YYYY-MM-DD, YYYY/M/D, YYYY.M.D,
// YYYY年M月D日 or an Excel date serial (an XLSX date cell).
func parseDay(s string) (string, bool) {
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", ".", "-").Replace(strings.TrimSpace(s))
	t, ok := roster.ParseDate(s, true)
	if !ok {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// ToEnterprises converts parsed rows to store rows (undated).
func ToEnterprises(rows []Row) []store.Enterprise {
	out := make([]store.Enterprise, len(rows))
	for i, r := range rows {
		out[i] = store.Enterprise{
			CreditCode: r.CreditCode, Name: r.Name, Sector: r.Sector, AboveScale: r.AboveScale, RealEstate: r.RealEstate,
			Zone: r.Zone, Street: r.Street, Supervised: r.Supervised,
		}
	}
	return out
}
