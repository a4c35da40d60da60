package registry

import (
	"errors"
	"strings"
)

// creditAlphabet is the character set of GB 32100-2015: digits and capital
// letters without I, O, S, V, Z; a character's value is its index.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// GB 32100 weights for positions 1–17: 3^(i) mod 31.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// GB 11714 weights for the 8 body characters of an organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// Errors of CheckCreditCode; their text is shown to clerks.
var (
	ErrCreditLength   = errors.New("统一社会信用代码应为 18 位 / the unified social credit code must have 18 characters")
	ErrCreditChar     = errors.New("统一社会信用代码含有非法字符（不可含 I、O、S、V、Z）/ the credit code holds an invalid character (I, O, S, V, Z are not used)")
	ErrCreditDivision = errors.New("统一社会信用代码第 3–8 位应为行政区划代码（数字）/ characters 3–8 of the credit code must be a division code (digits)")
	ErrOrgCheck       = errors.New("统一社会信用代码中组织机构代码（第 9–17 位）的校验位错误 / the organisation code inside the credit code (characters 9–17) has a wrong check character")
	ErrCreditCheck    = errors.New("统一社会信用代码校验位（第 18 位）错误 / the check character (18th) of the credit code is wrong")
)

// NormalizeCreditCode trims the code, uppercases it and turns full-width
// characters (typed with a Chinese IME) into ASCII. It never fails.
func NormalizeCreditCode(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r >= 'Ａ' && r <= 'Ｚ' {
			return r - 'Ａ' + 'A'
		}
		if r >= 'ａ' && r <= 'ｚ' {
			return r - 'ａ' + 'A'
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// CheckCreditCode validates a normalised unified social credit code: 18
// characters of the GB 32100 alphabet, a numeric division code at
// positions 3–8, the GB 11714 check character of the organisation code at
// position 17, and the GB 32100 check character at position 18. It
// returns nil or one of the Err* values above.
func CheckCreditCode(code string) error {
	if len(code) != 18 {
		return ErrCreditLength
	}
	var vals [18]int
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(creditAlphabet, code[i])
		if v < 0 {
			return ErrCreditChar
		}
		vals[i] = v
	}
	for i := 2; i < 8; i++ {
		if vals[i] > 9 {
			return ErrCreditDivision
		}
	}
	if orgCheck(code[8:16]) != code[16] {
		return ErrOrgCheck
	}
	if creditCheck(code[:17]) != code[17] {
		return ErrCreditCheck
	}
	return nil
}

// creditCheck computes the GB 32100 check character of 17 characters
// already known to be in the alphabet.
func creditCheck(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditAlphabet, s[i]) * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}

// orgCheck computes the GB 11714 check character of an 8-character
// organisation code body: digits count as themselves, letters A–Z as
// 10–35; C9 = 11 − (Σ mod 11), written X for 10 and 0 for 11.
func orgCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// MakeCreditCode returns a valid credit code for an enterprise registered
// with market regulation (91) in Chengdu's Hi-tech Zone (510109). Distinct
// n in [0, 10^8) give distinct codes; n is taken modulo 10^8, negatives
// made positive. The same n always gives the same code.
func MakeCreditCode(n int) string {
	const m = 100_000_000
	if n < 0 {
		n = -n
	}
	// Multiplying by a unit mod 10^8 is a bijection, so codes stay distinct
	// while consecutive n do not look consecutive.
	body := (int64(n%m)*7_777_777 + 12_345_678) % m
	b := []byte("91510109")
	digits := []byte{'0', '0', '0', '0', '0', '0', '0', '0'}
	for i := 7; i >= 0; i-- {
		digits[i] = byte('0' + body%10)
		body /= 10
	}
	b = append(b, digits...)
	b = append(b, orgCheck(string(digits)))
	b = append(b, creditCheck(string(b)))
	return string(b)
}
