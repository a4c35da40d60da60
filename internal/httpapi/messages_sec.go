package httpapi

import "fugong/internal/msg"

// Catalog messages of the security endpoints (see internal/msg).
var (
	msgAuditUnavailable = msg.New("audit.unavailable", "审计校验服务未启用", "audit verification is not configured")
)
