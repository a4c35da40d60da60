package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/page"
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

// ActivationSheet is the codes issued for one street.
type ActivationSheet struct {
	Street areas.Street
	Codes  []IssuedCode
}

// IssueActivationCodes issues one-time codes for the enterprises of street
// that have neither an account nor a code still valid: issuing is additive,
// codes already handed out keep working, and the issue is recorded (who,
// when, how many, expiry) with its audit entry in one transaction. Only a
// park manager, an admin, or an official of that street may; others get
// apperror.Forbidden. street is a code or a name; an unknown street is
// apperror.NotFound.
func (s *Service) IssueActivationCodes(ctx context.Context, p *Principal, street string) (*ActivationSheet, error) {
	st, ok := s.areas.Street(street)
	if !ok {
		return nil, apperror.Msg(apperror.NotFound, msgUnknownStreet)
	}
	street = st.Code
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
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.IssueActivationCodes(ctx, issue, rows); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("activation_codes_issued", "street:"+street, fmt.Sprintf("count=%d", len(out))))
	})
	if err != nil {
		return nil, err
	}
	return &ActivationSheet{Street: st, Codes: out}, nil
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
// see it is who may issue. street is a code or a name; an unknown street is
// apperror.NotFound.
func (s *Service) ActivationIssues(ctx context.Context, p *Principal, street string, pg page.Page) ([]store.ActivationIssue, int64, error) {
	st, ok := s.areas.Street(street)
	if !ok {
		return nil, 0, apperror.Msg(apperror.NotFound, msgUnknownStreet)
	}
	if err := mayManageCodes(p, st.Code); err != nil {
		return nil, 0, err
	}
	return s.db.ActivationIssues(ctx, st.Code, pg)
}

// RevokeActivationCodes revokes, on an explicit request, the unused codes of
// street (of one issue when issueID is not 0) with its audit entry, and
// returns how many; the enterprises get codes again at the next issue.
// street is a code or a name; an unknown street is apperror.NotFound.
func (s *Service) RevokeActivationCodes(ctx context.Context, p *Principal, street string, issueID int64) (int64, error) {
	st, ok := s.areas.Street(street)
	if !ok {
		return 0, apperror.Msg(apperror.NotFound, msgUnknownStreet)
	}
	if err := mayManageCodes(p, st.Code); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.Tx(ctx, func(tx *store.DB) error {
		var err error
		if n, err = tx.RevokeActivationCodes(ctx, st.Code, issueID, s.now().UTC()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("activation_codes_revoked", "street:"+st.Code, fmt.Sprintf("issue=%d revoked=%d", issueID, n)))
	})
	return n, err
}

var errBadActivation = &apperror.Error{Code: apperror.Invalid, Text: msgCreditCodeActivationCodeWrong.With(),
	Details: []apperror.Detail{{Field: "activation_code", Message: "invalid"}}}

// Activate lets an enterprise claim its account with its credit code and a
// one-time code. A wrong, used or expired code (or unknown credit code) is one
// apperror.Invalid; an enterprise that already has an account is
// apperror.Conflict; repeated failures are rate limited like logins. Every
// attempt is audited: a success in the transaction that creates the
// account, a failure on its own (nothing changed to be atomic with).
func (s *Service) Activate(ctx context.Context, creditCode, code, username, password, ip string) (*Principal, error) {
	u, err := s.activate(ctx, creditCode, code, username, password, ip)
	if err != nil {
		e := anonymousEntry(ctx, username, store.RoleEnterprise, ip, "activation_failed", "enterprise:"+creditCode)
		if aerr := s.db.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
			return nil, errors.Join(err, aerr)
		}
		return nil, err
	}
	return principalOf(u), nil
}

func (s *Service) activate(ctx context.Context, creditCode, code, username, password, ip string) (*store.User, error) {
	now := s.now().UTC()
	object := "enterprise:" + creditCode
	creditCode = strings.ToUpper(strings.TrimSpace(creditCode))
	keys := []throttleKey{{key: "ip:" + ip, policy: s.addressPolicy()}, {key: "act:" + creditCode, policy: s.pairPolicy(), reset: true}}
	if err := s.takeAttempts(ctx, keys, now); err != nil {
		return nil, err
	}
	if strings.TrimSpace(username) == "" || len(username) > 64 {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgUsernameRequiredMostCharacters.With(),
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
	err = s.db.TxRetry(ctx, func(tx *store.DB) error {
		u.ID = 0 // an aborted attempt's id
		ok, err := tx.UseActivationCode(ctx, ac.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errBadActivation
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			// A taken username, not a transaction aborted for a conflict
			// (a Galera brute-force abort can surface at the INSERT): that
			// one TxRetry runs again.
			if apperror.CodeOf(err) == apperror.Conflict && !store.IsRetryable(err) {
				return apperror.Msg(apperror.Conflict, msgEnterpriseAlreadyHasAccountUsername)
			}
			return err
		}
		return tx.AppendAudit(ctx, anonymousEntry(ctx, u.Username, u.Role, ip, "account_activated", object))
	})
	if err != nil {
		return nil, err
	}
	s.giveBack(ctx, keys, true)
	return u, nil
}
