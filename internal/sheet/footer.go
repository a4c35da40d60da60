package sheet

import (
	"strings"

	"fugong/internal/msg"
)

// Skipped is a row Next passed over because it is not data: a totals row
// (合计, 总计, 小计) or a signature footer (填表人, 审核人, 日期 …) that
// government templates put below the table.
type Skipped struct {
	Row    int      `json:"row"`
	Code   string   `json:"code"`
	Note   string   `json:"note"` // Chinese; Reason renders in any language
	Reason msg.Text `json:"-"`
}

// totalWords open a totals row.
var totalWords = []string{"合计", "总计", "小计", "共计", "总合计", "total", "subtotal"}

// footerWords open a signature or notes line under the table. Each must be
// followed by a colon or stand alone in its cell: a data row never starts
// with one.
var footerWords = []string{"填表人", "填报人", "制表人", "审核人", "审核", "审批人", "负责人", "单位负责人", "主要负责人",
	"联系人", "联系电话", "电话", "填表日期", "填报日期", "制表日期", "日期", "填报单位", "填表单位", "单位盖章",
	"单位", "盖章", "备注", "说明", "注", "签字", "签名"}

// notData reports whether a non-blank row is a totals row or a footer, by
// its first non-blank cell.
func notData(cells []string) (msg.Text, bool) {
	first := ""
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			first = c
			break
		}
	}
	f := FoldHeader(first)
	for _, w := range totalWords {
		if f == w || (strings.HasPrefix(f, w) && strings.ContainsAny(f[len(w):], ":：0123456789")) {
			return msgSkippedTotal.With(), true
		}
	}
	for _, w := range footerWords {
		if f == w || f == w+":" || strings.HasPrefix(f, w+":") || strings.HasPrefix(f, w+"：") {
			return msgSkippedFooter.With(), true
		}
	}
	return msg.Text{}, false
}
