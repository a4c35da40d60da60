package httpapi

import "fugong/internal/msg"

// The messages of package httpapi (see internal/msg).
var (
	msgMissingWrongXCsrfToken      = msg.New("httpapi.missing_wrong_x_csrf_token", "缺少或错误的 CSRF 令牌", "missing or wrong X-CSRF-Token")
	msgYourRoleMayNotDo            = msg.New("httpapi.your_role_may_not_do", "无权执行此操作", "your role may not do this")
	msgPleaseSign                  = msg.New("httpapi.please_sign", "请先登录", "please sign in")
	msgFormatMustJsonCsvXlsx       = msg.New("httpapi.format_must_json_csv_xlsx", "不支持的格式", "format must be json, csv or xlsx")
	msgInternalError               = msg.New("httpapi.internal_error", "服务器内部错误", "internal error")
	msgCouldNotReadRequestBody     = msg.New("httpapi.could_not_read_request_body", "读取请求失败", "could not read the request body")
	msgJsonBodyOverMb              = msg.New("httpapi.json_body_over_mb", "JSON 请求体超过 1 MB", "JSON body over 1 MB")
	msgWrongFieldType              = msg.New("httpapi.wrong_field_type", "字段类型错误", "wrong field type")
	msgBodyNotValidJson            = msg.New("httpapi.body_not_valid_json", "请求不是有效的 JSON：%v", "body is not valid JSON: %v")
	msgTrailingDataAfterJsonObject = msg.New("httpapi.trailing_data_after_json_object", "JSON 后有多余内容", "trailing data after the JSON object")
	msgNotFound                    = msg.New("httpapi.not_found", "未找到", "not found")
	msgRequestBodyTooLargeLimit    = msg.New("httpapi.request_body_too_large_limit", "请求体过大（上限 %d MB）", "request body too large (limit %d MB)")
	msgUploadFileMultipartFormData = msg.New("httpapi.upload_file_multipart_form_data", "请以 multipart/form-data 上传文件（字段 %s）", "upload the file as multipart/form-data field %q")
	msgMalformedMultipartBody      = msg.New("httpapi.malformed_multipart_body", "上传格式错误", "malformed multipart body")
	msgUploadInterrupted           = msg.New("httpapi.upload_interrupted", "上传中断", "upload interrupted")
	msgFileExceedsMbLimit          = msg.New("httpapi.file_exceeds_mb_limit", "文件超过 %d MB 上限", "file exceeds the %d MB limit")
	msgMethodNotAllowed            = msg.New("httpapi.method_not_allowed", "不支持该请求方法", "method not allowed")
	msgBodyTooLarge                = msg.New("httpapi.body_too_large", "请求体过大", "request body too large")
	msgTimedOut                    = msg.New("httpapi.timed_out", "请求超时", "request timed out")
	msgMalformedRequest            = msg.New("httpapi.malformed_request", "请求格式错误", "malformed request")
	msgNotReady                    = msg.New("httpapi.not_ready", "服务未就绪：%s", "not ready: %s")
	msgPartDown                    = msg.New("httpapi.part_down", "%s 无响应", "%s does not answer")
)
