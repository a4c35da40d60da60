package pii

import "fugong/internal/msg"

// The messages of package pii (see internal/msg).
var (
	msgCannotCreateKeyDirectory                    = msg.New("pii.cannot_create_key_directory", "无法创建密钥目录：%s", "cannot create the key directory %s")
	msgCannotWriteKeyFile                          = msg.New("pii.cannot_write_key_file", "无法写入密钥文件：%s", "cannot write the key file in %s")
	msgCannotSetKeyFileMode                        = msg.New("pii.cannot_set_key_file_mode", "无法设置密钥文件权限", "cannot set key file mode")
	msgCannotWriteKeyFile2                         = msg.New("pii.cannot_write_key_file_2", "无法写入密钥文件", "cannot write the key file")
	msgCannotSyncKeyFile                           = msg.New("pii.cannot_sync_key_file", "无法写入密钥文件", "cannot sync the key file")
	msgCannotCloseKeyFile                          = msg.New("pii.cannot_close_key_file", "无法写入密钥文件", "cannot close the key file")
	msgCannotCreateKeyFile                         = msg.New("pii.cannot_create_key_file", "无法创建密钥文件：%s", "cannot create the key file %s")
	msgCannotReadKeyFile                           = msg.New("pii.cannot_read_key_file", "无法读取密钥文件：%s", "cannot read the key file %s")
	msgKeyFileInvalid                              = msg.New("pii.key_file_invalid", "密钥文件 %s 无效", "the key file %s is invalid")
	msgDataKeyEmpty                                = msg.New("pii.data_key_empty", "数据密钥为空", "the data key is empty")
	msgDataKeyEntryHasNo                           = msg.New("pii.data_key_entry_has_no", "数据密钥第 %d 项缺少 id（应为 id:base64）", "data key entry %d has no id (want id:base64)")
	msgDataKeyEntryHasInvalid                      = msg.New("pii.data_key_entry_has_invalid", "数据密钥第 %d 项的 id 无效（1–32 个字母、数字、-、_）", "data key entry %d has an invalid id (1–32 of A-Z a-z 0-9 - _)")
	msgDataKeyNotBaseBytes                         = msg.New("pii.data_key_not_base_bytes", "数据密钥 %q 不是 32 字节的 base64", "data key %q is not base64 of 32 bytes")
	msgDuplicateDataKeyId                          = msg.New("pii.duplicate_data_key_id", "数据密钥 id %q 重复", "duplicate data key id %q")
	msgDataKeyListHasNo                            = msg.New("pii.data_key_list_has_no", "数据密钥中没有可用于加密的密钥", "the data key list has no encryption key")
	msgCannotDeriveIndexKey                        = msg.New("pii.cannot_derive_index_key", "无法派生索引密钥", "cannot derive the index key")
	msgRandomSourceFailed                          = msg.New("pii.random_source_failed", "随机数生成失败", "random source failed")
	msgMalformedCiphertext                         = msg.New("pii.malformed_ciphertext", "密文格式错误", "malformed ciphertext")
	msgCiphertextTooShort                          = msg.New("pii.ciphertext_too_short", "密文长度不足", "ciphertext too short")
	msgCiphertextUsesUnknownKeyId                  = msg.New("pii.ciphertext_uses_unknown_key_id", "密文使用了未知的密钥 %q", "ciphertext uses unknown key id %q")
	msgCiphertextFailedAuthenticationTamperedWrong = msg.New("pii.ciphertext_failed_authentication_tampered_wrong", "密文校验失败（被篡改或密钥不符）", "ciphertext failed authentication (tampered or wrong key)")
	msgMalformed                                   = msg.New("pii.malformed", "密文格式错误", "malformed ciphertext")
)
