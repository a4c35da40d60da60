package daily

import "fugong/internal/msg"

// Messages of the bulk import (import.go).
var (
	msgImportTooMany   = msg.New("daily.import_too_many", "一次最多导入 %d 份日报", "at most %d reports per import")
	msgImportNoVersion = msg.New("daily.import_no_version", "日报至少要有一个版本", "a report needs at least one version")
)
