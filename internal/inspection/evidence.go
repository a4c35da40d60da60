package inspection

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for DecodeConfig: evidence photos
	_ "image/png"
	"io"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/filetype"
	"fugong/internal/filing"
	"fugong/internal/store"
)

// Evidence limits: photos and PDFs of what was seen or fixed.
const (
	MaxEvidenceFiles = 10
	MaxEvidenceBytes = 20 << 20
)

// Upload is a file the HTTP layer spooled (encrypted, internal/spool) for
// the length of the request.
type Upload struct {
	File     io.ReaderAt
	Filename string // display only
	Size     int64
}

// evidenceType types a file by its bytes: a JPEG or PNG that decodes, or a
// PDF that filetype accepts; anything else is apperror.Unsupported.
func evidenceType(f io.ReaderAt, size int64) (string, error) {
	head := make([]byte, 8)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		_, format, err := image.DecodeConfig(io.NewSectionReader(f, 0, size))
		if err != nil {
			return "", apperror.Msg(apperror.Unsupported, msgEvidenceType)
		}
		return "image/" + format, nil
	}
	k, err := filetype.Detect(f, size, filetype.Limits{MaxSize: MaxEvidenceBytes})
	if err != nil || k != filetype.PDF {
		return "", apperror.Msg(apperror.Unsupported, msgEvidenceType)
	}
	return filetype.ContentType(k), nil
}

// storeEvidence types, hashes and stores each upload in the object store and
// returns the rows to write (ids unset). Nothing is written to the database.
func (s *Service) storeEvidence(ctx context.Context, p *auth.Principal, problemID int64, ups []Upload) ([]store.ProblemFile, error) {
	if len(ups) > MaxEvidenceFiles {
		return nil, invalid("file", msgTooManyFiles, MaxEvidenceFiles)
	}
	out := make([]store.ProblemFile, 0, len(ups))
	for _, u := range ups {
		if u.Size > MaxEvidenceBytes {
			return nil, apperror.Msg(apperror.TooLarge, msgEvidenceTooLarge, MaxEvidenceBytes>>20)
		}
		row, err := s.storeOne(ctx, u)
		if err != nil {
			return nil, err
		}
		row.ProblemID, row.CreatedBy, row.CreatedAt = problemID, p.UserID, s.now().UTC()
		out = append(out, row)
	}
	return out, nil
}

func (s *Service) storeOne(ctx context.Context, u Upload) (store.ProblemFile, error) {
	f := u.File
	ct, err := evidenceType(f, u.Size)
	if err != nil {
		return store.ProblemFile{}, err
	}
	// With the keyring: sealed, under the keyed hash, and no plain hash
	// kept (it would confirm a guessed file); without (tests of the bare
	// service): in clear under the plain hash.
	h := sha256.New()
	if s.keys != nil {
		h = s.keys.ContentHash()
	}
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, u.Size)); err != nil {
		return store.ProblemFile{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	row := store.ProblemFile{Filename: u.Filename, Size: u.Size, ContentType: ct}
	key := filing.ObjectKey(sum) // the object key schemes are filing's (internal/filing/objects.go)
	row.SHA256 = sum
	if s.keys != nil {
		key = filing.SealedObjectKey(sum)
		row.SHA256, row.ContentHash = "", sum
	}
	row.ObjectKey = key
	pctx, cancel := context.WithTimeout(ctx, s.blobCfg.Timeout)
	defer cancel()
	if info, err := s.blobs.Stat(pctx, key); err != nil || info.Size != u.Size {
		if err != nil && !blob.IsNotFound(err) {
			return store.ProblemFile{}, apperror.WrapMsg(err, apperror.Unavailable, msgStoreUnavailable)
		}
		if _, err := s.blobs.Put(pctx, key, io.NewSectionReader(f, 0, u.Size), u.Size, ct); err != nil {
			if apperror.CodeOf(err) == apperror.Internal {
				return store.ProblemFile{}, apperror.WrapMsg(err, apperror.Unavailable, msgStoreUnavailable)
			}
			return store.ProblemFile{}, err
		}
	}
	return row, nil
}

// AddEvidence attaches evidence files to a finding: its owner only (else
// apperror.Forbidden; outside scope NotFound). Files are stored before
// their rows are written; a failed write leaves objects the sweeper removes.
func (s *Service) AddEvidence(ctx context.Context, p *auth.Principal, problemID int64, ups []Upload) (*Finding, error) {
	pr, err := s.db.ProblemByID(ctx, p.Scope(), problemID)
	if err != nil {
		return nil, err
	}
	ok, err := s.mayVerify(ctx, p, pr)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotAttach)
	}
	rows, err := s.storeEvidence(ctx, p, pr.ID, ups)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateProblemFiles(ctx, rows); err != nil {
			return err
		}
		names := make([]string, len(rows))
		for i, r := range rows {
			names[i] = r.ContentHash + r.SHA256 // one of them is set
		}
		return audit(ctx, tx, p, "problem_evidence_added", fmt.Sprintf("problem:%d", pr.ID), map[string]any{"files": names}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, pr.ID)
}

// Download is an evidence file to stream back.
type Download struct {
	File store.ProblemFile
	Body io.ReadCloser
}

// OpenFile returns an evidence file within the caller's scope, else
// apperror.NotFound.
func (s *Service) OpenFile(ctx context.Context, p *auth.Principal, id int64) (*Download, error) {
	f, err := s.db.ProblemFileByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	rc, _, err := s.blobs.Get(ctx, f.ObjectKey)
	if err != nil {
		return nil, err
	}
	return &Download{File: *f, Body: rc}, nil
}
