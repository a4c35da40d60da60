package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestGoModRequiresOnlyWhatTheBinaryLinks: every module the main go.mod
// requires provides a package that the fugong binary links. Test-only peers
// (cel-go for the rule-engine comparison) belong to the bench/ module.
func TestGoModRequiresOnlyWhatTheBinaryLinks(t *testing.T) {
	t.Parallel()
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no go command on PATH under CI=true")
		}
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	linked := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		linked[m] = true
	}
	f, err := os.Open("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		var mod string
		switch {
		case line == "require (":
			inBlock = true
		case inBlock && line == ")":
			inBlock = false
		case inBlock && line != "" && !strings.HasPrefix(line, "//"):
			mod = strings.Fields(line)[0]
		case strings.HasPrefix(line, "require "):
			mod = strings.Fields(line)[1]
		}
		if mod != "" && !linked[mod] {
			t.Errorf("go.mod requires %s, which the fugong binary does not link: move its user to bench/ (or drop it) and run go mod tidy", mod)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
