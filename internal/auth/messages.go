package auth

import "fugong/internal/msg"

// The messages of package auth (see internal/msg).
var (
	msgUnknownStreet                       = msg.New("auth.unknown_street", "未知街道", "unknown street")
	msgYouMayIssueCodesOnly                = msg.New("auth.you_may_issue_codes_only", "只能为本街道企业生成激活码", "you may issue codes only for your own street")
	msgCreditCodeActivationCodeWrong       = msg.New("auth.credit_code_activation_code_wrong", "信用代码或激活码不正确、已使用或已过期", "credit code or activation code is wrong, used or expired")
	msgUsernameRequiredMostCharacters      = msg.New("auth.username_required_most_characters", "请填写用户名（不超过 64 字符）", "username is required (at most 64 characters)")
	msgEnterpriseAlreadyHasAccountUsername = msg.New("auth.enterprise_already_has_account_username", "该企业已有账号，或用户名已被占用", "this enterprise already has an account, or the username is taken")
	msgPasswordTooLong                     = msg.New("auth.password_too_long", "密码过长", "password too long")
	msgWrongUsernamePassword               = msg.New("auth.wrong_username_password", "用户名或密码错误", "wrong username or password")
	msgPleaseSign                          = msg.New("auth.please_sign", "请先登录", "please sign in")
	msgCurrentPasswordWrong                = msg.New("auth.current_password_wrong", "原密码错误", "current password is wrong")
	msgTokenNameRequired                   = msg.New("auth.token_name_required", "请填写令牌名称", "token name is required")
	msgPasswordTooShort                    = msg.New("auth.password_too_short", "密码至少 %d 位", "password must be at least %d characters")
	msgTooManyFailures                     = msg.New("auth.too_many_failures", "失败次数过多，请 %d 秒后再试", "too many failed attempts, retry in %d s")
)
