package httpapi

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/inspection"
	"fugong/internal/msg"
)

// The rectification loop's routes (docs/rectification.md). Handlers decode,
// call one inspection.Service method, respond; the service writes the audit.
func (s *Server) loopRoutes(api fiber.Router) {
	readers := []auth.Role{auth.RoleEnterprise, auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector, auth.RoleDepartment}
	recorders := []auth.Role{auth.RoleInspector, auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin}
	api.Get("/problems", need(readers...), s.listLoopProblems)
	api.Post("/problems", need(recorders...), s.recordFinding)
	api.Get("/problems/overdue", need(auth.RoleInspector, auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin), s.overdueProblems)
	api.Get("/problems/:id", need(readers...), s.getProblem)
	api.Post("/problems/:id/files", need(recorders...), s.addEvidence)
	api.Post("/problems/:id/answers", need(auth.RoleEnterprise, auth.RoleStreetOfficial, auth.RoleDepartment), s.answerProblem)
	api.Post("/problems/:id/verify", need(recorders...), s.verifyProblem)
	api.Get("/problem-files/:id/content", need(readers...), s.downloadEvidence)
	s.letterRoutes(api)
}

var (
	msgMultipart    = msg.New("answers_multipart", "请以 JSON 或 multipart/form-data（字段 text、file）提交", "send JSON or multipart/form-data with fields text and file")
	msgFileTooLarge = msg.New("answers_file_too_large", "文件超过 %d MB 上限", "the file exceeds the %d MB limit")
	msgTextTooLarge = msg.New("answers_text_too_large", "文字内容过长", "the text field is too long")
)

func invalidField(field string, m msg.Message, args ...any) error {
	t := m.With(args...)
	return apperror.WithText(apperror.Invalid, t, []apperror.Detail{{Field: field, Text: t}})
}

// pathStreet decodes a street path parameter: Fiber leaves it
// percent-encoded, and a street is named by its code or either Chinese
// spelling (西园街道, 西園街道) everywhere.
func pathStreet(c *fiber.Ctx, name string) string {
	raw := c.Params(name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}

func (s *Server) listLoopProblems(c *fiber.Ctx) error {
	q := inspection.ProblemQuery{Status: c.Query("status"), TargetKind: c.Query("target_kind"), FilingID: c.Query("filing_id"),
		Street: c.Query("street"), Overdue: c.QueryBool("overdue"), Page: pageOf(c)}
	items, total, err := s.deps.Inspections.Problems(c.UserContext(), principal(c), q)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, q.Page))
}

func (s *Server) recordFinding(c *fiber.Ctx) error {
	var in inspection.FindingInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, err := s.deps.Inspections.RecordFinding(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

func (s *Server) getProblem(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.deps.Inspections.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) addEvidence(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, files, err := receiveAnswer(c)
	defer removeUploads(files)
	if err != nil {
		return err
	}
	f, err := s.deps.Inspections.AddEvidence(c.UserContext(), principal(c), id, files)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

// answerProblem takes JSON {"text"} or multipart (text, file…).
func (s *Server) answerProblem(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	text, files, err := receiveAnswer(c)
	defer removeUploads(files)
	if err != nil {
		return err
	}
	f, err := s.deps.Inspections.Answer(c.UserContext(), principal(c), id, text, files)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

func (s *Server) verifyProblem(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in inspection.VerifyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, err := s.deps.Inspections.Verify(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) downloadEvidence(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.deps.Inspections.OpenFile(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, d.File.ContentType)
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(d.File.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
	return c.SendStream(d.Body, int(d.File.Size))
}

func (s *Server) overdueProblems(c *fiber.Ctx) error {
	g, err := s.deps.Inspections.Overdue(c.UserContext(), principal(c), c.Query("group_by", "street"))
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func removeUploads(us []inspection.Upload) {
	for _, u := range us {
		if f, ok := u.File.(io.Closer); ok {
			f.Close()
		}
	}
}

// receiveAnswer reads an answer: JSON {"text"}, or multipart with a text
// field and up to inspection.MaxEvidenceFiles "file" parts, each spooled to
// an encrypted temp file (internal/spool) and refused (413) past
// inspection.MaxEvidenceBytes. The
// caller removes the files, also on error.
func receiveAnswer(c *fiber.Ctx) (string, []inspection.Upload, error) {
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err == nil && mt == "application/json" {
		var in struct {
			Text string `json:"text"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return "", nil, err
		}
		return in.Text, nil, nil
	}
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", nil, apperror.Msg(apperror.Malformed, msgMultipart)
	}
	mr := multipart.NewReader(bodyReader(c), params["boundary"])
	var text string
	var files []inspection.Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return text, files, nil
		}
		if err != nil {
			return "", files, apperror.WrapMsg(err, apperror.Malformed, msgMultipart)
		}
		switch part.FormName() {
		case "text", "comment":
			b, err := io.ReadAll(io.LimitReader(part, 64<<10+1))
			part.Close()
			if err != nil || len(b) > 64<<10 {
				return "", files, apperror.Msg(apperror.TooLarge, msgTextTooLarge)
			}
			text = strings.TrimSpace(string(b))
		case "file", "files":
			if len(files) >= inspection.MaxEvidenceFiles {
				part.Close()
				return "", files, invalidField("file", msgTooManyUploads, inspection.MaxEvidenceFiles)
			}
			f, err := spoolUpload(part, inspection.MaxEvidenceBytes)
			part.Close()
			if apperror.CodeOf(err) == apperror.TooLarge {
				return "", files, apperror.Msg(apperror.TooLarge, msgFileTooLarge, inspection.MaxEvidenceBytes>>20)
			}
			if err != nil {
				return "", files, apperror.WrapMsg(err, apperror.Malformed, msgMultipart)
			}
			files = append(files, inspection.Upload{File: f, Filename: cleanFilename(part.FileName()), Size: f.Size()})
		default:
			io.Copy(io.Discard, io.LimitReader(part, 1<<20))
			part.Close()
		}
	}
}

var msgTooManyUploads = msg.New("answers_too_many_files", "一次最多上传 %d 个文件", "at most %d files at once")
