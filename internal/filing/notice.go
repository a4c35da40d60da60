package filing

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

// NoticeInput is the body of POST /api/v1/filings/{id}/notices.
type NoticeInput struct {
	Deadline   string  `json:"deadline"`
	ProblemIDs []int64 `json:"problem_ids"` // empty: every open problem of the filing
	Note       string  `json:"note"`
}

// IssueNotice issues a rectification notice (整改意见函) to the filing's
// enterprise listing open problems with a deadline. Street officials of the
// filing's street and park managers may; a filing without open problems (or
// problem ids not open on it) is apperror.Invalid.
func (s *Service) IssueNotice(ctx context.Context, p *auth.Principal, filingID int64, in NoticeInput) (*NoticeView, error) {
	f, err := s.db.FilingByID(ctx, p.Scope(), filingID)
	if err != nil {
		return nil, err
	}
	if !(p.Role == store.RoleStreetOfficial && p.Street == f.Street) && p.Role != store.RoleParkManager {
		return nil, apperror.Msg(apperror.Forbidden, msgOnlyStreetParkManagerMay)
	}
	deadline, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Deadline))
	if err != nil {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("deadline", msgDeadlineMustYyyyMmDd)})
	}
	now := s.now().UTC()
	if deadline.Before(now.In(shanghai).Truncate(24 * time.Hour).Add(-24 * time.Hour)) {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("deadline", msgDeadlineCannotPast)})
	}
	open, err := s.db.OpenProblems(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.Problem{}
	for _, pr := range open {
		byID[pr.ID] = pr
	}
	var ids []int64
	if len(in.ProblemIDs) == 0 {
		for _, pr := range open {
			ids = append(ids, pr.ID)
		}
	} else {
		for i, id := range in.ProblemIDs {
			if _, ok := byID[id]; !ok {
				return nil, invalid([]apperror.Detail{apperror.FieldMsg(fmt.Sprintf("problem_ids[%d]", i), msgNotOpenProblemFiling)})
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("problem_ids", msgFilingHasNoOpenProblems)})
	}
	// Issuing again for the same problems (a second click, a retry) returns
	// the notice already issued: one number per set of problems.
	if prev, err := s.db.NoticeByProblemKey(ctx, store.ProblemSetKey(ids)); err == nil {
		return s.Notice(ctx, p, prev.ID)
	} else if apperror.CodeOf(err) != apperror.NotFound {
		return nil, err
	}
	fid := f.ID
	n := &store.Notice{EnterpriseID: f.EnterpriseID, FilingID: &fid, Street: f.Street, Deadline: deadline.Format(time.DateOnly),
		Body: strings.TrimSpace(in.Note), CreatedBy: p.UserID, CreatedAt: now}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateNotice(ctx, n, ids); err != nil {
			return err
		}
		if err := tx.SetProblemDeadline(ctx, ids, n.Deadline); err != nil {
			return err
		}
		note := stored(msgNotifyNotice, n.Number, len(ids), n.Deadline)
		if err := s.notifyEnterpriseOf(ctx, tx, f, "notice_issued", note, &n.ID, now); err != nil {
			return err
		}
		if err := s.publish(ctx, tx, "notice_issued", map[string]any{"notice": n.Number, "filing_id": f.ID, "enterprise_id": f.EnterpriseID,
			"street": f.Street, "deadline": n.Deadline, "problems": len(ids)}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("notice_issued", fmt.Sprintf("filing:%d", f.ID),
			fmt.Sprintf("notice=%s problems=%d deadline=%s", n.Number, len(ids), n.Deadline)))
	})
	if err != nil {
		if apperror.CodeOf(err) == apperror.Conflict { // a racing click won
			if prev, err2 := s.db.NoticeByProblemKey(ctx, store.ProblemSetKey(ids)); err2 == nil {
				return s.Notice(ctx, p, prev.ID)
			}
		}
		return nil, err
	}
	return s.Notice(ctx, p, n.ID)
}

