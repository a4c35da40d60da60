// Package audit keeps the audit log tamper-evident beyond the database: it
// verifies the keyed chain the store appends (store.AppendAudit), anchors
// its head periodically in signed checkpoints written to the object store
// (so someone who can rewrite the database, head row included, still cannot
// hide a deleted tail or a rewritten past), and reports the chain's state to
// operators (Verify, a metric, /readyz).
package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"fugong/internal/apperror"
	"fugong/internal/blob"
	"fugong/internal/store"
)

// CheckpointPrefix is where checkpoints live in the object store, one object
// per anchored position, named by its number of keyed entries (zero-padded,
// so key order is the order of the log's growth).
const CheckpointPrefix = "audit/checkpoints/"

// maxCheckpointsVerified bounds how many of the newest checkpoints Verify
// checks against the chain (each is one small object and a row per segment).
const maxCheckpointsVerified = 500

// Checkpoint is a signed statement that at time At the head of every
// segment of the chain (store.AuditPosition) was the entry Heads names.
// Checkpoints written before segments (v1) name the single chain's head in
// Seq and Hash and have no Heads: that chain is segment "".
type Checkpoint struct {
	Seq   int64               `json:"seq"`             // keyed entries at the checkpoint: the sum of the heads' seqs
	Hash  string              `json:"hash,omitempty"`  // v1 only: the single chain's head MAC
	Heads store.AuditPosition `json:"heads,omitempty"` // v2: every segment's head, by writer
	At    time.Time           `json:"at"`
	Key   string              `json:"key,omitempty"` // the audit key that signed it ("" for generation 0; keys.go)
	Sig   string              `json:"sig"`           // Ed25519 over keyedBytes, base64
}

// Position is the chain position the checkpoint anchors.
func (c Checkpoint) Position() store.AuditPosition {
	if len(c.Heads) == 0 {
		return store.AuditPosition{{Writer: "", Seq: c.Seq, Hash: c.Hash}}
	}
	return c.Heads
}

func (c Checkpoint) signedBytes() []byte {
	if len(c.Heads) == 0 {
		return []byte("fugong audit checkpoint v1\n" + strconv.FormatInt(c.Seq, 10) + "\n" + c.Hash + "\n" + c.At.UTC().Format(time.RFC3339Nano))
	}
	var b strings.Builder
	b.WriteString("fugong audit checkpoint v2\n" + strconv.FormatInt(c.Seq, 10) + "\n" + c.At.UTC().Format(time.RFC3339Nano) + "\n")
	for _, h := range c.Heads {
		// Quoted: a writer name cannot forge a line break.
		b.WriteString(strconv.Quote(h.Writer) + " " + strconv.FormatInt(h.Seq, 10) + " " + h.Hash + "\n")
	}
	return []byte(b.String())
}

func checkpointKey(seq int64) string { return fmt.Sprintf("%s%020d.json", CheckpointPrefix, seq) }

// Service verifies and anchors the audit chain. It is safe for concurrent
// use.
type Service struct {
	db    *store.DB
	blobs blob.Store
	priv  ed25519.PrivateKey
	pub   ed25519.PublicKey
	keyID string                       // id of priv's audit key generation (keys.go)
	pubs  map[string]ed25519.PublicKey // every generation's, by id
	now   func() time.Time
	log   *slog.Logger

	intact      prometheus.Gauge
	verifiedSeq prometheus.Gauge

	mu     sync.Mutex
	last   store.AuditPosition // the newest position verified by this process
	status Status
}

// Status is the chain's state as last checked by this process.
type Status struct {
	Checked bool      `json:"checked"`
	Intact  bool      `json:"intact"`
	Seq     int64     `json:"seq"` // keyed entries verified (the sum of the segments' seqs)
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at"`
}

