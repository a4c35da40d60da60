package httpapi

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/spool"
)

// received is an uploaded file spooled to an encrypted temp file
// (internal/spool: a key of its own, held only in memory): parsers that need
// random access (XLSX, DOCX) read it there, nothing is held whole in memory,
// and the upload is never on disk in clear. Remove deletes it.
type received struct {
	*spool.File
	Filename string // cleaned, for display only, never used as a key or path
}

// Remove deletes the spool.
func (r *received) Remove() { r.File.Close() }

// receiveFile reads a multipart/form-data body, the one place uploads are
// spooled: the field named field is streamed into a temp file, refused
// (413) the moment it passes max bytes; each field named in text is read
// (at most 4 KiB) into its string; other fields are skipped. A body that is
// not multipart, or has no such file field, is apperror.Malformed.
func receiveFile(c *fiber.Ctx, field string, max int64, text map[string]*string) (_ *received, err error) {
	ct := c.Get(fiber.HeaderContentType)
	mt, params, perr := mime.ParseMediaType(ct)
	if perr != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, apperror.Msg(apperror.Malformed, msgUploadFileMultipartFormData, field)
	}
	var file *received
	defer func() {
		if err != nil && file != nil {
			file.Remove()
		}
	}()
	mr := multipart.NewReader(bodyReader(c), params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apperror.WrapMsg(err, apperror.Malformed, msgMalformedMultipartBody)
		}
		dst, isText := text[part.FormName()]
		switch {
		case isText:
			b, _ := io.ReadAll(io.LimitReader(part, 4<<10))
			*dst = string(b)
		case part.FormName() == field && file == nil:
			if file, err = spoolPart(part, max); err != nil {
				part.Close()
				return nil, err
			}
		default:
			io.Copy(io.Discard, io.LimitReader(part, 1<<20))
		}
		part.Close()
	}
	if file == nil {
		return nil, &apperror.Error{Code: apperror.Malformed, Message: "缺少文件字段 " + field + " / missing file field " + field,
			Details: []apperror.Detail{{Field: field, Message: "required"}}}
	}
	return file, nil
}

// spoolPart copies one file part into an encrypted spool, at most max bytes.
func spoolPart(part *multipart.Part, max int64) (*received, error) {
	f, err := spoolUpload(part, max)
	if err != nil {
		return nil, err
	}
	return &received{File: f, Filename: cleanFilename(part.FileName())}, nil
}

// spoolUpload copies r into an encrypted spool (internal/spool), refusing
// (413) past max bytes; a body cut short is Malformed.
func spoolUpload(r io.Reader, max int64) (*spool.File, error) {
	w, err := spool.Create("", max)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		if errors.Is(err, spool.ErrTooLarge) {
			return nil, apperror.Msg(apperror.TooLarge, msgFileExceedsMbLimit, max>>20)
		}
		return nil, apperror.WrapMsg(err, apperror.Malformed, msgUploadInterrupted)
	}
	return w.Finish()
}

// cleanFilename keeps a display name: the last path element, without control
// or format characters (bidi overrides, zero-width), at most 200 runes.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if name == "/" || name == "." || name == ".." || name == "" {
		name = "upload"
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}
