package plans

import "golang.org/x/text/unicode/norm"

// PDFs made by Chromium/Skia with Noto or Source Han fonts map some glyphs
// back to the Kangxi Radicals (U+2F00–2FD5) or CJK Radicals Supplement
// (U+2E80–2EF3) code points instead of the unified ideograph that looks the
// same, and some writers use CJK Compatibility Ideographs; keyword checks
// then miss "一" written as "⼀". NFKC maps the Kangxi radicals and the
// compatibility ideographs; the supplement has no decomposition, so its
// radicals that stand for a whole character are mapped by this table.
var radicalSupplement = map[rune]rune{
	'⺁': '厂', '⺇': '几', '⺋': '㔾', '⺎': '兀', '⺏': '尣', '⺐': '尢', '⺑': '𡯂', '⺒': '巳', '⺓': '幺',
	'⺛': '旡', '⺝': '月', '⺟': '母', '⺠': '民', '⺦': '丬', '⺫': '罒', '⺬': '示', '⺭': '礻', '⺮': '竹',
	'⺯': '糸', '⺰': '纟', '⺱': '罓', '⺲': '罒', '⺸': '羊', '⺻': '聿', '⻀': '艸', '⻄': '西', '⻅': '见',
	'⻆': '角', '⻇': '角', '⻈': '讠', '⻉': '贝', '⻋': '车', '⻍': '辶', '⻏': '阝', '⻑': '長', '⻓': '长',
	'⻔': '门', '⻗': '雨', '⻘': '青', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞', '⻝': '食', '⻟': '食',
	'⻠': '饣', '⻢': '马', '⻣': '骨', '⻤': '鬼', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄',
	'⻪': '黾', '⻫': '斉', '⻬': '齐', '⻭': '歯', '⻮': '齿', '⻯': '竜', '⻰': '龙', '⻱': '龜', '⻲': '亀', '⻳': '龟',
}

// unifyIdeograph returns the unified ideograph a radical or compatibility
// ideograph stands for, or r itself.
func unifyIdeograph(r rune) rune {
	switch {
	case r >= 0x2E80 && r <= 0x2EF3:
		if u, ok := radicalSupplement[r]; ok {
			return u
		}
	case r >= 0x2F00 && r <= 0x2FD5, r >= 0xF900 && r <= 0xFAFF, r >= 0x2F800 && r <= 0x2FA1F:
		s := norm.NFKC.String(string(r))
		for _, u := range s {
			return u
		}
	}
	return r
}
