// Package blobtest opens real object stores for tests: a local store in a
// temp dir, and a fresh bucket on the MinIO server scripts/services.sh runs.
package blobtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"fugong/internal/blob"
	"fugong/internal/config"
	"fugong/internal/testenv"
)

// Backends are the object stores every blob test runs on.
var Backends = []string{"local", "minio"}

// MinIOConfig returns the configuration of a fresh, uniquely named bucket on
// the test MinIO server; the bucket and its objects are removed at cleanup.
func MinIOConfig(tb testing.TB) config.MinIO {
	tb.Helper()
	cfg := config.MinIO{
		Endpoint:  testenv.Require(tb, testenv.MinIOEndpoint, "MinIO"),
		AccessKey: testenv.Require(tb, testenv.MinIOAccessKey, "MinIO"),
		SecretKey: testenv.Require(tb, testenv.MinIOSecretKey, "MinIO"),
	}
	b := make([]byte, 5)
	rand.Read(b)
	cfg.Bucket = "fugong-t-" + hex.EncodeToString(b)
	tb.Cleanup(func() {
		m, err := blob.NewMinIO(cfg)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		m.Client().RemoveBucketWithOptions(ctx, cfg.Bucket, minio.RemoveBucketOptions{ForceDelete: true})
	})
	return cfg
}

// MustOpen returns a ready store of backend ("local" or "minio").
func MustOpen(tb testing.TB, backend string) blob.Store {
	tb.Helper()
	switch backend {
	case "local":
		s, err := blob.NewLocal(tb.TempDir())
		if err != nil {
			tb.Fatal(err)
		}
		return s
	case "minio":
		s, err := blob.NewMinIO(MinIOConfig(tb))
		if err != nil {
			tb.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			testenv.Unreachable(tb, "MinIO", err.Error())
		}
		return s
	}
	tb.Fatalf("unknown backend %q", backend)
	return nil
}

// Each runs fn as a subtest on a fresh store of every backend.
func Each(t *testing.T, fn func(t *testing.T, s blob.Store)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(b, func(t *testing.T) { fn(t, MustOpen(t, b)) })
	}
}
