// Package plans extracts the text of an uploaded resumption plan (DOCX, TXT
// or PDF) so reviewers can read it and near-duplicate detection can compare
// it, and normalises text for that comparison. Every parser here reads a
// hostile file: each runs under a size cap, a cap on inflated bytes, the
// caller's context deadline and a recover() that turns a parser panic into
// an Invalid error.
package plans

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/filetype"
	"fugong/internal/parsegate"
)

// Text is an extracted plan.
type Text struct {
	Text string // the plan's text, paragraphs as lines
	Note string // a remark for the enterprise and reviewers, "" if none
	// Active is set for a PDF that asks the viewer to run something when
	// opened (OpenAction, JavaScript, Launch): Note then warns reviewers.
	Active bool
}

// Notes that Extract may attach; the file is accepted in each case.
var (
	NoteNoPDFText  = noteText(noteNoPDFText)
	NoteNoText     = noteText(noteNoText)
	NoteTruncated  = noteText(noteTruncated)
	NotePDFPartial = noteText(notePDFPartial)
	NotePDFLocked  = noteText(notePDFLocked)
	NotePDFActive  = noteText(notePDFActive)
)

const (
	defaultMaxText  = 4 << 20
	defaultMaxSize  = 20 << 20
	defaultInflated = 64 << 20
)

// Limits bound the work of one extraction. A zero field takes its
// DefaultLimits value.
type Limits struct {
	MaxSize     int64 // bytes of the file
	MaxInflated int64 // bytes inflated from the DOCX document part or from all PDF streams
	MaxText     int   // bytes of extracted text kept; beyond it the text is cut with NoteTruncated
	// Gate bounds concurrent extractions; nil → parsegate.Process(), the
	// cap spreadsheet parsing shares.
	Gate *parsegate.Gate
}

// DefaultLimits returns 20 MiB files, 64 MiB inflated and 4 MiB of text.
func DefaultLimits() Limits {
	return Limits{MaxSize: defaultMaxSize, MaxInflated: defaultInflated, MaxText: defaultMaxText}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxInflated <= 0 {
		l.MaxInflated = d.MaxInflated
	}
	if l.MaxText <= 0 {
		l.MaxText = d.MaxText
	}
	if l.Gate == nil {
		l.Gate = parsegate.Process()
	}
	return l
}

// Extract returns the text of a plan of the given kind (as decided by
// filetype.Detect) read through r, with DefaultLimits. See ExtractLimited.
func Extract(ctx context.Context, kind filetype.Kind, r io.ReaderAt, size int64) (Text, error) {
	return ExtractLimited(ctx, kind, r, size, DefaultLimits())
}

// ExtractLimited returns the text of a plan of kind DOCX, TXT or PDF read
// through r. Text that cannot be found is not an error: a PDF without
// extractable text gives "" with NoteNoPDFText. Errors are *apperror.Error:
// Unsupported for another kind; TooLarge when size, the inflated document or
// the time allowed by ctx's deadline is exceeded (the cause then wraps
// context.DeadlineExceeded); Invalid for a corrupt file or a parser panic;
// Unavailable wrapping a *parsegate.BusyError when lim.Gate has no slot
// (503 with Retry-After); a cancelled ctx returns ctx.Err() wrapped with
// code Internal.
func ExtractLimited(ctx context.Context, kind filetype.Kind, r io.ReaderAt, size int64, lim Limits) (t Text, err error) {
	lim = lim.withDefaults()
	if size > lim.MaxSize {
		return Text{}, apperror.Msg(apperror.TooLarge, msgTooLarge, size, lim.MaxSize)
	}
	if err := ctx.Err(); err != nil {
		return Text{}, ctxError(err)
	}
	release, err := lim.Gate.Acquire(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Text{}, ctxError(ctx.Err())
		}
		return Text{}, err
	}
	defer release()
	defer func() {
		if p := recover(); p != nil {
			t, err = Text{}, apperror.WrapMsg(fmt.Errorf("panic: %v", p), apperror.Invalid, msgMalformed)
		}
	}()
	cr := ctxReaderAt{ctx: ctx, r: r}
	switch kind {
	case filetype.DOCX:
		t, err = extractDOCX(ctx, cr, size, lim)
	case filetype.ODT:
		t, err = extractODT(ctx, cr, size, lim)
	case filetype.TXT:
		t, err = extractTXT(cr, size, lim.MaxText)
	case filetype.PDF:
		t, err = extractPDF(ctx, cr, size, lim)
	default:
		return Text{}, apperror.Msg(apperror.Unsupported, msgKind, kind)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Text{}, ctxError(ctx.Err())
		}
		return Text{}, err
	}
	t.Text = strings.TrimSpace(t.Text)
	if len(t.Text) > lim.MaxText {
		t.Text = truncateUTF8(t.Text, lim.MaxText)
		t.Note = joinNotes(t.Note, NoteTruncated)
	}
	if t.Text == "" && t.Note == "" {
		t.Note = NoteNoText
	}
	if t.Active {
		t.Note = joinNotes(NotePDFActive, t.Note)
	}
	t.Note = capNote(t.Note)
	return t, nil
}

