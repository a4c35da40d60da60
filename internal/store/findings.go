package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"fugong/internal/apperror"
)

// Problem targets: whom a problem is against (docs/openapi.yaml, "target").
const (
	TargetEnterprise = "enterprise"
	TargetStreet     = "street"
	TargetDepartment = "department"
)

// ProblemTarget is whom a problem is against: an enterprise (ref = its id),
// a street (ref = street code) or a department (ref = department key).
type ProblemTarget struct {
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
}

// AfterFind derives the API's target and deadline from the columns.
func (p *Problem) AfterFind(*gorm.DB) error {
	p.derive()
	return nil
}

// AfterCreate does the same for a problem just inserted.
func (p *Problem) AfterCreate(*gorm.DB) error {
	p.derive()
	return nil
}

// BeforeCreate fills the target kind from the columns when unset.
func (p *Problem) BeforeCreate(*gorm.DB) error {
	if p.TargetKind == "" {
		switch {
		case p.EnterpriseID != nil:
			p.TargetKind = TargetEnterprise
		case p.Department != "":
			p.TargetKind = TargetDepartment
		default:
			p.TargetKind = TargetStreet
		}
	}
	return nil
}

func (p *Problem) derive() {
	switch p.TargetKind {
	case TargetDepartment:
		p.Target = ProblemTarget{Kind: TargetDepartment, Ref: p.Department}
	case TargetStreet:
		p.Target = ProblemTarget{Kind: TargetStreet, Ref: p.Street}
	default:
		p.Target = ProblemTarget{Kind: TargetEnterprise}
		if p.EnterpriseID != nil {
			p.Target.Ref = strconv.FormatInt(*p.EnterpriseID, 10)
		}
	}
	p.DeadlineOut = nil
	if p.Deadline != "" {
		d := p.Deadline
		p.DeadlineOut = &d
	}
}

// SetOverdue marks p overdue when it is still open and its deadline is
// before today (a YYYY-MM-DD civil date).
func (p *Problem) SetOverdue(today string) {
	p.Overdue = p.Status == ProblemOpen && p.Deadline != "" && p.Deadline < today
}

// problemScope restricts a problems query to what scope may see: tenants as
// for filings (enterprise: its own; street official: its street, street
// problems included); a department its own department's problems.
func problemScope(q *gorm.DB, s Scope) *gorm.DB {
	if s.Role == RoleDepartment {
		if s.Department == "" {
			return q.Where("1 = 0")
		}
		return q.Where("target_kind = ? AND department = ?", TargetDepartment, s.Department)
	}
	return s.apply(q, "enterprise_id", "street")
}

func (f ProblemFilter) applyLoop(q *gorm.DB) *gorm.DB {
	if f.TargetKind != "" {
		q = q.Where("target_kind = ?", f.TargetKind)
	}
	if f.CreatedBy != 0 {
		q = q.Where("created_by = ?", f.CreatedBy)
	}
	if f.OverdueOn != "" {
		q = q.Where("status = ? AND deadline <> '' AND deadline < ?", ProblemOpen, f.OverdueOn)
	}
	return q
}

// CreateProblem inserts one problem and returns it with its id.
func (db *DB) CreateProblem(ctx context.Context, p *Problem) error {
	return dbErr(db.orm(ctx).Create(p).Error, "problem")
}

// ProblemFile is an evidence file of a finding or of an answer.
type ProblemFile struct {
	ID          int64     `json:"id"`
	ProblemID   int64     `json:"problem_id"`
	AnswerID    *int64    `json:"answer_id"`
	Filename    string    `json:"filename"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"-" gorm:"column:sha256"` // plain SHA-256 of rows not yet converted (migration 13), else ""
	ContentHash string    `json:"sha256"`                 // keyed hash of the plaintext (pii.Keyring.ContentHash), hex
	ContentType string    `json:"content_type"`
	ObjectKey   string    `json:"-"`
	CreatedBy   int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName maps ProblemFile to problem_files.
func (ProblemFile) TableName() string { return "problem_files" }

// CreateProblemFiles inserts files.
func (db *DB) CreateProblemFiles(ctx context.Context, fs []ProblemFile) error {
	if len(fs) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Create(&fs).Error, "problem files")
}

