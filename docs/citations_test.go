package docs

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The repository is self-contained: what a file cites must be in the
// repository. These patterns are notes kept outside it (a sibling "shared"
// directory) or a cited design document that does not resolve to a file here.
var (
	outsideRepo = regexp.MustCompile(`/work/` + `shared|\.\./` + `shared\b|\bshared/[\w-]+\.md\b`)
	citedDoc    = regexp.MustCompile(`(?:^|[^\w./-])((?:[\w.-]+/)*(?:api|design|security|pitfalls)\.md)\b`)
)

// TestCitationsStayInsideTheRepo fails when a tracked file cites notes outside
// the repository, or names api.md, design.md, security.md or pitfalls.md
// where no such file exists relative to the citing file or to the root
// (docs/api.md from anywhere, api.md from inside docs/).
func TestCitationsStayInsideTheRepo(t *testing.T) {
	t.Parallel()
	root := ".."
	files := trackedFiles(t, root)
	if len(files) < 50 {
		t.Fatalf("found only %d files under %s; is this the repository?", len(files), root)
	}
	exists := map[string]bool{}
	for _, f := range files {
		exists[f] = true
	}
	self := "docs/citations_test.go"
	for _, f := range files {
		if f == self || strings.HasPrefix(f, "frontend/node_modules/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			continue // binary
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := outsideRepo.FindString(line); m != "" {
				t.Errorf("%s:%d cites %q, outside the repository: cite a file under docs/ instead", f, i+1, m)
			}
			for _, m := range citedDoc.FindAllStringSubmatch(line, -1) {
				ref := m[1]
				if exists[path.Clean(path.Join(path.Dir(f), ref))] || exists[path.Clean(ref)] {
					continue
				}
				t.Errorf("%s:%d cites %q, which is not a file in the repository (docs/api.md, docs/design.md, docs/security.md are)", f, i+1, ref)
			}
		}
	}
}

// trackedFiles lists the repository's files as slash paths relative to
// root: git's index when git is there, else every file outside .git.
func trackedFiles(t *testing.T, root string) []string {
	t.Helper()
	if git, err := exec.LookPath("git"); err == nil {
		cmd := exec.Command(git, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
		cmd.Dir = root
		if out, err := cmd.Output(); err == nil {
			var files []string
			for _, f := range strings.Split(string(out), "\x00") {
				if f != "" {
					if _, err := os.Stat(filepath.Join(root, f)); err == nil { // deleted but still indexed
						files = append(files, f)
					}
				}
			}
			return files
		}
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
