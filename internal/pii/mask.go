package pii

import (
	"strings"
	"unicode"
)

// MaskID masks an ID number for display: the first 3 and last 4 characters
// stay, the rest become '*' (18 characters → "510***********1234"; a 15-digit
// ID keeps the same ends). Input shorter than 15 characters is not a valid ID
// and is masked entirely, so odd input never shows more than a valid one
// would. It never panics; invalid UTF-8 is masked like any other character.
func MaskID(id string) string {
	r := []rune(strings.TrimSpace(id))
	if len(r) < 15 {
		return strings.Repeat("*", len(r))
	}
	return keepEnds(r, 3, 4)
}

// MaskPhone masks a phone number: the first 3 and last 4 characters stay
// ("13812345678" → "138****5678"; "028-85551234" → "028*****1234"). Input of
// fewer than 11 characters is masked entirely. It never panics.
func MaskPhone(p string) string {
	r := []rune(strings.TrimSpace(p))
	if len(r) < 11 {
		return strings.Repeat("*", len(r))
	}
	return keepEnds(r, 3, 4)
}

// isCompoundSurname reports whether s is a two-character surname that
// MaskName keeps whole (a switch, not a map, so there is no package state).
func isCompoundSurname(s string) bool {
	switch s {
	case "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "申屠", "澹台", "太史", "百里", "呼延", "歐陽", "司馬", "諸葛", "東方", "長孫":
		return true
	}
	return false
}

// MaskName masks a person's name, keeping the surname: "张三" → "张*",
// "张三丰" → "张**", "欧阳娜娜" → "欧阳**" (compound surnames stay whole when
// something follows them). A one-character name becomes "*"; Latin names keep
// their first letter ("John Smith" → "J*********"). It never panics.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return "*"
	case len(r) >= 3 && isCompoundSurname(string(r[:2])):
		return string(r[:2]) + strings.Repeat("*", len(r)-2)
	case r[0] == unicode.ReplacementChar || !unicode.IsPrint(r[0]):
		return strings.Repeat("*", len(r))
	default:
		return string(r[:1]) + strings.Repeat("*", len(r)-1)
	}
}

func keepEnds(r []rune, head, tail int) string {
	var b strings.Builder
	b.Grow(len(r) + 8)
	b.WriteString(string(r[:head]))
	b.WriteString(strings.Repeat("*", len(r)-head-tail))
	b.WriteString(string(r[len(r)-tail:]))
	return b.String()
}