// New returns a Service over db (whose audit key is set) and blobs (the raw
// object store: checkpoints hold no personal data), signing checkpoints with
// the Ed25519 key from seed (pii.Keyring.AuditCheckpointSeed).
func New(db *store.DB, blobs blob.Store, seed []byte, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return &Service{db: db, blobs: blobs, priv: priv, pub: priv.Public().(ed25519.PublicKey), now: now, log: log,
		intact: prometheus.NewGauge(prometheus.GaugeOpts{Name: "fugong_audit_chain_intact",
			Help: "1 when the last check of the audit chain found it intact, 0 when broken (-1 before the first check)."}),
		verifiedSeq: prometheus.NewGauge(prometheus.GaugeOpts{Name: "fugong_audit_chain_verified_seq",
			Help: "The keyed audit entries (all segments) verified and anchored by this process."}),
	}
}

// Collectors are the service's metrics, for a Prometheus registry.
func (s *Service) Collectors() []prometheus.Collector {
	s.intact.Set(-1)
	return []prometheus.Collector{s.intact, s.verifiedSeq}
}

// Status returns the chain's state as last checked by this process.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Service) record(ok bool, seq int64, reason string) {
	s.mu.Lock()
	s.status = Status{Checked: true, Intact: ok, Seq: seq, Reason: reason, At: s.now().UTC()}
	s.mu.Unlock()
	if ok {
		s.intact.Set(1)
		s.verifiedSeq.Set(float64(seq))
	} else {
		s.intact.Set(0)
		s.log.Error("audit chain broken", "reason", reason)
	}
}

// Check verifies the entries appended since the last position this
// process verified (on first use: since the newest valid checkpoint, or
// everything) and, when they hold and the log grew past the newest
// checkpoint, writes a new signed checkpoint of every segment's head. It
// returns the verification; a broken chain is reported there (and in
// Status and the metric), not as an error. Errors are the database's or
// the object store's.
func (s *Service) Check(ctx context.Context) (store.AuditVerification, error) {
	s.mu.Lock()
	from := s.last
	s.mu.Unlock()
	latest, err := s.latestCheckpoint(ctx)
	if err != nil {
		return store.AuditVerification{}, err
	}
	if len(from) == 0 && latest != nil {
		from = latest.Position()
	}
	v, err := s.db.VerifyAudit(ctx, from)
	if err != nil {
		return v, err
	}
	if v.OK && latest != nil {
		if reason := pastTheHeads(latest, v.Heads); reason != "" {
			v.OK, v.Reason = false, reason
		}
	}
	if !v.OK {
		s.record(false, v.Heads.Entries(), v.Reason)
		return v, nil
	}
	if n := v.Heads.Entries(); n > 0 && (latest == nil || latest.Seq < n) {
		if err := s.writeCheckpoint(ctx, v.Heads); err != nil {
			return v, err
		}
	}
	s.mu.Lock()
	s.last = v.Heads
	s.mu.Unlock()
	s.record(true, v.Heads.Entries(), "")
	return v, nil
}

// pastTheHeads says how c names an entry beyond the heads (a segment's tail
// cut and its head row moved back, or a whole segment removed), or "".
func pastTheHeads(c *Checkpoint, heads store.AuditPosition) string {
	for _, p := range c.Position() {
		h, ok := heads.Point(p.Writer)
		if !ok {
			return fmt.Sprintf("checkpoint %d names entry %d of segment %q, which has no head row: entries were removed", c.Seq, p.Seq, p.Writer)
		}
		if p.Seq > h.Seq {
			return fmt.Sprintf("checkpoint %d is past the head of segment %q (%d > %d): entries were removed", c.Seq, p.Writer, p.Seq, h.Seq)
		}
	}
	return ""
}

func (s *Service) writeCheckpoint(ctx context.Context, heads store.AuditPosition) error {
	c := Checkpoint{Seq: heads.Entries(), Heads: heads, At: s.now().UTC().Truncate(time.Millisecond)}
	c.Key = s.keyID
	c.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(s.priv, c.keyedBytes()))
	b, _ := json.Marshal(c)
	_, err := s.blobs.Put(ctx, checkpointKey(c.Seq), bytes.NewReader(b), int64(len(b)), "application/json")
	return err
}

