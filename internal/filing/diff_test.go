package filing

import (
	"reflect"
	"testing"
)

func TestDiffLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b []string
		want []LineOp
	}{
		{nil, nil, []LineOp{}},
		{[]string{"x"}, nil, []LineOp{{"-", "x"}}},
		{nil, []string{"y"}, []LineOp{{"+", "y"}}},
		{[]string{"一", "二", "三"}, []string{"一", "三"}, []LineOp{{"=", "一"}, {"-", "二"}, {"=", "三"}}},
		{[]string{"一", "三"}, []string{"一", "二", "三"}, []LineOp{{"=", "一"}, {"+", "二"}, {"=", "三"}}},
		{[]string{"a", "b"}, []string{"c", "d"}, []LineOp{{"-", "a"}, {"-", "b"}, {"+", "c"}, {"+", "d"}}},
	}
	for _, c := range cases {
		if got := diffLines(c.a, c.b); !reflect.DeepEqual(got, c.want) {
			t.Errorf("diff(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestSplitLinesCaps(t *testing.T) {
	t.Parallel()
	long := make([]byte, 0, 3*maxDiffLines)
	for i := 0; i < maxDiffLines+10; i++ {
		long = append(long, 'x', '\n')
	}
	if n := len(splitLines(string(long))); n != maxDiffLines {
		t.Fatalf("%d lines kept", n)
	}
}
