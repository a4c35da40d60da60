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

// NoticeView is a notice with the problems it lists.
type NoticeView struct {
	store.Notice
	EnterpriseName string          `json:"enterprise_name"`
	Problems       []store.Problem `json:"problems"`
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
		return nil, apperror.New(apperror.Forbidden, "只有所属街道或管委会可以发整改意见函 / only the street or the park manager may issue a notice")
	}
	deadline, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Deadline))
	if err != nil {
		return nil, invalid([]apperror.Detail{{Field: "deadline", Message: "整改期限格式应为 YYYY-MM-DD / deadline must be YYYY-MM-DD"}})
	}
	now := s.now().UTC()
	if deadline.Before(now.In(shanghai).Truncate(24 * time.Hour).Add(-24 * time.Hour)) {
		return nil, invalid([]apperror.Detail{{Field: "deadline", Message: "整改期限不能早于今天 / the deadline cannot be in the past"}})
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
				return nil, invalid([]apperror.Detail{{Field: fmt.Sprintf("problem_ids[%d]", i), Message: "不是该备案待整改的问题 / not an open problem of this filing"}})
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, invalid([]apperror.Detail{{Field: "problem_ids", Message: "该备案没有待整改的问题 / the filing has no open problems"}})
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
	if err := s.db.CreateNotice(ctx, n, ids); err != nil {
		if apperror.CodeOf(err) == apperror.Conflict { // a racing click won
			if prev, err2 := s.db.NoticeByProblemKey(ctx, store.ProblemSetKey(ids)); err2 == nil {
				return s.Notice(ctx, p, prev.ID)
			}
		}
		return nil, err
	}
	if err := s.db.SetProblemDeadline(ctx, ids, n.Deadline); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		msg := fmt.Sprintf("收到整改意见函 %s：%d 个问题，请于 %s 前整改 / rectification notice %s: %d problem(s), due %s",
			n.Number, len(ids), n.Deadline, n.Number, len(ids), n.Deadline)
		if err := s.notifyEnterprise(ctx, tx, f, "notice_issued", msg, now); err != nil {
			return err
		}
		return s.publish(ctx, tx, "notice_issued", map[string]any{"notice": n.Number, "filing_id": f.ID, "enterprise_id": f.EnterpriseID,
			"street": f.Street, "deadline": n.Deadline, "problems": len(ids)})
	})
	if err != nil {
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
	v := &NoticeView{Notice: *n, Problems: ps}
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
<p class="meta">编号 / No.: {{.Number}}</p>
<p>{{.EnterpriseName}}：</p>
<p>经审查，贵单位复工备案（编号 {{.FilingIDText}}）存在以下问题，请于 <strong>{{.Deadline}}</strong> 前完成整改，并在平台重新提交。
<br><span class="en">The following problems were found in your resumption filing; please rectify them by {{.Deadline}} and resubmit.</span></p>
<table><tr><th>序号 No.</th><th>问题 Problem</th><th>说明 Detail</th><th>来源 Source</th></tr>
{{range $i, $p := .Problems}}<tr><td>{{inc $i}}</td><td>{{$p.Title}}</td><td>{{$p.Detail}}</td><td>{{$p.Source}}</td></tr>
{{end}}</table>
{{if .Body}}<p>附言 / Note：{{.Body}}</p>{{end}}
<p class="meta">{{.StreetName}}<br>{{.Date}}</p>
</body></html>
`))

// NoticeDocument renders a notice as a printable HTML letter. streetName is
// the display name of the notice's street. A letter to a street is
// addressed to the street, one to a department to the department.
func NoticeDocument(n *NoticeView, streetName string) ([]byte, error) {
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
