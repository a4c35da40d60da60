package blob

import "fugong/internal/msg"

// The messages of package blob (see internal/msg).
var (
	msgObjectNotFound = msg.New("blob.object_not_found", "文件不存在", "object not found")
)
