package parsegate

import "fugong/internal/msg"

// The messages of this package (see internal/msg).
var msgBusy = msg.New("parsegate.busy", "服务器正在处理其他上传文件，请 %d 秒后重试", "the server is busy with other uploaded files; retry in %d seconds")
