package auth

import "fugong/internal/msg"

// Messages of activation-code management.
var msgCodesOwnStreet = msg.New("activation_codes_own_street", "只能管理本街道企业的激活码", "you may manage activation codes only for your own street")
