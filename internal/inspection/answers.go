package inspection

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

// Answer records the responsible party's answer (整改反馈) to an open
// problem, with text and evidence files: the problem becomes answered, its
// owner is notified (in-app and webhook problem_answered) and the step is
// audited, in one transaction. Errors: apperror.Forbidden (not the party
// responsible), NotFound (outside scope), Conflict (the problem is not
// open), Invalid (neither text nor files), Unsupported/TooLarge (files).
func (s *Service) Answer(ctx context.Context, p *auth.Principal, problemID int64, text string, ups []Upload) (*Finding, error) {
	pr, err := s.db.ProblemByID(ctx, p.Scope(), problemID)
	if err != nil {
		return nil, err
	}
	if !mayAnswer(p, pr) {
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotAnswer)
	}
	text = strings.TrimSpace(text)
	if text == "" && len(ups) == 0 {
		return nil, invalid("text", msgAnswerEmpty)
	}
	if utf8.RuneCountInString(text) > 5000 {
		return nil, invalid("text", msgTooLong, 5000)
	}
	if pr.Status != store.ProblemOpen {
		return nil, apperror.Msg(apperror.Conflict, msgNotOpen)
	}
	rows, err := s.storeEvidence(ctx, p, pr.ID, ups)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		a := &store.ProblemAnswer{ProblemID: pr.ID, Text: text, CreatedBy: p.UserID, CreatedAt: now}
		if err := tx.AnswerProblem(ctx, a); err != nil {
			return err
		}
		for i := range rows {
			rows[i].AnswerID = &a.ID
		}
		if err := tx.CreateProblemFiles(ctx, rows); err != nil {
			return err
		}
		pr.Status = store.ProblemAnswered
		if err := notify(ctx, tx, []int64{pr.CreatedBy}, "problem_answered", pr, now, noteAnswered, pr.Title); err != nil {
			return err
		}
		payload := problemPayload(pr)
		payload["answer_id"], payload["files"] = a.ID, len(rows)
		if err := s.publish(ctx, tx, "problem_answered", payload, now); err != nil {
			return err
		}
		return audit(ctx, tx, p, "problem_answered", fmt.Sprintf("problem:%d", pr.ID), map[string]any{"answer_id": a.ID, "files": len(rows)}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, pr.ID)
}

// VerifyInput is the body of POST /api/v1/problems/{id}/verify.
type VerifyInput struct {
	Accept  *bool  `json:"accept"`
	Comment string `json:"comment"`
}

// Verify settles an answered problem (核查销号): accept makes it rectified
// (verifier, date, comment); otherwise it is open again with the reason,
// which is required. The responsible party is notified (in-app and webhook
// problem_rectified / problem_reopened) and the step audited, in one
// transaction. Only its owner may verify (apperror.Forbidden); a problem
// not answered is apperror.Conflict.
func (s *Service) Verify(ctx context.Context, p *auth.Principal, problemID int64, in VerifyInput) (*Finding, error) {
	pr, err := s.db.ProblemByID(ctx, p.Scope(), problemID)
	if err != nil {
		return nil, err
	}
	ok, err := s.mayVerify(ctx, p, pr)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotVerify)
	}
	if in.Accept == nil {
		return nil, invalid("accept", msgAcceptRequired)
	}
	comment := strings.TrimSpace(in.Comment)
	if !*in.Accept && comment == "" {
		return nil, invalid("comment", msgReasonRequired)
	}
	if utf8.RuneCountInString(comment) > 2000 {
		return nil, invalid("comment", msgTooLong, 2000)
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		a, err := tx.VerifyProblem(ctx, pr.ID, p.UserID, *in.Accept, comment, now)
		if err != nil {
			return err
		}
		users, err := responsibleUsers(ctx, tx, pr)
		if err != nil {
			return err
		}
		kind := "problem_rectified"
		if *in.Accept {
			pr.Status = store.ProblemRectified
			err = notify(ctx, tx, users, kind, pr, now, noteRectified, pr.Title)
		} else {
			kind, pr.Status = "problem_reopened", store.ProblemOpen
			err = notify(ctx, tx, users, kind, pr, now, noteReopened, pr.Title, comment)
		}
		if err != nil {
			return err
		}
		payload := problemPayload(pr)
		payload["answer_id"], payload["comment"] = a.ID, comment
		if err := s.publish(ctx, tx, kind, payload, now); err != nil {
			return err
		}
		return audit(ctx, tx, p, "problem_verified", fmt.Sprintf("problem:%d", pr.ID),
			map[string]any{"accept": *in.Accept, "answer_id": a.ID, "comment": comment}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, pr.ID)
}
