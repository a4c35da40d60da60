package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/filing"
	"fugong/internal/store"
)

func (s *Server) filingRoutes(api fiber.Router) {
	api.Post("/filings", need(store.RoleEnterprise), s.createFiling)
	api.Get("/filings", need(tenantRoles...), s.listFilings)
	api.Get("/filings/:id", need(tenantRoles...), s.getFiling)
	api.Patch("/filings/:id", need(store.RoleEnterprise), s.updateFiling)
	api.Post("/filings/:id/attachments", need(store.RoleEnterprise), s.uploadAttachment)
	api.Post("/filings/:id/submit", need(store.RoleEnterprise), s.submitFiling)
	api.Get("/attachments/:id/content", need(tenantRoles...), s.downloadAttachment)
	s.reviewRoutes(api)
	s.noticeRoutes(api)
}

// createFiling honours an Idempotency-Key: the same key twice creates one
// filing (the retry gets the first answer), the same key with a different
// body is 422.
func (s *Server) createFiling(c *fiber.Ctx) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var in filing.Input
	if err := decodeJSONBytes(raw, &in); err != nil {
		return err
	}
	p := principal(c)
	ctx := c.UserContext()
	key := c.Get("Idempotency-Key")
	if key == "" {
		v, err := s.deps.Filings.Create(ctx, p, in)
		if err != nil {
			return err
		}
		s.audit(c, "filing_created", fmt.Sprintf("filing:%d", v.ID), "")
		return c.Status(fiber.StatusCreated).JSON(v)
	}
	if len(key) > 128 {
		return &apperror.Error{Code: apperror.Invalid, Message: "Idempotency-Key 过长 / Idempotency-Key too long (max 128)",
			Details: []apperror.Detail{{Field: "Idempotency-Key", Message: "too long"}}}
	}
	key = string([]byte(key))
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])
	existing, err := s.deps.Store.ClaimIdempotencyKey(ctx, p.UserID, key, hash, time.Now().UTC())
	if err != nil {
		return err
	}
	if existing != nil {
		return s.replayIdempotent(c, existing, hash)
	}
	v, err := s.deps.Filings.Create(ctx, p, in)
	if err != nil {
		s.deps.Store.ReleaseIdempotencyKey(context.WithoutCancel(ctx), p.UserID, key)
		return err
	}
	body, _ := json.Marshal(v)
	// The replay copy holds the contact phone: stored encrypted.
	sealed, err := s.deps.Filings.SealResponse(p.UserID, key, body)
	if err == nil {
		err = s.deps.Store.CompleteIdempotencyKey(context.WithoutCancel(ctx), p.UserID, key, fiber.StatusCreated, sealed)
	}
	if err != nil {
		s.log.Error("idempotency record", "request_id", requestID(c), "err", err)
	}
	s.audit(c, "filing_created", fmt.Sprintf("filing:%d", v.ID), "")
	c.Status(fiber.StatusCreated).Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

func (s *Server) replayIdempotent(c *fiber.Ctx, rec *store.IdempotencyKey, hash string) error {
	if rec.RequestHash != hash {
		return &apperror.Error{Code: apperror.Invalid, Message: "同一 Idempotency-Key 用于了不同的请求 / this Idempotency-Key was used with a different body",
			Details: []apperror.Detail{{Field: "Idempotency-Key", Message: "reused with a different body"}}}
	}
	// The first request may still be running: wait for its answer briefly.
	deadline := time.Now().Add(10 * time.Second)
	for rec.Status == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		r, err := s.deps.Store.IdempotencyKeyByKey(c.UserContext(), rec.UserID, rec.Key)
		if err != nil {
			if apperror.CodeOf(err) == apperror.NotFound { // the first request failed and released it
				return apperror.New(apperror.Conflict, "原请求失败，请重试 / the original request failed; retry")
			}
			return err
		}
		rec = r
	}
	if rec.Status == 0 {
		return apperror.New(apperror.Conflict, "相同请求仍在处理中 / the same request is still being processed")
	}
	body, err := s.deps.Filings.OpenResponse(rec.UserID, rec.Key, rec.Response)
	if err != nil {
		return err
	}
	c.Set("Idempotent-Replayed", "true")
	c.Status(rec.Status).Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

func (s *Server) listFilings(c *fiber.Ctx) error {
	f := store.FilingFilter{Status: c.Query("status"), Sector: c.Query("sector"), Page: pageOf(c)}
	switch f.Status {
	case "", store.StatusDraft, store.StatusSubmitted, store.StatusApproved, store.StatusReturned, store.StatusRejected:
	default:
		return &apperror.Error{Code: apperror.Invalid, Message: "未知状态 / unknown status", Details: []apperror.Detail{{Field: "status", Message: "unknown"}}}
	}
	if st := c.Query("street"); st != "" {
		street, ok := s.deps.Areas.Street(st)
		if !ok {
			return &apperror.Error{Code: apperror.Invalid, Message: "未知街道 / unknown street", Details: []apperror.Detail{{Field: "street", Message: "unknown"}}}
		}
		f.Street = street.Code
	}
	items, total, err := s.deps.Filings.List(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, f.Page))
}

func (s *Server) getFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.deps.Filings.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in filing.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.deps.Filings.Update(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	s.audit(c, "filing_updated", fmt.Sprintf("filing:%d", id), "")
	return c.JSON(v)
}

func (s *Server) uploadAttachment(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	kind := c.Query("kind")
	max := s.deps.Filings.MaxUploadBytes(kind)
	if max == 0 {
		return &apperror.Error{Code: apperror.Invalid, Message: "kind 须为 plan 或 roster / kind must be plan or roster",
			Details: []apperror.Detail{{Field: "kind", Message: "must be plan or roster"}}}
	}
	// Check access before reading a byte of the upload.
	if _, err := s.deps.Store.FilingByID(c.UserContext(), principal(c).Scope(), id); err != nil {
		return err
	}
	f, err := receiveFile(c, "file", max)
	if err != nil {
		return err
	}
	defer f.Remove()
	res, err := s.deps.Filings.Upload(c.UserContext(), principal(c), id, kind, f.Path, f.Filename)
	if err != nil {
		return err
	}
	s.audit(c, "attachment_uploaded", fmt.Sprintf("filing:%d", id), fmt.Sprintf("kind=%s attachment=%d sha256=%s size=%d", kind, res.ID, res.SHA256, res.Size))
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (s *Server) submitFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	res, err := s.deps.Filings.Submit(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	s.audit(c, "filing_submitted", fmt.Sprintf("filing:%d", id), fmt.Sprintf("revision=%d status=%s flags=%d", res.Revision, res.Status, len(res.Flags)))
	return c.JSON(res)
}

// downloadAttachment streams an attachment as a download that a browser will
// never render inline.
func (s *Server) downloadAttachment(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, a, err := s.deps.Filings.Open(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	action := "attachment_downloaded"
	if a.Kind == filing.KindRoster && !d.Masked {
		action = "personal_data_viewed" // the original roster holds ID numbers in clear
	}
	s.audit(c, action, fmt.Sprintf("filing:%d", a.FilingID), fmt.Sprintf("attachment=%d masked=%v", a.ID, d.Masked))
	c.Set(fiber.HeaderContentType, d.ContentType)
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(d.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
	if d.Size >= 0 {
		c.Set(fiber.HeaderContentLength, strconv.FormatInt(d.Size, 10))
	}
	return c.SendStream(d.Body, int(d.Size))
}