// ProblemFiles returns the files of a problem, oldest first.
func (db *DB) ProblemFiles(ctx context.Context, problemID int64) ([]ProblemFile, error) {
	var out []ProblemFile
	err := db.orm(ctx).Where("problem_id = ?", problemID).Order("id").Find(&out).Error
	return out, dbErr(err, "problem files")
}

// ProblemFileByID returns file id if its problem is within scope, else
// apperror.NotFound.
func (db *DB) ProblemFileByID(ctx context.Context, scope Scope, id int64) (*ProblemFile, error) {
	var f ProblemFile
	if err := db.orm(ctx).Where("id = ?", id).Take(&f).Error; err != nil {
		return nil, dbErr(err, "problem file")
	}
	if _, err := db.ProblemByID(ctx, scope, f.ProblemID); err != nil {
		return nil, err
	}
	return &f, nil
}

// ProblemFileKeyReferenced reports whether an evidence file points at key
// (the orphan sweeper must keep it).
func (db *DB) ProblemFileKeyReferenced(ctx context.Context, key string) (bool, error) {
	var n int64
	err := db.orm(ctx).Model(&ProblemFile{}).Where("object_key = ?", key).Limit(1).Count(&n).Error
	return n > 0, dbErr(err, "problem files")
}

// Answer verdicts.
const (
	VerdictPending  = ""
	VerdictAccepted = "accepted"
	VerdictReturned = "returned"
)

// ProblemAnswer is the responsible party's answer (整改反馈) and, once
// verified, the verdict on it (核查).
type ProblemAnswer struct {
	ID            int64         `json:"id"`
	ProblemID     int64         `json:"problem_id"`
	Text          string        `json:"text"`
	CreatedBy     int64         `json:"created_by"`
	CreatedAt     time.Time     `json:"created_at"`
	Verdict       string        `json:"verdict"`
	VerifiedBy    *int64        `json:"verified_by"`
	VerifiedAt    *time.Time    `json:"verified_at"`
	VerifyComment string        `json:"verify_comment"`
	Files         []ProblemFile `json:"files" gorm:"-"`
}

// TableName maps ProblemAnswer to problem_answers.
func (ProblemAnswer) TableName() string { return "problem_answers" }

// AnswerProblem records an answer to an open problem and moves it to
// answered, by a conditional update: of two answers racing, one wins; a
// problem not open is apperror.Conflict.
func (db *DB) AnswerProblem(ctx context.Context, a *ProblemAnswer) error {
	g := db.orm(ctx)
	res := g.Model(&Problem{}).Where("id = ? AND status = ?", a.ProblemID, ProblemOpen).
		Updates(map[string]any{"status": ProblemAnswered, "answered_at": a.CreatedAt})
	if res.Error != nil {
		return dbErr(res.Error, "problem")
	}
	if res.RowsAffected != 1 {
		return apperror.Msg(apperror.Conflict, msgAnswerNeedsOpen)
	}
	return dbErr(g.Create(a).Error, "problem answer")
}

// VerifyProblem settles an answered problem: accept makes it rectified at
// `at`, otherwise it is open again; the pending answer gets the verdict. A
// problem not answered is apperror.Conflict (of two verifications racing,
// one wins).
func (db *DB) VerifyProblem(ctx context.Context, problemID, by int64, accept bool, comment string, at time.Time) (*ProblemAnswer, error) {
	g := db.orm(ctx)
	up := map[string]any{"status": ProblemOpen, "verified_by": by, "verify_comment": comment}
	verdict := VerdictReturned
	if accept {
		up["status"], up["rectified_at"], up["rectified_note"] = ProblemRectified, at, comment
		verdict = VerdictAccepted
	}
	res := g.Model(&Problem{}).Where("id = ? AND status = ?", problemID, ProblemAnswered).Updates(up)
	if res.Error != nil {
		return nil, dbErr(res.Error, "problem")
	}
	if res.RowsAffected != 1 {
		return nil, apperror.Msg(apperror.Conflict, msgProblemNotAnswered)
	}
	var a ProblemAnswer
	if err := g.Where("problem_id = ? AND verdict = ?", problemID, VerdictPending).Order("id DESC").Take(&a).Error; err != nil {
		return nil, dbErr(err, "problem answer")
	}
	a.Verdict, a.VerifiedBy, a.VerifiedAt, a.VerifyComment = verdict, &by, &at, comment
	err := g.Model(&ProblemAnswer{}).Where("id = ?", a.ID).
		Updates(map[string]any{"verdict": verdict, "verified_by": by, "verified_at": at, "verify_comment": comment}).Error
	return &a, dbErr(err, "problem answer")
}

