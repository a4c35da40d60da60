package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"fugong/internal/apperror"
	"fugong/internal/config"
)

// MinIO stores objects in one bucket of a MinIO (or S3-compatible) server.
type MinIO struct {
	client *minio.Client
	bucket string
	region string

	mu          sync.Mutex
	bucketReady bool
}

// partSize bounds minio-go's buffering: with a known size up to this, it
// sends one streaming PUT; above it, multipart with one reused buffer of
// this size (docs/design.md §5: never pass size -1, which assumes 5 TiB).
const partSize = 16 << 20

// maxSinglePut is S3's largest single PUT.
const maxSinglePut = 5 << 30

// NewMinIO returns a MinIO store for cfg. It does not contact the server, so
// fugong starts while MinIO is down and /readyz reports it; the bucket is
// created on first use or Ping.
func NewMinIO(cfg config.MinIO) (*MinIO, error) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: minio: %w", err)
	}
	return &MinIO{client: c, bucket: cfg.Bucket, region: cfg.Region}, nil
}

// Client returns the raw minio-go client (benchmarks compare against it).
func (m *MinIO) Client() *minio.Client { return m.client }

// Bucket returns the bucket name.
func (m *MinIO) Bucket() string { return m.bucket }

func (m *MinIO) ensureBucket(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bucketReady {
		return nil
	}
	ok, err := m.client.BucketExists(ctx, m.bucket)
	if err != nil {
		return m.unavailable(err)
	}
	if !ok {
		err := m.client.MakeBucket(ctx, m.bucket, minio.MakeBucketOptions{Region: m.region})
		if err != nil {
			if r := minio.ToErrorResponse(err); r.Code != "BucketAlreadyOwnedByYou" && r.Code != "BucketAlreadyExists" {
				return m.unavailable(err)
			}
		}
	}
	m.bucketReady = true
	return nil
}

// Put implements Store. The object becomes visible only when the PUT (or the
// multipart completion) succeeds, which MinIO makes atomic.
func (m *MinIO) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	if size < 0 {
		return Info{}, apperror.New(apperror.Invalid, "blob: size must be known")
	}
	if err := m.ensureBucket(ctx); err != nil {
		return Info{}, err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	sr := &sizeReader{r: r, left: size}
	ui, err := m.client.PutObject(ctx, m.bucket, key, sr, size, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    partSize,
		// One streaming PUT up to S3's 5 GiB single-object limit: minio-go
		// then signs and sends the stream in small chunks instead of
		// filling a part buffer, so memory per put stays flat in object size.
		DisableMultipart: size <= maxSinglePut,
	})
	if err != nil {
		if errors.Is(err, ErrSizeMismatch) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.Canceled) {
			return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
		}
		return Info{}, m.unavailable(err)
	}
	// minio-go stops reading at size bytes; a longer stream must not be
	// silently truncated, so probe and undo.
	if sr.left == 0 {
		if _, perr := sr.Read(make([]byte, 1)); perr != nil && perr != io.EOF {
			m.client.RemoveObject(context.WithoutCancel(ctx), m.bucket, key, minio.RemoveObjectOptions{})
			return Info{}, fmt.Errorf("blob: put %s: %w", key, perr)
		}
	}
	return Info{Key: key, Size: ui.Size, ContentType: contentType, LastModified: time.Now().UTC()}, nil
}

// Get implements Store.
func (m *MinIO) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	info, err := m.Stat(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	obj, err := m.client.GetObject(ctx, m.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, m.mapErr(err, key)
	}
	return obj, info, nil
}

// Stat implements Store.
func (m *MinIO) Stat(ctx context.Context, key string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	st, err := m.client.StatObject(ctx, m.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, m.mapErr(err, key)
	}
	return Info{Key: st.Key, Size: st.Size, ContentType: st.ContentType, LastModified: st.LastModified.UTC()}, nil
}

// Delete implements Store.
func (m *MinIO) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := m.client.RemoveObject(ctx, m.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !IsNotFound(m.mapErr(err, key)) {
		return m.mapErr(err, key)
	}
	return nil
}

// List implements Store.
func (m *MinIO) List(ctx context.Context, prefix string) ([]Info, error) {
	if err := m.ensureBucket(ctx); err != nil {
		return nil, err
	}
	var out []Info
	for o := range m.client.ListObjects(ctx, m.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, m.mapErr(o.Err, prefix)
		}
		out = append(out, Info{Key: o.Key, Size: o.Size, ContentType: o.ContentType, LastModified: o.LastModified.UTC()})
	}
	return out, nil
}

// Ping implements Store.
func (m *MinIO) Ping(ctx context.Context) error {
	m.mu.Lock()
	m.bucketReady = false // re-check: the bucket may have been removed
	m.mu.Unlock()
	return m.ensureBucket(ctx)
}

func (m *MinIO) mapErr(err error, key string) error {
	r := minio.ToErrorResponse(err)
	if r.StatusCode == http.StatusNotFound || r.Code == "NoSuchKey" {
		return notFound(key)
	}
	return m.unavailable(err)
}

func (m *MinIO) unavailable(err error) error {
	return apperror.Wrap(err, apperror.Unavailable, "object store unavailable")
}

// Open returns the Store selected by cfg.
func Open(cfg config.Config) (Store, error) {
	switch cfg.Blob.Backend {
	case "local":
		return NewLocal(cfg.Blob.LocalRoot)
	case "minio":
		return NewMinIO(cfg.MinIO)
	default:
		return nil, fmt.Errorf("blob: unknown backend %q", cfg.Blob.Backend)
	}
}
