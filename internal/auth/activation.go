package auth

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// codeAlphabet has no 0/O, 1/I/L: codes are read off paper and typed.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newActivationCode returns a 12-character code (about 59 bits) grouped as
// XXXX-XXXX-XXXX.
func newActivationCode() string {
	b := make([]byte, 12)
	rand.Read(b)
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	return sb.String()
}

// normalizeCode makes typing forgiving: case, spaces and dashes don't matter.
func normalizeCode(c string) string {
	c = strings.ToUpper(c)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, c)
}

// IssuedCode is one line of the activation sheet a street hands out.
type IssuedCode struct {
	CreditCode string
	Name       string
	Code       string
	ExpiresAt  time.Time
}

// IssueActivationCodes issues one-time codes for the enterprises of street
// that have neither an account nor a code still valid: issuing is additive,
// codes already handed out keep working, and the issue is recorded (who,
// when, how many, expiry). Only a park manager, an admin, or an official of
// that street may; others get apperror.Forbidden. street must be a street
// code.
func (s *Service) IssueActivationCodes(ctx context.Context, p *Principal, street string) ([]IssuedCode, error) {
	if err := mayManageCodes(p, street); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	ents, err := s.db.EnterprisesNeedingCode(ctx, street, now)
	if err != nil {
		return nil, err
	}
	exp := now.Add(s.cfg.ActivationCodeTTL)
	out := make([]IssuedCode, len(ents))
	rows := make([]store.ActivationCode, len(ents))
	for i, e := range ents {
		code := newActivationCode()
		out[i] = IssuedCode{CreditCode: e.CreditCode, Name: e.Name, Code: code, ExpiresAt: exp}
		rows[i] = store.ActivationCode{EnterpriseID: e.ID, CodeHash: hashToken(normalizeCode(code)), IssuedBy: p.UserID, ExpiresAt: exp, CreatedAt: now}
	}
	issue := &store.ActivationIssue{Street: street, IssuedBy: p.UserID, ExpiresAt: exp, CreatedAt: now}
	if err := s.db.IssueActivationCodes(ctx, issue, rows); err != nil {
		return nil, err
	}
	return out, nil
}

func mayManageCodes(p *Principal, street string) error {
	switch {
	case p.Role == store.RoleParkManager || p.Role == store.RoleAdmin:
	case p.Role == store.RoleStreetOfficial && p.Street == street:
	default:
		return apperror.Msg(apperror.Forbidden, msgCodesOwnStreet)
	}
	return nil
}

// ActivationIssues returns street's issue history, newest first; who may
// see it is who may issue.
func (s *Service) ActivationIssues(ctx context.Context, p *Principal, street string, pg store.Page) ([]store.ActivationIssue, int64, error) {
	if err := mayManageCodes(p, street); err != nil {
		return nil, 0, err
	}
	return s.db.ActivationIssues(ctx, street, pg)
}

// RevokeActivationCodes revokes, on an explicit request, the unused codes of
// street (of one issue when issueID is not 0) and returns how many; the
// enterprises get codes again at the next issue.
func (s *Service) RevokeActivationCodes(ctx context.Context, p *Principal, street string, issueID int64) (int64, error) {
	if err := mayManageCodes(p, street); err != nil {
		return 0, err
	}
	return s.db.RevokeActivationCodes(ctx, street, issueID, s.now().UTC())
}

var errBadActivation = &apperror.Error{Code: apperror.Invalid, Message: "信用代码或激活码不正确、已使用或已过期 / credit code or activation code is wrong, used or expired",
	Details: []apperror.Detail{{Field: "activation_code", Message: "invalid"}}}

// Activate lets an enterprise claim its account with its credit code and a
// one-time code. A wrong, used or expired code (or unknown credit code) is one
// apperror.Invalid; an enterprise that already has an account is
// apperror.Conflict; repeated failures are rate limited like logins.
func (s *Service) Activate(ctx context.Context, creditCode, code, username, password, ip string) (*store.User, error) {
	now := s.now().UTC()
	creditCode = strings.ToUpper(strings.TrimSpace(creditCode))
	keys := []throttleKey{{key: "ip:" + ip, policy: s.addressPolicy()}, {key: "act:" + creditCode, policy: s.pairPolicy(), reset: true}}
	if err := s.takeAttempts(ctx, keys, now); err != nil {
		return nil, err
	}
	if strings.TrimSpace(username) == "" || len(username) > 64 {
		return nil, &apperror.Error{Code: apperror.Invalid, Message: "请填写用户名（不超过 64 字符）/ username is required (at most 64 characters)",
			Details: []apperror.Detail{{Field: "username", Message: "required"}}}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	fail := func() (*store.User, error) { return nil, errBadActivation }
	e, err := s.db.EnterpriseByCode(ctx, creditCode)
	if err != nil {
		if apperror.CodeOf(err) == apperror.NotFound {
			return fail()
		}
		return nil, err
	}
	ac, err := s.db.ActivationCodeFor(ctx, e.ID, hashToken(normalizeCode(code)))
	if err != nil {
		if apperror.CodeOf(err) == apperror.NotFound {
			return fail()
		}
		return nil, err
	}
	if now.After(ac.ExpiresAt) {
		return fail()
	}
	u := &store.User{Username: strings.TrimSpace(username), PasswordHash: hash, Role: store.RoleEnterprise, EnterpriseID: &e.ID, Street: e.Street}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		ok, err := tx.UseActivationCode(ctx, ac.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errBadActivation
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			if apperror.CodeOf(err) == apperror.Conflict {
				return apperror.New(apperror.Conflict, "该企业已有账号，或用户名已被占用 / this enterprise already has an account, or the username is taken")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.giveBack(ctx, keys, true)
	return u, nil
}
