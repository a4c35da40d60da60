package httpapi

import "fugong/internal/msg"

// Catalog messages of the security endpoints (see internal/msg).
var (
	msgAuditUnavailable  = msg.New("audit.unavailable", "审计校验服务未启用", "audit verification is not configured")
	msgSessionOnly       = msg.New("auth.session_only", "使用 API 令牌不能管理令牌或修改密码，请登录后操作", "an API token cannot manage tokens or change the password: sign in")
	msgTokenNotFound     = msg.New("auth.token_not_found", "令牌不存在", "token not found")
	msgJSONRequired      = msg.New("http.json_required", "请求体须为 JSON（Content-Type: application/json）", "the body must be JSON (Content-Type: application/json)")
	msgBadPage           = msg.New("http.bad_page", "%s 须为 1 到 %d 之间的整数", "%s must be a whole number from 1 to %d")
	msgCrossOrigin       = msg.New("http.cross_origin", "拒绝来自其他网站的请求", "request from another site refused")
	msgHeadersTooLarge   = msg.New("http.headers_too_large", "请求头过大", "request headers too large")
	msgTokenDaysNegative = msg.New("auth.token_days_negative", "有效天数不能为负", "expires_in_days must not be negative")
)
