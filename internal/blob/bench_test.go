package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/minio/minio-go/v7"

	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
)

// streamOf hides bytes.Reader's Seek/ReadAt so every contender sees what an
// HTTP upload is: a plain stream of known length.
func streamOf(b []byte) io.Reader { return struct{ io.Reader }{bytes.NewReader(b)} }

var benchSizes = []struct {
	name string
	n    int
}{{"1MiB", 1 << 20}, {"64MiB", 64 << 20}}

// BenchmarkPut compares blob.Store.Put with the raw operation it wraps, in
// the same run: an fsynced file write for local, minio-go PutObject for MinIO.
//
//	make bench  (or: scripts/services.sh start; source $(scripts/services.sh env);
//	             go test -run '^$' -bench BenchmarkPut -benchmem ./internal/blob/)
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	for _, sz := range benchSizes {
		data := make([]byte, sz.n)
		rand.Read(data)

		b.Run("local/raw-file/"+sz.name, func(b *testing.B) {
			dir := b.TempDir()
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				f, err := os.Create(filepath.Join(dir, fmt.Sprint(i%4)))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(f, streamOf(data)); err != nil {
					b.Fatal(err)
				}
				f.Sync()
				f.Close()
			}
		})
		b.Run("local/blob/"+sz.name, func(b *testing.B) {
			s := blobtest.MustOpen(b, "local")
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Put(ctx, fmt.Sprintf("bench/%d", i%4), streamOf(data), int64(sz.n), "application/octet-stream"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("minio/raw-putobject/"+sz.name, func(b *testing.B) {
			s := blobtest.MustOpen(b, "minio").(*blob.MinIO)
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				_, err := s.Client().PutObject(ctx, s.Bucket(), fmt.Sprintf("raw/%d", i%4), streamOf(data), int64(sz.n),
					minio.PutObjectOptions{ContentType: "application/octet-stream"})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("minio/blob/"+sz.name, func(b *testing.B) {
			s := blobtest.MustOpen(b, "minio")
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Put(ctx, fmt.Sprintf("bench/%d", i%4), streamOf(data), int64(sz.n), "application/octet-stream"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
