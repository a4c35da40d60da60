package report

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Form is one report form the grass roots (streets, villages) filled for a
// department before the reform (configs/reports.yaml, forms:). What became
// of it is configuration too: dropped, merged into another form, replaced
// by a department view (a view's replaces: names it), or still typed.
type Form struct {
	ID         string `yaml:"id" json:"id"`
	Department string `yaml:"department" json:"department"`
	Title      string `yaml:"title" json:"title"`
	Dropped    bool   `yaml:"dropped" json:"dropped,omitempty"`
	MergedInto string `yaml:"merged_into" json:"merged_into,omitempty"`
}

// Fates of a form.
const (
	FormDropped = "dropped" // no longer asked for
	FormMerged  = "merged"  // its items moved into another form
	FormShared  = "shared"  // a department view built from the reports replaces it
	FormTyped   = "typed"   // still typed by the grass roots
)

// formRefs is a view's replaces: one form id or a list of them.
type formRefs []string

// UnmarshalYAML accepts `replaces: f1` as well as `replaces: [f1, f2]`.
func (r *formRefs) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*r = formRefs{n.Value}
		return nil
	}
	var xs []string
	if err := n.Decode(&xs); err != nil {
		return err
	}
	*r = xs
	return nil
}

// FormCount is the forms of one department (or all) by fate.
type FormCount struct {
	Key     string `json:"key,omitempty"`
	Name    string `json:"name,omitempty"`
	Before  int    `json:"before"`
	Dropped int    `json:"dropped"`
	Merged  int    `json:"merged"`
	Shared  int    `json:"shared"`
	After   int    `json:"after"` // typed by the grass roots now
}

func (fc *FormCount) add(fate string) {
	fc.Before++
	switch fate {
	case FormDropped:
		fc.Dropped++
	case FormMerged:
		fc.Merged++
	case FormShared:
		fc.Shared++
	default:
		fc.After++
	}
}

// validateForms checks the forms catalogue and the views' replaces, and
// records each form's fate. Called by validate once the views are known.
func (c *Config) validateForms(errf func(int, string, ...any) error, li lineIndex) error {
	if len(c.Forms) > 0 && c.Dashboard.FormsBefore != 0 {
		return errf(li.dashboard, "dashboard.forms_before is computed from forms: remove it")
	}
	byID := map[string]*Form{}
	for i := range c.Forms {
		f := &c.Forms[i]
		line := at(li.forms, i)
		if !idPattern.MatchString(f.ID) {
			return errf(line, "form %d: id %q must be lowercase letters, digits, - or _", i+1, f.ID)
		}
		if _, dup := byID[f.ID]; dup {
			return errf(line, "form %q is declared twice", f.ID)
		}
		if _, ok := c.depts[f.Department]; !ok {
			return errf(line, "form %q: unknown department %q", f.ID, f.Department)
		}
		if f.Title == "" {
			return errf(line, "form %q: title is required", f.ID)
		}
		if f.Dropped && f.MergedInto != "" {
			return errf(line, "form %q is either dropped or merged, not both", f.ID)
		}
		byID[f.ID] = f
	}
	for i := range c.Forms {
		f := &c.Forms[i]
		if f.MergedInto == "" {
			continue
		}
		into, ok := byID[f.MergedInto]
		switch {
		case !ok:
			return errf(at(li.forms, i), "form %q: merged_into names no form (%q)", f.ID, f.MergedInto)
		case into.Dropped || into.MergedInto != "":
			return errf(at(li.forms, i), "form %q: merged into %q, which is itself dropped or merged", f.ID, f.MergedInto)
		}
	}
	c.replacedBy = map[string][]string{}
	for i := range c.Views {
		v := &c.Views[i]
		for _, id := range v.Replaces {
			f, ok := byID[id]
			switch {
			case !ok:
				return errf(at(li.views, i), "view %q replaces %q, which is not in forms", v.ID, id)
			case f.Dropped:
				return errf(at(li.views, i), "view %q replaces %q, which was dropped", v.ID, id)
			case f.MergedInto != "":
				return errf(at(li.views, i), "view %q replaces %q, which was merged into %q: replace that one", v.ID, id, f.MergedInto)
			}
			c.replacedBy[id] = append(c.replacedBy[id], v.ID)
		}
	}
	return nil
}

// FormFate returns what became of form f: dropped, merged, shared (a view
// replaces it) or typed.
func (c *Config) FormFate(f Form) string {
	switch {
	case f.Dropped:
		return FormDropped
	case f.MergedInto != "":
		return FormMerged
	case len(c.replacedBy[f.ID]) > 0:
		return FormShared
	default:
		return FormTyped
	}
}

// ReplacedBy returns the ids of the views that replace form id.
func (c *Config) ReplacedBy(id string) []string { return c.replacedBy[id] }

// formCounts counts the catalogue by fate, in all and per department (in
// the order departments are declared).
func (c *Config) formCounts() (FormCount, []FormCount) {
	var all FormCount
	per := make([]FormCount, len(c.Departments))
	idx := map[string]int{}
	for i, d := range c.Departments {
		per[i] = FormCount{Key: d.Key, Name: d.Name}
		idx[d.Key] = i
	}
	for _, f := range c.Forms {
		fate := c.FormFate(f)
		all.add(fate)
		per[idx[f.Department]].add(fate)
	}
	return all, per
}

// FormEntry is one form of the catalogue with its fate, for GET
// /report-forms.
type FormEntry struct {
	Form
	DepartmentName string   `json:"department_name"`
	Fate           string   `json:"fate"`
	ReplacedBy     []string `json:"replaced_by"`
}

// FormCatalogue returns every form of the configuration with its fate.
func (c *Config) FormCatalogue() []FormEntry {
	out := make([]FormEntry, 0, len(c.Forms))
	for _, f := range c.Forms {
		out = append(out, FormEntry{Form: f, DepartmentName: c.DepartmentName(f.Department), Fate: c.FormFate(f),
			ReplacedBy: append([]string{}, c.replacedBy[f.ID]...)})
	}
	return out
}

func (fc FormCount) String() string {
	return fmt.Sprintf("%d → %d (dropped %d, merged %d, shared %d)", fc.Before, fc.After, fc.Dropped, fc.Merged, fc.Shared)
}