// ProblemAnswers returns a problem's answers with their files, oldest first.
func (db *DB) ProblemAnswers(ctx context.Context, problemID int64) ([]ProblemAnswer, error) {
	var out []ProblemAnswer
	if err := db.orm(ctx).Where("problem_id = ?", problemID).Order("id").Find(&out).Error; err != nil {
		return nil, dbErr(err, "problem answers")
	}
	return out, nil
}

// SetProblemDeadline sets the deadline of problems that have none (a letter
// gives its deadline to the problems it lists).
func (db *DB) SetProblemDeadline(ctx context.Context, ids []int64, deadline string) error {
	if len(ids) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Model(&Problem{}).Where("id IN ? AND deadline = ''", ids).
		Update("deadline", deadline).Error, "problems")
}

// UserIDsOfDepartment returns the accounts of a department.
func (db *DB) UserIDsOfDepartment(ctx context.Context, department string) ([]int64, error) {
	var ids []int64
	err := db.orm(ctx).Model(&User{}).Where("role = ? AND department = ? AND disabled = ?", RoleDepartment, department, false).Pluck("id", &ids).Error
	return ids, dbErr(err, "users")
}

// ProblemReminder is the claim of one reminder: a unique row per problem,
// kind and deadline, inserted in the transaction that leaves the
// notification, so each reminder is sent once whichever replica runs.
type ProblemReminder struct {
	ID        int64
	ProblemID int64
	Kind      string
	Deadline  string
	ClaimedBy string
	CreatedAt time.Time
}

// TableName maps ProblemReminder to problem_reminders.
func (ProblemReminder) TableName() string { return "problem_reminders" }

// ErrReminderTaken is returned by ClaimReminder when the reminder was
// already claimed (by this or another replica).
var ErrReminderTaken = errors.New("store: reminder already claimed")

// ClaimReminder inserts the claim row; a duplicate is ErrReminderTaken.
func (db *DB) ClaimReminder(ctx context.Context, r *ProblemReminder) error {
	err := db.orm(ctx).Create(r).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrReminderTaken
	}
	return dbErr(err, "problem reminder")
}

// ProblemsDueForReminder returns open problems whose deadline
// lies in [from, to] (YYYY-MM-DD) and that have no reminder of kind for that
// deadline yet, at most limit, oldest first.
func (db *DB) ProblemsDueForReminder(ctx context.Context, kind, from, to string, limit int) ([]Problem, error) {
	var out []Problem
	err := db.orm(ctx).Where("status = ? AND deadline <> '' AND deadline >= ? AND deadline <= ?", ProblemOpen, from, to).
		Where("NOT EXISTS (SELECT 1 FROM problem_reminders r WHERE r.problem_id = problems.id AND r.kind = ? AND r.deadline = problems.deadline)", kind).
		Order("id").Limit(limit).Find(&out).Error
	return out, dbErr(err, "problems")
}

// UsernamesByID returns the usernames of ids.
func (db *DB) UsernamesByID(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []User
	if err := db.orm(ctx).Select("id, username").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, dbErr(err, "users")
	}
	for _, u := range rows {
		out[u.ID] = u.Username
	}
	return out, nil
}

// IsNotFound reports whether err is apperror.NotFound.
func IsNotFound(err error) bool { return apperror.CodeOf(err) == apperror.NotFound }

// DeleteFlags removes the flags kept for a filing's revision number (the
// flags of a blocked attempt, replaced by the next attempt's).
func (db *DB) DeleteFlags(ctx context.Context, filingID int64, revision int) error {
	return dbErr(db.orm(ctx).Where("filing_id = ? AND revision = ?", filingID, revision).Delete(&Flag{}).Error, "flags")
}
