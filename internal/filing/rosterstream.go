package filing

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"fugong/internal/pii"
	"fugong/internal/roster"
	"fugong/internal/store"
)

// sealChunkRows is the number of roster rows sealed as one piece of work.
// The store's insert batches (100 rows on SQLite, 1,000 on MySQL) divide
// it, so a batch never waits for two chunks.
const sealChunkRows = 1000

// rosterStream is a roster on its way to the store while its file is still
// being parsed: add takes each accepted row (roster.Options.OnRow), every
// full chunk is sealed (JSON, AES-GCM bound to the file by rosterAAD, blind
// index) on the CPUs the parse leaves free, and Batch hands the store's
// insert what is sealed, in file order. A 50,000-row upload thus parses,
// seals and inserts at once instead of one after the other
// (docs/benchmarks.md, issue 11). It is the store.RosterSource of a roster
// upload.
type rosterStream struct {
	keys *pii.Keyring
	aad  []byte
	ctx  context.Context // done once the upload is over: sealing stops
	sem  chan struct{}   // one slot per CPU

	pending []roster.Row // rows of the chunk being filled; the parse's goroutine only

	mu      sync.Mutex
	chunks  []*sealChunk
	ended   bool
	err     error         // what ended the stream early (the parse's error)
	changed chan struct{} // closed and replaced when chunks, ended or err change
}

// sealChunk is up to sealChunkRows rows being sealed.
type sealChunk struct {
	entries []store.RosterEntry
	done    chan struct{} // closed when entries are sealed or err is set
	err     error
}

// newRosterStream starts a stream for the roster file of att (its content
// hash must be set: the rows are bound to it). Sealing stops when ctx is
// done.
func (s *Service) newRosterStream(ctx context.Context, att *store.Attachment) *rosterStream {
	return &rosterStream{keys: s.keys, aad: rosterAAD(att), ctx: ctx,
		sem: make(chan struct{}, runtime.GOMAXPROCS(0)), changed: make(chan struct{})}
}

// add takes the next accepted row. Only the parse's goroutine calls it.
func (r *rosterStream) add(row roster.Row) {
	r.pending = append(r.pending, row)
	if len(r.pending) == sealChunkRows {
		r.dispatch()
	}
}

// end closes the stream once the parse is over: err nil means every row
// has been added; otherwise err (the parse's error, or the upload's refusal
// of what it parsed) is what Batch returns from now on, so the transaction
// inserting the rows rolls back.
func (r *rosterStream) end(err error) {
	if err == nil && len(r.pending) > 0 {
		r.dispatch()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ended, r.err = true, err
	r.notify()
}

// dispatch seals the pending rows as the next chunk.
func (r *rosterStream) dispatch() {
	rows := r.pending
	r.pending = make([]roster.Row, 0, sealChunkRows)
	c := &sealChunk{entries: make([]store.RosterEntry, len(rows)), done: make(chan struct{})}
	r.mu.Lock()
	r.chunks = append(r.chunks, c)
	r.notify()
	r.mu.Unlock()
	go func() {
		defer close(c.done)
		select {
		case r.sem <- struct{}{}:
			defer func() { <-r.sem }()
		case <-r.ctx.Done():
			c.err = r.ctx.Err()
			return
		}
		if c.err = r.ctx.Err(); c.err != nil {
			return
		}
		for i, row := range rows {
			data, err := json.Marshal(row)
			if err == nil {
				data, err = r.keys.Encrypt(data, r.aad)
			}
			if err != nil {
				c.err = fmt.Errorf("filing: seal roster row %d: %w", row.Line, err)
				return
			}
			c.entries[i] = store.RosterEntry{RowNumber: row.Line, IDIndex: r.keys.BlindIndex(row.IDNumber), Data: data}
		}
	}()
}

// notify wakes the Batch calls waiting for a change. r.mu is held.
func (r *rosterStream) notify() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// Batch returns up to max sealed rows from index from on, waiting until
// they are sealed: none once the stream has ended after them; the error
// that ended the stream, a chunk's sealing error or ctx's. A batch never
// crosses a chunk.
func (r *rosterStream) Batch(ctx context.Context, from, max int) ([]store.RosterEntry, error) {
	ci, off := from/sealChunkRows, from%sealChunkRows
	for {
		r.mu.Lock()
		var c *sealChunk
		if ci < len(r.chunks) {
			c = r.chunks[ci]
		}
		ended, err, changed := r.ended, r.err, r.changed
		r.mu.Unlock()
		switch {
		case err != nil:
			return nil, err
		case c != nil:
			select {
			case <-c.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if c.err != nil {
				return nil, c.err
			}
			return c.entries[min(off, len(c.entries)):min(off+max, len(c.entries))], nil
		case ended:
			return nil, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
