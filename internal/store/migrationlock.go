package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// Replicas that start together must not migrate at once. MySQL's GET_LOCK
// is node-local on Galera (and absent on some distributed SQL engines), so
// the lock is a row: whoever inserts row 1 of schema_migration_lock holds
// it. A row write is certified cluster-wide, so of two nodes inserting at
// once exactly one commits (the other gets a duplicate key or a
// certification conflict and waits). The row carries a lease, kept fresh
// while the holder migrates, so a holder that dies frees it after
// migrationLease. The table is created with CREATE TABLE IF NOT EXISTS,
// which Galera runs in total order on every node, so creating it races
// safely. docs/deploy.md says the same to operators.

const (
	migrationLease     = 2 * time.Minute
	migrationHeartbeat = 20 * time.Second
	migrationWait      = 5 * time.Minute
)

const createMigrationLock = `CREATE TABLE IF NOT EXISTS schema_migration_lock (
	id INT NOT NULL PRIMARY KEY,
	holder VARCHAR(64) NOT NULL,
	expires_at DATETIME(6) NOT NULL
)`

// lockMigrations takes the cluster-wide migration lock on MySQL/MariaDB
// (SQLite's single writer needs none) and returns the function that
// releases it. It waits up to migrationWait or until ctx ends; errors name
// the lock.
func (db *DB) lockMigrations(ctx context.Context, conn *gorm.DB) (func(), error) {
	if db.driver != "mysql" {
		return func() {}, nil
	}
	if err := conn.Exec(createMigrationLock).Error; err != nil {
		return nil, fmt.Errorf("store: migrate: create schema_migration_lock: %w", err)
	}
	holder := lockHolder()
	deadline := time.Now().Add(migrationWait)
	for {
		ok, err := tryMigrationLock(ctx, conn, holder)
		if err != nil {
			return nil, fmt.Errorf("store: migrate: take the migration lock: %w", err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("store: migrate: the migration lock is held by another replica (waited %s)", migrationWait)
		}
		t := time.NewTimer(100*time.Millisecond + time.Duration(mrand.Int64N(int64(200*time.Millisecond))))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("store: migrate: waiting for the migration lock: %w", ctx.Err())
		case <-t.C:
		}
	}
	// Keep the lease fresh while migrating, on the pool (the pinned
	// connection is busy with DDL).
	stop := make(chan struct{})
	done := make(chan struct{})
	pool := db.gorm.Session(&gorm.Session{NewDB: true})
	go func() {
		defer close(done)
		t := time.NewTicker(migrationHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				pool.Exec("UPDATE schema_migration_lock SET expires_at = DATE_ADD(UTC_TIMESTAMP(6), INTERVAL ? SECOND) WHERE id = 1 AND holder = ?",
					int(migrationLease.Seconds()), holder)
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		conn.Exec("DELETE FROM schema_migration_lock WHERE id = 1 AND holder = ?", holder)
	}, nil
}

// tryMigrationLock inserts the lock row, or takes it over when its lease
// ran out; false when another holder has it. Times are the database's, so
// replicas' clocks do not matter.
func tryMigrationLock(ctx context.Context, conn *gorm.DB, holder string) (bool, error) {
	lease := int(migrationLease.Seconds())
	err := conn.WithContext(ctx).Exec("INSERT INTO schema_migration_lock (id, holder, expires_at) VALUES (1, ?, DATE_ADD(UTC_TIMESTAMP(6), INTERVAL ? SECOND))",
		holder, lease).Error
	if err == nil {
		return true, nil
	}
	if !isDuplicateKey(err) && !IsRetryable(err) {
		return false, err
	}
	res := conn.WithContext(ctx).Exec("UPDATE schema_migration_lock SET holder = ?, expires_at = DATE_ADD(UTC_TIMESTAMP(6), INTERVAL ? SECOND) WHERE id = 1 AND expires_at < UTC_TIMESTAMP(6)",
		holder, lease)
	if res.Error != nil {
		if IsRetryable(res.Error) {
			return false, nil
		}
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}

// isDuplicateKey reports a unique-key violation, translated by gorm or raw.
func isDuplicateKey(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && me.Number == 1062
}

// lockHolder names this process in lock rows: host, pid and a random
// suffix (two processes in one container may share a pid namespace).
func lockHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	h := fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
	if len(h) > 64 {
		h = h[len(h)-64:]
	}
	return h
}
