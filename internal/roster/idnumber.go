package roster

import (
	"strings"
	"time"
	"unicode"

	"fugong/internal/msg"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDError is an error of CheckIDNumber; Text is its catalog message, shown
// to clerks.
type IDError struct{ m msg.Message }

// Error returns the English text (for logs).
func (e *IDError) Error() string { return e.m.In(msg.EN) }

// Text returns the catalog message of e.
func (e *IDError) Text() msg.Text { return e.m.With() }

// Errors of CheckIDNumber.
var (
	ErrIDLength = &IDError{msgIDLength}
	ErrIDChar   = &IDError{msgIDChar}
	ErrIDRegion = &IDError{msgIDRegion}
	ErrIDBirth  = &IDError{msgIDBirth}
	ErrIDCheck  = &IDError{msgIDCheck}
)

// NormalizeIDNumber removes what spreadsheets and clerks put around an ID
// number: spaces anywhere (also NBSP and U+3000), tabs, a leading
// apostrophe (Excel's "store as text" mark), a ="…" formula wrapper; it
// uppercases x and turns full-width digits into ASCII. It never fails.
func NormalizeIDNumber(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "=\"") && strings.HasSuffix(s, "\"") && len(s) >= 3 {
		s = s[2 : len(s)-1]
	}
	s = strings.TrimLeft(s, "'‘’`")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == 'x' || r == 'ｘ' || r == 'Ｘ':
			return 'X'
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			return -1
		}
		return r
	}, s)
}

// LostDigits reports whether a normalised ID number is a number Excel
// wrote in scientific notation (5.10107E+17) with fewer than 18
// significant digits: its last digits are gone. ExactNumber reads one that
// kept them all.
func LostDigits(s string) bool {
	mant, exp, ok := scientific(s)
	return ok && !(exp == 17 && len(mant) == 18)
}

// ExactNumber returns the 18 digits of a number cell written in scientific
// notation that holds all of them ("5.10107198503120118E+17"), ok false
// otherwise.
func ExactNumber(s string) (string, bool) {
	mant, exp, ok := scientific(s)
	if !ok || exp != 17 || len(mant) != 18 {
		return "", false
	}
	return mant, true
}

// scientific splits d.ddddE+xx into its significant digits (trailing zeros
// of the fraction kept) and exponent.
func scientific(s string) (string, int, bool) {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return "", 0, false
	}
	mant, exp := s[:i], strings.TrimPrefix(s[i+1:], "+")
	if !allDigits(exp) || len(exp) > 3 {
		return "", 0, false
	}
	if d := strings.IndexByte(mant, '.'); d >= 0 && d != 1 {
		return "", 0, false
	}
	mant = strings.Replace(mant, ".", "", 1)
	if !allDigits(mant) {
		return "", 0, false
	}
	e := 0
	for _, c := range exp {
		e = e*10 + int(c-'0')
	}
	return mant, e, true
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
