package httpapi

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
)

// received is an uploaded file spooled to a private temp file: parsers that
// need random access (XLSX, DOCX) read it there, and nothing is held whole in
// memory. Remove deletes it.
type received struct {
	Path     string
	Filename string // cleaned, for display only, never used as a key or path
	Size     int64
}

// Remove deletes the temp file.
func (r *received) Remove() { os.Remove(r.Path) }

// receiveFile streams the multipart field named field into a temp file,
// refusing (413) the moment it passes max bytes. Other fields are skipped.
func receiveFile(c *fiber.Ctx, field string, max int64) (*received, error) {
	ct := c.Get(fiber.HeaderContentType)
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, apperror.New(apperror.Malformed, "请以 multipart/form-data 上传文件（字段 %s）/ upload the file as multipart/form-data field %q", field, field)
	}
	mr := multipart.NewReader(bodyReader(c), params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &apperror.Error{Code: apperror.Malformed, Message: "缺少文件字段 " + field + " / missing file field " + field,
				Details: []apperror.Detail{{Field: field, Message: "required"}}}
		}
		if err != nil {
			return nil, apperror.Wrap(err, apperror.Malformed, "上传格式错误 / malformed multipart body")
		}
		if part.FormName() != field {
			io.Copy(io.Discard, io.LimitReader(part, 1<<20))
			part.Close()
			continue
		}
		f, err := os.CreateTemp("", "fugong-upload-*")
		if err != nil {
			return nil, err
		}
		n, err := io.Copy(f, io.LimitReader(part, max+1))
		f.Close()
		part.Close()
		if err != nil {
			os.Remove(f.Name())
			return nil, apperror.Wrap(err, apperror.Malformed, "上传中断 / upload interrupted")
		}
		if n > max {
			os.Remove(f.Name())
			return nil, apperror.New(apperror.TooLarge, "文件超过 %d MB 上限 / file exceeds the %d MB limit", max>>20, max>>20)
		}
		return &received{Path: f.Name(), Filename: cleanFilename(part.FileName()), Size: n}, nil
	}
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
