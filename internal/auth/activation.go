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

// IssueActivationCodes issues fresh one-time codes for every enterprise of
// street that has no account yet; earlier unused codes stop working. Only a
// park manager, an admin, or an official of that street may; others get
// apperror.Forbidden. street is a code or a name; an unknown street is
// apperror.NotFound. The codes and their audit entry commit together.
func (s *Service) IssueActivationCodes(ctx context.Context, p *Principal, street string) (*ActivationSheet, error) {
	st, ok := s.areas.Street(street)
	if !ok {
		return nil, apperror.Msg(apperror.NotFound, msgUnknownStreet)
	}
	street = st.Code
	switch {
	case p.Role == store.RoleParkManager || p.Role == store.RoleAdmin:
	case p.Role == store.RoleStreetOfficial && p.Street == street:
	default:
		return nil, apperror.Msg(apperror.Forbidden, msgYouMayIssueCodesOnly)
	}
	ents, err := s.db.EnterprisesWithoutAccount(ctx, street)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	exp := now.Add(s.cfg.ActivationCodeTTL)
	out := make([]IssuedCode, len(ents))
	rows := make([]store.ActivationCode, len(ents))
	for i, e := range ents {
		code := newActivationCode()
		out[i] = IssuedCode{CreditCode: e.CreditCode, Name: e.Name, Code: code, ExpiresAt: exp}
		rows[i] = store.ActivationCode{EnterpriseID: e.ID, CodeHash: hashToken(normalizeCode(code)), IssuedBy: p.UserID, ExpiresAt: exp, CreatedAt: now}
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.ReplaceActivationCodes(ctx, rows); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("activation_codes_issued", "street:"+street, fmt.Sprintf("count=%d", len(out))))
	})
	if err != nil {
		return nil, err
	}
	return &ActivationSheet{Street: st, Codes: out}, nil
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
		e := anonymousEntry(username, store.RoleEnterprise, ip, "activation_failed", "enterprise:"+creditCode)
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
	keys := []string{"act:" + creditCode, "ip:" + ip}
	for _, k := range keys {
		n, oldest, err := s.db.LoginFailures(ctx, k, now.Add(-s.cfg.LoginWindow))
		if err != nil {
			return nil, err
		}
		if n >= int64(s.cfg.LoginMaxFailures) {
			return nil, &RateLimitError{RetryAfter: oldest.Add(s.cfg.LoginWindow).Sub(now)}
		}
	}
	if strings.TrimSpace(username) == "" || len(username) > 64 {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgUsernameRequiredMostCharacters.With(),
			Details: []apperror.Detail{{Field: "username", Message: "required"}}}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	fail := func() (*store.User, error) {
		if err := s.db.RecordLoginFailure(ctx, now, keys...); err != nil {
			return nil, err
		}
		return nil, errBadActivation
	}
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
				return apperror.Msg(apperror.Conflict, msgEnterpriseAlreadyHasAccountUsername)
			}
			return err
		}
		return tx.AppendAudit(ctx, anonymousEntry(u.Username, u.Role, ip, "account_activated", object))
	})
	if err != nil {
		return nil, err
	}
	s.db.ClearLoginFailures(ctx, "act:"+creditCode)
	return u, nil
}
