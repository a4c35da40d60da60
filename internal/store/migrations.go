package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one schema step. Steps are append-only: once a version has
// landed it is never edited, only followed by a new one. Each step's table
// shapes are frozen copies (the m1* types below), so changing a model later
// cannot change what an old step creates.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

// migrations is the ordered history of fugong's schema. Append only.
var migrations = []migration{
	{1, "core: enterprises, users, sessions, api tokens, activation codes, audit, login failures", migrate1},
	{2, "filings: revisions, attachments, roster entries, flags, problems, notices, notifications, rule versions, idempotency keys, webhook outbox", migrate2},
	{3, "near-duplicate plan index: signatures, LSH bands, templates, boilerplate shingles", migrate3},
	{4, "covering indexes for the dashboards", migrate4},
	{5, "audit chain head, locked by appends inside the change's transaction", migrate5},
	{6, "dated registry (enterprise versions) and per-enterprise status timeline", migrate6},
	{7, "rectification loop: open-filing key, problem targets/answers/evidence/reminders, login throttle, activation issues, letters, bulletins", migrate7},
	{8, "audit chain: keyed MAC, own sequence, replicated head row", migrateAuditChain},
	{9, "api token expiry", migrateAPITokenExpiry},
	{10, "cluster: filing decisions, leases, object holds, rule publication", migrate10},
	{11, "daily reports: current row per enterprise and day, versions, rule flags", migrateDaily},
	{12, "audit chain segments: one head row and chain per writer", migrateAuditSegments},
	{13, "keyed content hashes of attachments and evidence files", migrateContentHash},
	{14, "daily figures: report tallies per day, street and sector; reminder claims", migrateDailyFigures},
	{15, "notifications carry the notice or letter they announce", migrateNotificationNotice},
	{16, "daily reports: unique key by day, then enterprise", migrateDailyDayKey},
	{17, "roster entries: drop the blind-index B-tree no query reads", migrateRosterIndex},
}

// schemaMigration records an applied step.
type schemaMigration struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"size:255;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate applies every step not yet applied, in order, each in its own
// transaction (MySQL commits DDL implicitly, so there a step is atomic per
// statement; steps are written to be re-runnable up to their record). Replicas
// starting together, also on different Galera nodes, serialise on a lock row
// (migrationlock.go). It returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	var applied []int
	err := db.orm(ctx).Connection(func(pinned *gorm.DB) error {
		// NewDB: each chain starts a fresh statement; without it the model of
		// one query leaks into the next on the pinned connection.
		conn := pinned.Session(&gorm.Session{NewDB: true})
		release, err := db.lockMigrations(ctx, conn) // migrationlock.go: a lock row, not node-local GET_LOCK
		if err != nil {
			return err
		}
		defer release()
		if err := conn.Migrator().AutoMigrate(&schemaMigration{}); err != nil {
			return fmt.Errorf("store: migrate: schema_migrations: %w", err)
		}
		done := map[int]bool{}
		var rows []schemaMigration
		if err := conn.Find(&rows).Error; err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		for _, r := range rows {
			done[r.Version] = true
		}
		for _, m := range migrations {
			if done[m.version] {
				continue
			}
			err := conn.Transaction(func(tx *gorm.DB) error {
				if err := m.up(tx); err != nil {
					return err
				}
				return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
			})
			if err != nil {
				return fmt.Errorf("store: migration %d (%s): %w", m.version, m.name, err)
			}
			applied = append(applied, m.version)
		}
		return nil
	})
	return applied, err
}

