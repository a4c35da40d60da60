package store

import "fugong/internal/msg"

// The messages of audit key rotation (audit_keys.go).
var msgAuditKeyNotConfigured = msg.New("store.audit_key_not_configured",
	"审计日志已改用第 %d 代密钥，本实例尚未配置（FUGONG_DATA_KEY 中的 audit-%d），请重启本实例后重试",
	"the audit log uses key generation %d, which this replica does not have yet (audit-%d in FUGONG_DATA_KEY); restart it and retry")
