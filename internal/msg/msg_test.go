package msg

import "testing"

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		header string
		want   Lang
	}{
		{"", ZH},
		{"zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"en-US,en;q=0.9", EN},
		{"en", EN},
		{"en-GB;q=0.5,zh-TW;q=0.9", ZH},
		{"fr-FR", ZH},
		{"fr-FR,en;q=0.3", EN},
		{";;;garbage", ZH},
	} {
		if got := Negotiate(tc.header); got != tc.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}

func TestRenderNested(t *testing.T) {
	t.Parallel()
	col := New("test.col_name", "姓名", "name")
	missing := New("test.missing", "缺少必填列：%s", "missing required columns: %s")
	row := New("test.row", "第 %d 行：%s", "row %d: %s")
	txt := row.With(3, missing.With(List{col, "身份证号"}))
	if got := txt.In(ZH); got != "第 3 行：缺少必填列：姓名、身份证号" {
		t.Errorf("zh: %q", got)
	}
	if got := txt.In(EN); got != "row 3: missing required columns: name, 身份证号" {
		t.Errorf("en: %q", got)
	}
	if txt.Code() != "test.row" || (Text{}).IsZero() != true || txt.IsZero() {
		t.Errorf("code/zero: %q", txt.Code())
	}
}

func TestNewPanicsOnMissingLanguage(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("New without English did not panic")
		}
	}()
	New("test.half", "只有中文", "")
}
