package httpapi

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/buildinfo"
	"fugong/internal/msg"
)

// healthz answers while the process runs.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readier is a backing service whose readiness is more than answering a
// ping: the database runs a real query and, on Galera, requires the node to
// be ready and Synced (store.DB.Ready).
type Readier interface {
	Ready(ctx context.Context) error
}

// readyz answers 200 when the database and the object store can serve, and
// 503 naming each failing part otherwise. Checks run concurrently under one
// short deadline so a hung service cannot hang the probe.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	checks := map[string]Pinger{"database": s.deps.DB, "object_store": s.deps.Blob}
	out := make(chan result, len(checks))
	for name, p := range checks {
		go func() {
			if p == nil {
				out <- result{name, nil}
				return
			}
			if r, ok := p.(Readier); ok {
				out <- result{name, r.Ready(ctx)}
				return
			}
			out <- result{name, p.Ping(ctx)}
		}()
	}
	parts := fiber.Map{}
	var failing []string
	for range checks {
		r := <-out
		if r.err != nil {
			parts[r.name] = "unavailable"
			failing = append(failing, r.name)
			s.log.Warn("readiness check failed", "part", r.name, "err", r.err)
		} else {
			parts[r.name] = "ok"
		}
	}
	if len(failing) > 0 {
		sort.Strings(failing)
		l := lang(c)
		c.Set(fiber.HeaderRetryAfter, retryAfterUnavailable)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{
			"status": "unavailable", "checks": parts,
			"error": fiber.Map{"code": "unavailable", "message": msgNotReady.In(l, strings.Join(failing, ", ")), "details": failingDetails(failing, l)},
		})
	}
	// The audit chain does not make a replica unready (every replica would
	// agree, and the service would stop), but readiness shows it, as does
	// the metric fugong_audit_chain_intact.
	return c.JSON(fiber.Map{"status": "ok", "checks": parts, "audit_chain": s.auditChainState()})
}

func failingDetails(parts []string, l msg.Lang) []fiber.Map {
	out := make([]fiber.Map, len(parts))
	for i, p := range parts {
		out[i] = fiber.Map{"field": p, "code": msgPartDown.Code(), "message": msgPartDown.In(l, p)}
	}
	return out
}

// version reports the build, as `fugong version` does (one source:
// internal/buildinfo).
func (s *Server) version(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"name": "fugong", "version": buildinfo.Version()})
}

// auditChainState is "intact", "broken" or "unchecked" (by this process).
func (s *Server) auditChainState() string {
	if s.deps.Audit == nil {
		return "unchecked"
	}
	st := s.deps.Audit.Status()
	switch {
	case !st.Checked:
		return "unchecked"
	case st.Intact:
		return "intact"
	}
	return "broken"
}
