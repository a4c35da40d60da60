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
	return LoadFilesKind(ctx, KindFiling, files)
}

// LoadFilesKind is LoadFiles for a candidate set of kind.
func LoadFilesKind(ctx context.Context, kind Kind, files []File) (*Set, error) {
	var details []apperror.Detail
	if len(files) == 0 {
		details = append(details, apperror.FieldMsg("files", msgLeastOneRuleFileRequired))
	}
	if len(files) > maxFiles {
		details = append(details, apperror.FieldMsg("files", msgTooManyFiles, len(files), maxFiles))
	}
	seen := map[string]bool{}
	for i, f := range files {
		field := fmt.Sprintf("files[%d].name", i)
		switch {
		case !candidateName.MatchString(f.Name):
			details = append(details, apperror.FieldMsg(field, msgBadFileName, f.Name))
		case seen[f.Name]:
			details = append(details, apperror.FieldMsg(field, msgFileGivenTwice, f.Name))
		case len(f.Content) > maxFileSize:
			details = append(details, apperror.FieldMsg(fmt.Sprintf("files[%d].text", i), msgFileTooLarge, f.Name))
		}
		seen[f.Name] = true
	}
	if len(details) > 0 {
		return nil, apperror.WithText(apperror.Invalid, msgInvalidCandidateRuleFiles.With(), details)
	}
	dir, err := os.MkdirTemp("", "fugong-rules-candidate-*")
	if err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotCreateTempDir)
	}
	defer os.RemoveAll(dir)
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), []byte(f.Content), 0o600); err != nil {
			return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotWriteTempRuleFile)
		}
	}
	set, err := LoadKind(ctx, kind, dir)
	if err != nil {
		return nil, err
	}
	set.Dir = ""
	return set, nil
}
