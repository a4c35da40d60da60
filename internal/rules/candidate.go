package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"fugong/internal/apperror"
)

// candidateName is what a candidate rule file may be called: a plain base
// name ending in .yaml, so nothing can be written outside the temp dir and
// no file is silently ignored by Load's *.yaml glob.
var candidateName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.yaml$`)

// LoadFiles compiles a candidate rule set given as whole files (for a
// backtest before the files go live): it writes them to a fresh temp dir,
// runs Load on it and removes the dir. The set is never activated. Bad
// names, duplicate names, too many or no files are an *apperror.Error with
// code Invalid and one Detail per problem, Field "files[i].name"; a set that
// does not compile is Load's Invalid error (Field "file#rule_id", Row the
// line, Column the column); a temp dir that cannot be written is Internal.
func LoadFiles(ctx context.Context, files []File) (*Set, error) {
	var details []apperror.Detail
	if len(files) == 0 {
		details = append(details, apperror.Detail{Field: "files", Message: "至少需要一个规则文件 / at least one rule file is required"})
	}
	if len(files) > maxFiles {
		details = append(details, apperror.Detail{Field: "files",
			Message: fmt.Sprintf("规则文件过多（%d 个，上限 %d）/ too many rule files (%d, limit %d)", len(files), maxFiles, len(files), maxFiles)})
	}
	seen := map[string]bool{}
	for i, f := range files {
		field := fmt.Sprintf("files[%d].name", i)
		switch {
		case !candidateName.MatchString(f.Name):
			details = append(details, apperror.Detail{Field: field,
				Message: fmt.Sprintf("文件名 %q 无效：应为不含路径、以 .yaml 结尾的文件名 / bad file name %q: a plain name ending in .yaml", f.Name, f.Name)})
		case seen[f.Name]:
			details = append(details, apperror.Detail{Field: field,
				Message: fmt.Sprintf("文件名 %q 重复 / file %q given twice", f.Name, f.Name)})
		case len(f.Content) > maxFileSize:
			details = append(details, apperror.Detail{Field: fmt.Sprintf("files[%d].text", i),
				Message: fmt.Sprintf("规则文件 %s 过大（上限 1 MiB）/ rule file %s too large (limit 1 MiB)", f.Name, f.Name)})
		}
		seen[f.Name] = true
	}
	if len(details) > 0 {
		return nil, apperror.WithDetails(apperror.Invalid, "候选规则文件无效 / invalid candidate rule files", details)
	}
	dir, err := os.MkdirTemp("", "fugong-rules-candidate-*")
	if err != nil {
		return nil, apperror.Wrap(err, apperror.Internal, "无法创建临时目录 / cannot create a temp dir")
	}
	defer os.RemoveAll(dir)
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), []byte(f.Content), 0o600); err != nil {
			return nil, apperror.Wrap(err, apperror.Internal, "无法写入临时规则文件 / cannot write a temp rule file")
		}
	}
	set, err := Load(ctx, dir)
	if err != nil {
		return nil, err
	}
	set.Dir = ""
	return set, nil
}