// readCheckpoint loads and checks one checkpoint object.
func (s *Service) readCheckpoint(ctx context.Context, key string) (*Checkpoint, error) {
	rc, _, err := s.blobs.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return nil, err
	}
	var c Checkpoint
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "audit checkpoint %s is not JSON", key)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Sig)
	if err != nil || !s.verifySig(&c, sig) || key != checkpointKey(c.Seq) ||
		(len(c.Heads) > 0 && c.Heads.Entries() != c.Seq) {
		return nil, apperror.New(apperror.Internal, "audit checkpoint %s has no valid signature", key)
	}
	return &c, nil
}

// checkpointKeys lists the checkpoint objects, oldest first.
func (s *Service) checkpointKeys(ctx context.Context) ([]string, error) {
	objs, err := s.blobs.List(ctx, CheckpointPrefix)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(objs))
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".json") {
			keys = append(keys, o.Key)
		}
	}
	return keys, nil
}

// latestCheckpoint returns the newest validly signed checkpoint, or nil.
func (s *Service) latestCheckpoint(ctx context.Context) (*Checkpoint, error) {
	keys, err := s.checkpointKeys(ctx)
	if err != nil {
		return nil, err
	}
	for i := len(keys) - 1; i >= 0; i-- {
		c, err := s.readCheckpoint(ctx, keys[i])
		if err == nil {
			return c, nil
		}
		if apperror.CodeOf(err) != apperror.Internal {
			return nil, err
		}
		s.log.Warn("ignoring an invalid audit checkpoint", "key", keys[i], "err", err)
	}
	return nil, nil
}

// Report is the result of a full verification.
type Report struct {
	OK          bool                    `json:"ok"`
	Chain       store.AuditVerification `json:"chain"`
	Checkpoints int                     `json:"checkpoints"`      // checkpoints checked against the chain
	Latest      *Checkpoint             `json:"latest,omitempty"` // the newest valid checkpoint
	Problems    []string                `json:"problems,omitempty"`
}

// Verify checks the whole chain (every segment's links and MACs, the head
// rows) and the newest checkpoints against it: each must be validly
// signed, at or behind every segment's head, and name the MAC the chain has
// at each of its points. A rewritten database — past entries re-MACed is
// impossible without the key, but entries removed from a segment's tail
// with its head row moved back (or a whole segment with its head row) is
// not — shows as a checkpoint the chain contradicts. It updates Status and
// the metric. Errors are the database's or the object store's.
func (s *Service) Verify(ctx context.Context) (Report, error) {
	var rep Report
	v, err := s.db.VerifyAudit(ctx, nil)
	if err != nil {
		return rep, err
	}
	rep.Chain = v
	if !v.OK {
		rep.Problems = append(rep.Problems, v.Reason)
	}
	keys, err := s.checkpointKeys(ctx)
	if err != nil {
		return rep, err
	}
	if len(keys) > maxCheckpointsVerified {
		keys = keys[len(keys)-maxCheckpointsVerified:]
	}
	for _, k := range keys {
		c, err := s.readCheckpoint(ctx, k)
		if err != nil {
			if apperror.CodeOf(err) != apperror.Internal {
				return rep, err
			}
			rep.Problems = append(rep.Problems, err.Error())
			continue
		}
		rep.Checkpoints++
		rep.Latest = c
		if reason := pastTheHeads(c, v.Heads); reason != "" {
			rep.Problems = append(rep.Problems, reason)
			continue
		}
		for _, p := range c.Position() {
			if p.Seq == 0 {
				continue
			}
			h, err := s.db.AuditHashAt(ctx, p.Writer, p.Seq)
			if apperror.CodeOf(err) == apperror.NotFound {
				rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d of segment %q of checkpoint %s is missing", p.Seq, p.Writer, c.At.Format(time.RFC3339)))
				continue
			}
			if err != nil {
				return rep, err
			}
			if h != p.Hash {
				rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d of segment %q differs from its checkpoint of %s", p.Seq, p.Writer, c.At.Format(time.RFC3339)))
			}
		}
	}
	rep.OK = len(rep.Problems) == 0
	reason := ""
	if !rep.OK {
		reason = rep.Problems[0]
	}
	s.record(rep.OK, v.Heads.Entries(), reason)
	return rep, nil
}

// Run checks and anchors the chain every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.Check(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("audit chain check failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