func ctxError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return apperror.WrapMsg(err, apperror.TooLarge, msgTimeout)
	}
	return apperror.WrapMsg(err, apperror.Internal, msgCancelled)
}

// MaxNoteBytes is the most a note may hold: the attachments table keeps
// 255 bytes on MariaDB.
const MaxNoteBytes = 255

// capNote keeps whole notes from the first (the most important) while they
// fit MaxNoteBytes.
func capNote(n string) string {
	if len(n) <= MaxNoteBytes {
		return n
	}
	parts := strings.Split(n, "；")
	out := parts[0]
	for _, p := range parts[1:] {
		if len(out)+len("；")+len(p) > MaxNoteBytes {
			break
		}
		out += "；" + p
	}
	return truncateUTF8(out, MaxNoteBytes)
}

func joinNotes(a, b string) string {
	if a == "" || a == b {
		return b
	}
	if b == "" || strings.Contains(a, b) {
		return a
	}
	return a + "；" + b
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ctxReaderAt fails reads once ctx is done, so a parser blocked on a slow or
// huge input stops at the deadline without checks of its own.
type ctxReaderAt struct {
	ctx context.Context
	r   io.ReaderAt
}

func (c ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.ReadAt(p, off)
}

// errInflateCap is returned by capReader past its limit.
var errInflateCap = errors.New("plans: inflated size limit reached")

// capReader fails with errInflateCap once more than max bytes were read, so
// a decompression bomb stops at the cap instead of at the end of memory.
type capReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, errInflateCap
	}
	if rem := c.max - c.n + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, errInflateCap
	}
	return n, err
}

func inflateTooLarge(limit int64) error {
	return apperror.WrapMsg(errInflateCap, apperror.TooLarge, msgInflate, limit)
}

// FromFile returns the normalised text of the plan file at path, checked as
// a filing's plan upload is: its type from its bytes (TXT, DOCX or PDF, else
// apperror.Unsupported), then extraction under the size limit max
// (apperror.TooLarge / Invalid for a hostile or corrupt file).
func FromFile(ctx context.Context, path string, max int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	return FromReaderAt(ctx, f, st.Size(), max)
}

// FromReaderAt is FromFile on the size bytes of f (an upload read through
// the HTTP layer's encrypted spool), with the same errors.
func FromReaderAt(ctx context.Context, f io.ReaderAt, size, max int64) (string, error) {
	kind, err := filetype.Detect(f, size, filetype.Limits{MaxSize: max})
	if err != nil {
		return "", err
	}
	kind = filetype.ForPurpose(filetype.PurposePlan, kind)
	if err := filetype.Allowed(filetype.PurposePlan, kind); err != nil {
		return "", err
	}
	t, err := ExtractLimited(ctx, kind, f, size, Limits{MaxSize: max})
	if err != nil {
		return "", err
	}
	return Normalize(t.Text), nil
}
