package areas

import "fugong/internal/msg"

// The messages of package areas (see internal/msg).
var (
	msgUnknownStreet       = msg.New("areas.unknown_street", "未知街道：%s", "unknown street: %s")
	msgUnknownStreetDetail = msg.New("areas.unknown_street.detail", "未知街道", "unknown street")
)