// Notice returns a notice within the caller's scope, else apperror.NotFound.
func (s *Service) Notice(ctx context.Context, p *auth.Principal, id int64) (*NoticeView, error) {
	n, err := s.db.NoticeByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	ps, err := s.db.NoticeProblems(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	v := &NoticeView{ID: n.ID, Number: n.Number, EnterpriseID: n.EnterpriseID, FilingID: n.FilingID, Street: n.Street,
		Deadline: n.Deadline, Body: n.Body, CreatedAt: n.CreatedAt, Problems: problemsOf(ps), TargetKind: n.TargetKind}
	if n.EnterpriseID == 0 {
		return v, nil // a letter to a street or a department (internal/inspection)
	}
	ent, err := s.db.EnterpriseByID(ctx, store.ScopeAll, n.EnterpriseID)
	if err != nil {
		return nil, err
	}
	v.EnterpriseName = ent.Name
	return v, nil
}

var noticeTemplate = template.Must(template.New("notice").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>整改意见函 {{.Number}}</title>
<style>body{font-family:"SimSun","Songti SC",serif;max-width:42rem;margin:2rem auto;line-height:1.9}
h1{text-align:center;font-size:1.5rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #333;padding:.3rem .5rem;text-align:left}
.meta{text-align:right}.en{color:#555;font-size:.85em}</style></head><body>
<h1>疫情防控复工整改意见函<br><span class="en">Rectification notice</span></h1>
<p class="meta">编号 <span class="en">No.</span>：{{.Number}}</p>
<p>{{.EnterpriseName}}：</p>
<p>经审查，贵单位复工备案（编号 {{.FilingIDText}}）存在以下问题，请于 <strong>{{.Deadline}}</strong> 前完成整改，并在平台重新提交。
<br><span class="en">The following problems were found in your resumption filing; please rectify them by {{.Deadline}} and resubmit.</span></p>
<table><tr><th>序号 No.</th><th>问题 Problem</th><th>说明 Detail</th><th>来源 Source</th></tr>
{{range $i, $p := .Problems}}<tr><td>{{inc $i}}</td><td>{{$p.Title}}</td><td>{{$p.Detail}}</td><td>{{$p.Source}}</td></tr>
{{end}}</table>
{{if .Body}}<p>附言 <span class="en">Note</span>：{{.Body}}</p>{{end}}
<p class="meta">{{.StreetName}}<br>{{.Date}}</p>
</body></html>
`))

// NoticeDocument renders notice id, within the caller's scope (else
// apperror.NotFound), as a printable HTML letter, and names its file.
func (s *Service) NoticeDocument(ctx context.Context, p *auth.Principal, id int64) (filename string, doc []byte, err error) {
	n, err := s.Notice(ctx, p, id)
	if err != nil {
		return "", nil, err
	}
	streetName := n.Street
	if s.areas != nil {
		if st, ok := s.areas.Street(n.Street); ok {
			streetName = st.Name
		}
	}
	doc, err = renderNotice(n, streetName)
	return "整改意见函-" + n.Number + ".html", doc, err
}

// renderNotice renders a notice as a printable HTML letter. streetName is
// the display name of the notice's street. A letter to a street is
// addressed to the street, one to a department to the department.
func renderNotice(n *NoticeView, streetName string) ([]byte, error) {
	if n.EnterpriseName == "" {
		switch {
		case n.TargetKind == store.TargetDepartment && len(n.Problems) > 0:
			n.EnterpriseName = n.Problems[0].Department
		default:
			n.EnterpriseName = streetName
		}
	}
	var b strings.Builder
	fid := ""
	if n.FilingID != nil {
		fid = fmt.Sprint(*n.FilingID)
	}
	err := noticeTemplate.Execute(&b, map[string]any{"Number": n.Number, "EnterpriseName": n.EnterpriseName, "FilingIDText": fid,
		"Deadline": n.Deadline, "Problems": n.Problems, "Body": n.Body, "StreetName": streetName,
		"Date": n.CreatedAt.In(shanghai).Format("2006年01月02日")})
	return []byte(b.String()), err
}
