package daily

import "fugong/internal/report"

// ReportSetup is what the dashboards and department daily views need to
// know of the data set (package report does not import this one): who
// reports from when, and the current version's fields with their columns.
// A field of an earlier version that the current one dropped is not
// offered to new views.
func (d *Definition) ReportSetup() report.DailySetup {
	setup := report.DailySetup{FromDaysAfterApproval: d.Expected.FromDaysAfterApproval}
	if len(d.Versions) == 0 {
		return setup
	}
	for _, f := range d.Versions[len(d.Versions)-1].Fields {
		rf := report.DailyField{Key: f.Key, Label: f.Label.ZH, Column: f.Column, Personal: f.Personal}
		switch f.Type {
		case TypeInteger:
			rf.Kind = report.DailyNumber
		case TypeDecimal:
			rf.Kind, rf.Decimal = report.DailyNumber, true
		case TypeYesNo:
			rf.Kind = report.DailyYesNo
		default:
			rf.Kind = report.DailyText
		}
		if len(f.Choices) > 0 {
			rf.Choices = make(map[string]string, len(f.Choices))
			for _, c := range f.Choices {
				rf.Choices[c.Value] = c.Label.ZH
			}
		}
		setup.Fields = append(setup.Fields, rf)
	}
	return setup
}