// SchemaVersion returns the highest applied migration version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v *int
	if err := db.orm(ctx).Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error; err != nil {
		return 0, dbErr(err, "schema version")
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// LatestSchemaVersion is the version Migrate brings a database to.
func LatestSchemaVersion() int { return migrations[len(migrations)-1].version }

// --- migration 1 ---------------------------------------------------------

type m1Enterprise struct {
	ID         int64  `gorm:"primaryKey"`
	CreditCode string `gorm:"size:18;not null;uniqueIndex"`
	Name       string `gorm:"size:255;not null"`
	Sector     string `gorm:"size:16;not null;index:idx_enterprises_sector_street,priority:1"`
	AboveScale bool   `gorm:"not null;default:false"`
	RealEstate bool   `gorm:"not null;default:false"`
	Zone       string `gorm:"size:8;not null"`
	Street     string `gorm:"size:32;not null;index:idx_enterprises_sector_street,priority:2;index"`
	Supervised bool   `gorm:"not null;default:true"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (m1Enterprise) TableName() string { return "enterprises" }

type m1User struct {
	ID                int64  `gorm:"primaryKey"`
	Username          string `gorm:"size:64;not null;uniqueIndex"`
	PasswordHash      string `gorm:"size:255;not null"`
	Role              string `gorm:"size:32;not null"`
	Street            string `gorm:"size:32;not null;default:''"`
	EnterpriseID      *int64 `gorm:"uniqueIndex"`
	Department        string `gorm:"size:64;not null;default:''"`
	Disabled          bool   `gorm:"not null;default:false"`
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (m1User) TableName() string { return "users" }

type m1Session struct {
	ID         string `gorm:"primaryKey;size:64"` // sha256 hex of the token; the token itself is never stored
	UserID     int64  `gorm:"not null;index"`
	CSRFToken  string `gorm:"size:64;not null"`
	IP         string `gorm:"size:64;not null;default:''"`
	UserAgent  string `gorm:"size:255;not null;default:''"`
	CreatedAt  time.Time
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null;index"`
}

func (m1Session) TableName() string { return "sessions" }

type m1APIToken struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"not null;index"`
	Name       string `gorm:"size:128;not null"`
	TokenHash  string `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (m1APIToken) TableName() string { return "api_tokens" }

type m1ActivationCode struct {
	ID           int64     `gorm:"primaryKey"`
	EnterpriseID int64     `gorm:"not null;index"`
	CodeHash     string    `gorm:"size:64;not null;uniqueIndex"`
	IssuedBy     int64     `gorm:"not null"`
	ExpiresAt    time.Time `gorm:"not null"`
	UsedAt       *time.Time
	CreatedAt    time.Time
}

func (m1ActivationCode) TableName() string { return "activation_codes" }

type m1AuditEntry struct {
	ID       int64     `gorm:"primaryKey"`
	At       time.Time `gorm:"not null;index"`
	Actor    string    `gorm:"size:64;not null;index"`
	Role     string    `gorm:"size:32;not null"`
	Action   string    `gorm:"size:64;not null;index"`
	Object   string    `gorm:"size:128;not null;index"`
	IP       string    `gorm:"size:64;not null;default:''"`
	Details  string    `gorm:"type:text"`
	PrevHash string    `gorm:"size:64;not null"`
	Hash     string    `gorm:"size:64;not null"`
}

func (m1AuditEntry) TableName() string { return "audit_log" }

type m1LoginFailure struct {
	ID  int64     `gorm:"primaryKey"`
	Key string    `gorm:"size:128;not null;index:idx_login_failures_key_at,priority:1"`
	At  time.Time `gorm:"not null;index:idx_login_failures_key_at,priority:2"`
}

func (m1LoginFailure) TableName() string { return "login_failures" }

func migrate1(tx *gorm.DB) error {
	return createTables(tx, &m1Enterprise{}, &m1User{}, &m1Session{}, &m1APIToken{},
		&m1ActivationCode{}, &m1AuditEntry{}, &m1LoginFailure{})
}

// createTables creates each table that does not exist yet, so a step that
// failed half-way on MySQL (where DDL commits) can be run again.
func createTables(tx *gorm.DB, models ...any) error {
	for _, m := range models {
		if tx.Migrator().HasTable(m) {
			continue
		}
		if err := tx.Migrator().CreateTable(m); err != nil {
			return err
		}
	}
	return nil
}
