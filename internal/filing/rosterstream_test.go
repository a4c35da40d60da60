package filing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"fugong/internal/pii"
	"fugong/internal/roster"
	"fugong/internal/store"
)

func mustStream(t *testing.T, ctx context.Context) (*rosterStream, *pii.Keyring, *store.Attachment) {
	t.Helper()
	keys, err := pii.ParseKeyring(pii.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	att := &store.Attachment{ContentHash: "c0ffee"}
	return (&Service{keys: keys}).newRosterStream(ctx, att), keys, att
}

func streamRow(i int) roster.Row {
	return roster.Row{Line: i + 2, Name: fmt.Sprintf("员工%d", i), IDNumber: roster.MakeIDNumber(i)}
}

// drain reads the stream as the store's insert does, in batches of size.
func drain(ctx context.Context, r *rosterStream, size int) ([]store.RosterEntry, error) {
	var out []store.RosterEntry
	for {
		b, err := r.Batch(ctx, len(out), size)
		if err != nil || len(b) == 0 {
			return out, err
		}
		if len(b) > size {
			return out, fmt.Errorf("batch of %d, asked %d", len(b), size)
		}
		out = append(out, b...)
	}
}

// TestRosterStream: whatever the batch size and however the rows arrive
// against the reader, every row comes out once, in order, sealed to its
// file; a retried transaction reads them all again from 0.
func TestRosterStream(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ rows, batch int }{{0, 100}, {1, 100}, {999, 100}, {1000, 1000}, {2501, 100}, {5003, 1000}, {3001, 37}} {
		t.Run(fmt.Sprintf("%d rows by %d", tc.rows, tc.batch), func(t *testing.T) {
			t.Parallel()
			r, keys, att := mustStream(t, t.Context())
			type result struct {
				got []store.RosterEntry
				err error
			}
			read := make(chan result, 1)
			go func() { got, err := drain(t.Context(), r, tc.batch); read <- result{got, err} }()
			for i := 0; i < tc.rows; i++ {
				r.add(streamRow(i))
			}
			r.end(nil)
			res := <-read
			if res.err != nil || len(res.got) != tc.rows {
				t.Fatalf("read %d rows of %d: %v", len(res.got), tc.rows, res.err)
			}
			again, err := drain(t.Context(), r, tc.batch) // a retried transaction
			if err != nil || len(again) != tc.rows {
				t.Fatalf("read again %d rows: %v", len(again), err)
			}
			for i, e := range res.got {
				plain, err := keys.Decrypt(e.Data, rosterAAD(att))
				var row roster.Row
				if err == nil {
					err = json.Unmarshal(plain, &row)
				}
				if err != nil || e.RowNumber != i+2 || row.IDNumber != roster.MakeIDNumber(i) || e.IDIndex != keys.BlindIndex(row.IDNumber) {
					t.Fatalf("row %d: line %d id %s: %v", i, e.RowNumber, row.IDNumber, err)
				}
			}
		})
	}
}

// TestRosterStreamEnds: a parse that fails after some rows ends the stream
// with its error, also for a reader already waiting and for rows already
// sealed; a cancelled upload's reader returns at once.
func TestRosterStreamEnds(t *testing.T) {
	t.Parallel()
	refused := errors.New("row 1503: bad check digit")
	t.Run("parse error", func(t *testing.T) {
		t.Parallel()
		r, _, _ := mustStream(t, t.Context())
		read := make(chan error, 1)
		go func() { _, err := drain(t.Context(), r, 100); read <- err }()
		for i := 0; i < 1500; i++ { // one chunk sealed, half a chunk pending
			r.add(streamRow(i))
		}
		r.end(refused)
		if err := <-read; !errors.Is(err, refused) {
			t.Fatalf("reader got %v, want the parse's error", err)
		}
		if _, err := r.Batch(t.Context(), 0, 100); !errors.Is(err, refused) {
			t.Fatalf("sealed rows after the error: %v", err)
		}
	})
	t.Run("reader cancelled", func(t *testing.T) {
		t.Parallel()
		r, _, _ := mustStream(t, t.Context())
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		if _, err := r.Batch(ctx, 0, 100); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiting reader: %v", err)
		}
	})
	t.Run("upload over", func(t *testing.T) {
		t.Parallel()
		ctx, stop := context.WithCancel(t.Context())
		r, _, _ := mustStream(t, ctx)
		stop() // the upload failed: chunks not yet sealed are not
		for i := 0; i < 2000; i++ {
			r.add(streamRow(i))
		}
		r.end(nil)
		if _, err := r.Batch(t.Context(), 0, 100); !errors.Is(err, context.Canceled) {
			t.Fatalf("chunk of a stopped stream: %v", err)
		}
	})
}
