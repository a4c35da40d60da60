package export

import (
	"bytes"
	"testing"
)

func TestCSVStartsWithBOMAndNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSV(&buf)
	w.Write([]string{"name", "note"})
	w.Write([]string{"=HYPERLINK(\"http://x\")", "+1", "-2", "@a", "\tx", "plain", ""})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFname,note\n\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@a,'\tx,plain,\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
	var empty bytes.Buffer
	if err := NewCSV(&empty).Flush(); err != nil || empty.String() != BOM {
		t.Errorf("an empty table: %q %v", empty.String(), err)
	}
}
