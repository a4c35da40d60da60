package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// traditionalToSimplified maps the traditional characters that occur in the
// headers and coded values fugong reads (column names, sectors, zones,
// streets, health-code colours, Hubei place names) to their simplified form.
// A full converter would be a dependency for a few dozen characters; this
// list is closed because the vocabulary it serves is closed.
var traditionalToSimplified = strings.NewReplacer(
	"統", "统", "會", "会", "碼", "码", "業", "业", "稱", "称", "規", "规",
	"產", "产", "區", "区", "納", "纳", "監", "监", "證", "证", "號", "号",
	"機", "机", "門", "门", "體", "体", "溫", "温", "離", "离", "結", "结",
	"務", "务", "築", "筑", "園", "园", "賈", "贾", "廟", "庙", "養", "养",
	"馬", "马", "綠", "绿", "黃", "黄", "紅", "红", "漢", "汉", "陽", "阳",
	"荊", "荆", "岡", "冈", "寧", "宁", "隨", "随", "潛", "潜", "農", "农",
	"歷", "历", "類", "类", "別", "别", "電", "电", "話", "话", "聯", "联",
	"繫", "系", "係", "系", "單", "单", "狀", "状",
	"態", "态", "從", "从", "來", "来", "東", "东", "邊", "边", "時", "时",
	"間", "间", "歸", "归", "鄉", "乡", "經", "经", "濟", "济", "場", "场",
	"設", "设", "國", "国", "營", "营", "屬", "属", "員", "员", "與", "与",
	"為", "为", "實", "实", "際", "际", "內", "内", "臨", "临", "測", "测",
	"錄", "录", "點", "点", "處", "处", "級", "级", "數", "数", "據", "据",
	"鹹", "咸",
)

// Fold normalises a header or a coded value for comparison: it applies
// NFKC (full-width letters, digits and punctuation become ASCII, CJK
// compatibility ideographs and Kangxi radicals become unified ideographs,
// U+3000 becomes a space), trims surrounding space and a leading BOM,
// lowercases Latin letters, maps traditional characters of fugong's
// vocabulary to simplified ones, treats spaces and hyphens as underscores,
// and removes required-field markers ("*姓名", "姓名（必填）") and a trailing
// unit note in parentheses ("体温(℃)", "体温（°C）"). It never fails.
func Fold(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	s = strings.TrimSpace(s)
	for _, m := range requiredMarks {
		s = strings.ReplaceAll(s, m, "")
	}
	s = strings.Trim(s, "*")
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, "("); i > 0 {
			s = s[:i]
		}
	}
	s = strings.TrimSpace(s)
	s = strings.ToLower(s)
	s = traditionalToSimplified.Replace(s)
	if strings.ContainsAny(s, " -") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return '_'
			}
			return r
		}, s)
	}
	return s
}

// requiredMarks are the ways templates mark a required column, after NFKC.
var requiredMarks = []string{"(必填)", "(必填项)", "(必选)", "(选填)", "(可选)"}

// FoldHeader is Fold for header cells: it also removes every space,
// underscore and hyphen, so "姓 名", "姓　名", "Return Date" and
// "return_date" each compare equal to their column's key or alias.
func FoldHeader(s string) string {
	s = Fold(s)
	if strings.ContainsAny(s, " _\t\r\n") || !isASCII(s) {
		s = strings.Map(func(r rune) rune {
			if r == '_' || unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
