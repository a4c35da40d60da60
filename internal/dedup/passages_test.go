package dedup

import (
	"strings"
	"testing"
)

func TestSharedPassages(t *testing.T) {
	t.Parallel()
	shared := "每日对办公区域生产车间食堂宿舍电梯卫生间等公共区域进行消毒并做好消毒记录"
	q := "甲公司方案：" + shared + "。其余内容各不相同，甲方自行编写。"
	// The copy has punctuation and a full-width digit inside the passage.
	m := "乙公司另起炉灶写了很多别的东西。" + strings.Replace(shared, "食堂", "，食堂，", 1) + "！结尾也不一样"
	pf := passageFinder{minLen: 20, maxPassages: 5, k: 5}
	ps := pf.find(Normalize(q), q, Normalize(m))
	if len(ps) != 1 {
		t.Fatalf("got %d passages, want 1: %+v", len(ps), ps)
	}
	p := ps[0]
	if p.Text != shared || q[p.QueryStart:p.QueryEnd] != shared {
		t.Errorf("query side %q, want %q", p.Text, shared)
	}
	if got := m[p.MatchStart:p.MatchEnd]; got != strings.Replace(shared, "食堂", "，食堂，", 1) {
		t.Errorf("match side %q", got)
	}
	if p.Length != len([]rune(shared)) {
		t.Errorf("length %d, want %d", p.Length, len([]rune(shared)))
	}

	// A passage made of boilerplate is not evidence.
	bp := make(map[uint64]struct{})
	for _, h := range Shingles(Normalize(shared).Runes, 5) {
		bp[h] = struct{}{}
	}
	pf.boilerplate = bp
	if ps := pf.find(Normalize(q), q, Normalize(m)); len(ps) != 0 {
		t.Errorf("boilerplate passage reported: %+v", ps)
	}
	// Shorter than the minimum: nothing.
	pf = passageFinder{minLen: 20, maxPassages: 5, k: 5}
	if ps := pf.find(Normalize("短短的共同文字"), "短短的共同文字", Normalize("短短的共同文字")); len(ps) != 0 {
		t.Errorf("passage under 20 characters reported: %+v", ps)
	}
}
