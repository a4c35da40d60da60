package plangen

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCorpusDeterministicAndShaped(t *testing.T) {
	t.Parallel()
	a, b := NewCorpus(7, CorpusOptions{}), NewCorpus(7, CorpusOptions{})
	copies, templates := 0, 0
	const n = 400
	for i := 1; i <= n; i++ {
		da, db := a.Doc(i), b.Doc(i)
		if da.Text != db.Text || da.SourceID != db.SourceID {
			t.Fatalf("doc %d differs between two corpora with one seed", i)
		}
		if l := utf8.RuneCountInString(da.Text); l < 1000 || l > 6500 {
			t.Errorf("doc %d has %d characters, want about 1000–5000", i, l)
		}
		if da.SourceID != 0 {
			copies++
			if da.SourceID >= da.ID || a.Doc(int(da.SourceID)).SourceID != 0 {
				t.Errorf("doc %d copies %d, which is not an earlier original", i, da.SourceID)
			}
		}
		if da.Template {
			templates++
			if !strings.Contains(da.Text, pools[0].template[0]) {
				t.Errorf("template doc %d lacks the template text", i)
			}
		}
	}
	if copies < n/50 || copies > n/10 {
		t.Errorf("%d copies in %d docs, want about 5%%", copies, n)
	}
	if templates < n/3 || templates > 2*n/3 {
		t.Errorf("%d template docs in %d, want about half", templates, n)
	}
	if NewCorpus(8, CorpusOptions{}).Doc(5).Text == a.Doc(5).Text {
		t.Error("different seeds gave the same document")
	}
}

func TestCopyEditsAndRenames(t *testing.T) {
	t.Parallel()
	g := NewGenerator(1)
	src := g.Plan("甲公司", false, 2000, 2000)
	same := g.Copy(src, "乙公司", 0, false)
	if strings.Contains(same.Text(), "甲公司") || strings.ReplaceAll(src.Text(), "甲公司", "乙公司") != same.Text() {
		t.Error("an unedited copy should be the source with the company renamed")
	}
	all := g.Copy(src, "乙公司", 1, true)
	if all.Text() == same.Text() {
		t.Error("a fully edited, reordered copy equals the source")
	}
}
