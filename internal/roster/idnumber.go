package roster

import (
	"errors"
	"strings"
	"time"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// Errors of CheckIDNumber; their text is shown to clerks.
var (
	ErrIDLength = errors.New("身份证号应为 18 位 / the ID number must have 18 characters")
	ErrIDChar   = errors.New("身份证号前 17 位应为数字，末位为数字或 X / the ID number must be 17 digits and a digit or X")
	ErrIDRegion = errors.New("身份证号地区码无效 / the ID number's region code is invalid")
	ErrIDBirth  = errors.New("身份证号中的出生日期不合理 / the birth date inside the ID number is not plausible")
	ErrIDCheck  = errors.New("身份证号校验位错误 / ID number check digit is wrong")
)

// NormalizeIDNumber trims, uppercases x and turns full-width digits into
// ASCII. It never fails.
func NormalizeIDNumber(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == 'x' || r == 'ｘ' || r == 'Ｘ':
			return 'X'
		}
		return r
	}, s)
}

// CheckIDNumber validates a normalised resident ID number (GB 11643): 18
// characters, a region code starting 1–8, a birth date between 1900-01-01
// and asOf, and the ISO 7064 MOD 11-2 check character. It returns nil or
// one of the ErrID* values above.
func CheckIDNumber(id string, asOf time.Time) error {
	if len(id) != 18 {
		return ErrIDLength
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return ErrIDChar
		}
		sum += int(c-'0') * idWeights[i]
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		return ErrIDChar
	}
	if id[0] < '1' || id[0] > '8' {
		return ErrIDRegion
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(asOf) {
		return ErrIDBirth
	}
	if idCheckChars[sum%11] != id[17] {
		return ErrIDCheck
	}
	return nil
}

// MakeIDNumber returns a valid ID number (region 510107, Chengdu) for
// tests and demo data. Distinct n in [0, 14,610,000) give distinct numbers
// (birth dates 1960-01-01 to 1999-12-31, sequence 000–999); n is taken
// modulo that range, negatives made positive.
func MakeIDNumber(n int) string {
	const days, seqs = 14610, 1000
	if n < 0 {
		n = -n
	}
	n %= days * seqs
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (n/seqs*7919)%days)
	b := []byte("510107" + birth.Format("20060102"))
	seq := n % seqs
	b = append(b, byte('0'+seq/100), byte('0'+seq/10%10), byte('0'+seq%10))
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(b[i]-'0') * idWeights[i]
	}
	return string(append(b, idCheckChars[sum%11]))
}
