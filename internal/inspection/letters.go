package inspection

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

// LetterInput is the body of POST /api/v1/letters: a rectification letter
// (整改意见函) to a target, listing its open problems.
type LetterInput struct {
	Target   store.ProblemTarget `json:"target"`
	Deadline string              `json:"deadline"`
	Note     string              `json:"note"`
}

// Letter is a letter with the problems it lists.
type Letter struct {
	store.Notice
	Target   store.ProblemTarget `json:"target"`
	Problems []store.Problem     `json:"problems"`
	Reissued bool                `json:"reissued"` // true when the same problems already had this letter
}

// IssueLetter groups the target's open problems into one numbered letter
// with a deadline (given to the problems that have none). Issuing again for
// the same problems returns the same letter. Inspectors and park managers
// write to any target, street officials to their street's enterprises and
// the street itself. Errors: apperror.Invalid (fields, no open problems),
// Forbidden, NotFound (an enterprise outside scope).
func (s *Service) IssueLetter(ctx context.Context, p *auth.Principal, in LetterInput) (*Letter, error) {
	now := s.now().UTC()
	deadline, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Deadline))
	if err != nil {
		return nil, invalid("deadline", msgBadDate)
	}
	if deadline.Format(time.DateOnly) < today(now) {
		return nil, invalid("deadline", msgDeadlinePast)
	}
	n := &store.Notice{Deadline: deadline.Format(time.DateOnly), Body: strings.TrimSpace(in.Note), CreatedBy: p.UserID, CreatedAt: now, TargetKind: in.Target.Kind}
	var eid int64
	var dept string
	switch in.Target.Kind {
	case store.TargetEnterprise:
		id, err := strconv.ParseInt(strings.TrimSpace(in.Target.Ref), 10, 64)
		if err != nil {
			return nil, invalid("target.ref", msgUnknownEnterprise)
		}
		e, err := s.db.EnterpriseByID(ctx, p.Scope(), id)
		if err != nil {
			return nil, err
		}
		eid, n.EnterpriseID, n.Street = e.ID, e.ID, e.Street
	case store.TargetStreet:
		st, ok := s.areas.Street(strings.TrimSpace(in.Target.Ref))
		if !ok {
			return nil, invalid("target.ref", msgUnknownStreet)
		}
		n.Street = st.Code
	case store.TargetDepartment:
		dept = strings.TrimSpace(in.Target.Ref)
		if !departmentKey.MatchString(dept) {
			return nil, invalid("target.ref", msgBadDepartment)
		}
	default:
		return nil, invalid("target.kind", msgTargetKind)
	}
	switch p.Role {
	case store.RoleInspector, store.RoleParkManager, store.RoleAdmin:
	case store.RoleStreetOfficial:
		if in.Target.Kind == store.TargetDepartment || n.Street != p.Street {
			return nil, apperror.Msg(apperror.Forbidden, msgMayNotLetter)
		}
	default:
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotLetter)
	}
	open, err := s.db.OpenProblemsOfTarget(ctx, p.Scope(), in.Target.Kind, n.Street, dept, eid)
	if err != nil {
		return nil, err
	}
	if len(open) == 0 {
		return nil, invalid("target", msgNoOpenProblems)
	}
	ids := make([]int64, len(open))
	for i, pr := range open {
		ids[i] = pr.ID
	}
	if prev, err := s.db.NoticeByProblemKey(ctx, store.ProblemSetKey(ids)); err == nil {
		return s.letter(ctx, prev, true)
	} else if apperror.CodeOf(err) != apperror.NotFound {
		return nil, err
	}
	if err := s.db.CreateNotice(ctx, n, ids); err != nil {
		if apperror.CodeOf(err) == apperror.Conflict { // a racing request issued it
			if prev, err2 := s.db.NoticeByProblemKey(ctx, store.ProblemSetKey(ids)); err2 == nil {
				return s.letter(ctx, prev, true)
			}
		}
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.SetProblemDeadline(ctx, ids, n.Deadline); err != nil {
			return err
		}
		users, err := responsibleUsers(ctx, tx, &open[0])
		if err != nil {
			return err
		}
		if err := notifyNotice(ctx, tx, users, "notice_issued", &open[0], &n.ID, now, noteLetter, n.Number, len(ids), n.Deadline); err != nil {
			return err
		}
		if err := s.publish(ctx, tx, "letter_issued", map[string]any{"letter": n.Number, "target": in.Target, "street": n.Street,
			"deadline": n.Deadline, "problems": ids}, now); err != nil {
			return err
		}
		return audit(ctx, tx, p, "letter_issued", fmt.Sprintf("notice:%d", n.ID), map[string]any{"number": n.Number, "target": in.Target, "problems": ids, "deadline": n.Deadline}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.letter(ctx, n, false)
}

func (s *Service) letter(ctx context.Context, n *store.Notice, reissued bool) (*Letter, error) {
	ps, err := s.db.NoticeProblems(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	l := &Letter{Notice: *n, Problems: ps, Reissued: reissued}
	if len(ps) > 0 {
		l.Target = ps[0].Target
	}
	return l, nil
}
