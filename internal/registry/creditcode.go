package registry

import (
	"strings"
	"unicode"

	"fugong/internal/msg"
)

// creditAlphabet is the character set of GB 32100-2015: digits and capital
// letters without I, O, S, V, Z; a character's value is its index.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// GB 32100 weights for positions 1–17: 3^(i) mod 31.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// GB 11714 weights for the 8 body characters of an organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CodeError is an error of CheckCreditCode; Text is its catalog message,
// shown to clerks.
type CodeError struct{ m msg.Message }

// Error returns the English text (for logs).
func (e *CodeError) Error() string { return e.m.In(msg.EN) }

// Text returns the catalog message of e.
func (e *CodeError) Text() msg.Text { return e.m.With() }

// Errors of CheckCreditCode.
var (
	ErrCreditLength   = &CodeError{msgCreditLength}
	ErrCreditChar     = &CodeError{msgCreditChar}
	ErrCreditDivision = &CodeError{msgCreditDivision}
	ErrOrgCheck       = &CodeError{msgOrgCheck}
	ErrCreditCheck    = &CodeError{msgCreditCheck}
)

// NormalizeCreditCode removes spaces anywhere (also NBSP, U+3000 and tabs),
// a leading apostrophe and a ="…" wrapper (what Excel and clerks add to
// keep a code as text), uppercases the code and turns full-width
// characters (typed with a Chinese IME) into ASCII. It never fails.
func NormalizeCreditCode(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "=\"") && strings.HasSuffix(s, "\"") && len(s) >= 3 {
		s = s[2 : len(s)-1]
	}
	s = strings.TrimLeft(s, "'‘’`")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
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
