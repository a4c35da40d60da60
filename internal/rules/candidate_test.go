package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fugong/internal/apperror"
)

// shippedFiles returns the shipped rule files as LoadFiles takes them.
func shippedFiles(t *testing.T) []File {
	t.Helper()
	return mustLoad(t, shippedRules).Files
}

// TestLoadFiles counts candidate temp dirs, so it gives the process a temp
// directory of its own (which also keeps it out of t.Parallel): other tests
// and other test processes on the machine make candidates too.
func TestLoadFiles(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	ctx := context.Background()
	shipped := shippedFiles(t)
	tempDirs := func() int {
		m, _ := filepath.Glob(filepath.Join(os.TempDir(), "fugong-rules-candidate-*"))
		return len(m)
	}
	before := tempDirs()
	set, err := LoadFiles(ctx, shipped)
	if err != nil {
		t.Fatalf("shipped files as a candidate: %v", err)
	}
	if want := mustLoad(t, shippedRules); set.Version != want.Version || len(set.Rules) != len(want.Rules) {
		t.Errorf("candidate version %s with %d rules, want %s with %d (same files, same version)", set.Version, len(set.Rules), want.Version, len(want.Rules))
	}
	if set.Dir != "" {
		t.Errorf("candidate keeps the removed temp dir %q", set.Dir)
	}
	if after := tempDirs(); after != before {
		t.Errorf("%d candidate temp dirs before, %d after: one was left behind", before, after)
	}

	broken := `rules:
  - id: masks_low
    name: 口罩少
    severity: block
    when: filing.supplies.maskz < 10
    message: 口罩少 / few masks
`
	tests := []struct {
		name   string
		files  []File
		fields []string // Field of each detail, in order
		rows   []int    // Row of each detail (0: not checked)
	}{
		{"no files", nil, []string{"files"}, nil},
		{"path in name", []File{{Name: "../evil.yaml", Content: okRule}}, []string{"files[0].name"}, nil},
		{"not yaml", []File{{Name: "a.yml", Content: okRule}}, []string{"files[0].name"}, nil},
		{"hidden file", []File{{Name: ".a.yaml", Content: okRule}}, []string{"files[0].name"}, nil},
		{"duplicate name", []File{{Name: "a.yaml", Content: okRule}, {Name: "a.yaml", Content: okRule}}, []string{"files[1].name"}, nil},
		{"too large", []File{{Name: "a.yaml", Content: strings.Repeat("#", maxFileSize+1)}}, []string{"files[0].text"}, nil},
		{"unknown field in when", []File{{Name: "a.yaml", Content: okRule}, {Name: "b.yaml", Content: broken}}, []string{"b.yaml#masks_low"}, []int{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFiles(ctx, tt.files)
			ae := apperror.As(err)
			if ae == nil || ae.Code != apperror.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			if len(ae.Details) != len(tt.fields) {
				t.Fatalf("details = %+v, want fields %v", ae.Details, tt.fields)
			}
			for i, d := range ae.Details {
				if d.Field != tt.fields[i] {
					t.Errorf("detail %d field %q, want %q (%s)", i, d.Field, tt.fields[i], d.Message)
				}
				if tt.rows != nil && d.Row != tt.rows[i] {
					t.Errorf("detail %d row %d, want %d (%s)", i, d.Row, tt.rows[i], d.Message)
				}
			}
		})
	}
}
