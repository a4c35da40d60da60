package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"gopkg.in/yaml.v3"

	"fugong/configs"
)

// embedded is the built-in configuration, configs/reports.yaml.
var embedded = configs.ReportsYAML

// Config is a validated report configuration (configs/reports.yaml): the
// dashboard's settings and the department report views. Read-only after
// loading; safe for concurrent use.
type Config struct {
	Dashboard   DashboardConfig `yaml:"dashboard"`
	Departments []Department    `yaml:"departments"`
	Views       []View          `yaml:"views"`
	// Forms is the catalogue of the forms the grass roots filled before the
	// reform; the dashboard's 「报表精简」 figure is computed from it.
	Forms []Form `yaml:"forms"`

	deadline    time.Time // end of Dashboard.OnTimeDeadline, exclusive, UTC
	depts       map[string]Department
	views       map[string]*View
	replacedBy  map[string][]string   // form id -> ids of the views that replace it
	dailyFields map[string]DailyField // the daily data set, once BindDaily ran
	name        string                // the file, for errors found after parsing
	lines       lineIndex
}

// DashboardConfig holds the sector dashboard's settings.
type DashboardConfig struct {
	OnTimeDeadline string `yaml:"on_time_deadline"` // YYYY-MM-DD, Asia/Shanghai
	// FormsBefore is the number of forms the streets filled before the
	// reform, for configurations without a forms catalogue (then the forms
	// after are the number of views); with forms: it must be absent.
	FormsBefore int `yaml:"forms_before"`
}

// Department is a department (部门) that reads report views.
type Department struct {
	Key  string `yaml:"key" json:"key"`
	Name string `yaml:"name" json:"name"`
}

// View is one department report view: a filter over enterprises and their
// latest filing, an optional grouping, and the columns to show.
type View struct {
	ID          string   `yaml:"id" json:"id"`
	Department  string   `yaml:"department" json:"department"`
	Title       string   `yaml:"title" json:"title"`
	Description string   `yaml:"description" json:"description,omitempty"`
	Filter      Filter   `yaml:"filter" json:"filter"`
	GroupBy     string   `yaml:"group_by" json:"group_by,omitempty"`
	Columns     []Column `yaml:"columns" json:"-"`
	// Source is what the view is built from: "filings" (the default: each
	// enterprise's latest filing) or "daily" (the daily reports of one day,
	// chosen by the date parameter).
	Source string `yaml:"source" json:"source,omitempty"`
	// Replaces names the old forms (Forms) this view replaces.
	Replaces formRefs `yaml:"replaces" json:"replaces,omitempty"`
}

// Filter narrows a view: a dashboard population key and the statuses of the
// enterprise's latest filing (empty = every enterprise of the population,
// with or without a filing).
type Filter struct {
	Population string   `yaml:"population" json:"population,omitempty"`
	Status     []string `yaml:"status" json:"status,omitempty"`
}

// Column is one column of a view: a field (enterprise-level views) or an
// aggregate over a field (grouped views).
type Column struct {
	Field string `yaml:"field"`
	Agg   string `yaml:"agg"`
	Title string `yaml:"title"`
}

// Default returns the embedded copy of configs/reports.yaml. It panics only
// if that copy is invalid, which a test rules out.
func Default() *Config {
	c, err := Parse("reports.yaml", embedded)
	if err != nil {
		panic("report: embedded reports.yaml: " + err.Error())
	}
	return c
}

// Load reads and validates a report configuration file. The error names
// the file and, for definition errors, the line.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return Parse(path, data)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// Parse decodes and validates report configuration YAML; name is used in
// error messages, which read "name:LINE: problem". Unknown keys, unknown
// column fields, aggregates, filters and group keys, duplicate ids and
// views of undeclared departments are errors.
func Parse(name string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %w", name, m[1], err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.validate(name, lines(&root)); err != nil {
		return nil, err
	}
	return &c, nil
}

// lineIndex holds the line of each view and column.
type lineIndex struct {
	dashboard int
	views     []int
	columns   [][]int
	forms     []int
}

func lines(root *yaml.Node) lineIndex {
	var li lineIndex
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return li
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case "dashboard":
			li.dashboard = m.Content[i].Line
		case "forms":
			for _, f := range m.Content[i+1].Content {
				li.forms = append(li.forms, f.Line)
			}
		case "views":
			for _, v := range m.Content[i+1].Content {
				li.views = append(li.views, v.Line)
				var cols []int
				for j := 0; j+1 < len(v.Content); j += 2 {
					if v.Content[j].Value == "columns" {
						for _, col := range v.Content[j+1].Content {
							cols = append(cols, col.Line)
						}
					}
				}
				li.columns = append(li.columns, cols)
			}
		}
	}
	return li
}

func at(xs []int, i int) int {
	if i < len(xs) {
		return xs[i]
	}
	return 0
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

func (c *Config) validate(name string, li lineIndex) error {
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	d, err := time.ParseInLocation(time.DateOnly, c.Dashboard.OnTimeDeadline, Shanghai)
	if err != nil {
		return errf(li.dashboard, "dashboard.on_time_deadline %q is not a YYYY-MM-DD date", c.Dashboard.OnTimeDeadline)
	}
	c.deadline = d.AddDate(0, 0, 1).UTC()
	if c.Dashboard.FormsBefore < 0 {
		return errf(li.dashboard, "dashboard.forms_before must not be negative")
	}
	c.depts = map[string]Department{}
	for _, dp := range c.Departments {
		if !idPattern.MatchString(dp.Key) || dp.Name == "" {
			return errf(0, "department %q: key (lowercase) and name are required", dp.Key)
		}
		c.depts[dp.Key] = dp
	}
	c.views = map[string]*View{}
	for i := range c.Views {
		v := &c.Views[i]
		line := at(li.views, i)
		if !idPattern.MatchString(v.ID) {
			return errf(line, "view %d: id %q must be lowercase letters, digits, - or _", i+1, v.ID)
		}
		if _, dup := c.views[v.ID]; dup {
			return errf(line, "view %q is declared twice", v.ID)
		}
		if _, ok := c.depts[v.Department]; !ok {
			return errf(line, "view %q: unknown department %q", v.ID, v.Department)
		}
		if v.Title == "" {
			return errf(line, "view %q: title is required", v.ID)
		}
		if v.Filter.Population != "" {
			if _, ok := populationByKey(v.Filter.Population); !ok {
				return errf(line, "view %q: unknown population %q", v.ID, v.Filter.Population)
			}
		}
		for _, st := range v.Filter.Status {
			if !validStatus[st] {
				return errf(line, "view %q: unknown status %q", v.ID, st)
			}
		}
		if v.GroupBy != "" && !validGroup[v.GroupBy] {
			return errf(line, "view %q: unknown group_by %q (street, zone or sector)", v.ID, v.GroupBy)
		}
		if len(v.Columns) == 0 {
			return errf(line, "view %q: no columns", v.ID)
		}
		switch v.Source {
		case "", SourceFilings:
			v.Source = SourceFilings
			for j, col := range v.Columns {
				if err := checkColumn(v.GroupBy != "", col); err != nil {
					return errf(at(at2(li.columns, i), j), "view %q column %d: %v", v.ID, j+1, err)
				}
			}
		case SourceDaily:
			if len(v.Filter.Status) > 0 {
				return errf(line, "view %q: a daily view has no status filter (it counts the expected reporters of the day)", v.ID)
			}
			if v.GroupBy == "zone" {
				return errf(line, "view %q: a daily view groups by street or sector", v.ID)
			}
			for j, col := range v.Columns {
				// Fields of the daily data set are checked against it by BindDaily.
				if err := checkDailyColumn(v.GroupBy != "", col, nil); err != nil {
					return errf(at(at2(li.columns, i), j), "view %q column %d: %v", v.ID, j+1, err)
				}
			}
		default:
			return errf(line, "view %q: unknown source %q (filings or daily)", v.ID, v.Source)
		}
		c.views[v.ID] = v
	}
	c.name, c.lines = name, li
	return c.validateForms(errf, li)
}

func at2(xs [][]int, i int) []int {
	if i < len(xs) {
		return xs[i]
	}
	return nil
}

var validStatus = map[string]bool{"draft": true, "submitted": true, "approved": true, "returned": true, "rejected": true}
var validGroup = map[string]bool{"street": true, "zone": true, "sector": true}

func checkColumn(grouped bool, col Column) error {
	if col.Title == "" {
		return errors.New("title is required")
	}
	if !grouped {
		if col.Agg != "" {
			return fmt.Errorf("agg %q needs group_by", col.Agg)
		}
		if _, ok := fields[col.Field]; !ok {
			return fmt.Errorf("unknown column field %q", col.Field)
		}
		return nil
	}
	switch col.Agg {
	case "":
		if col.Field != "group" {
			return fmt.Errorf("a grouped view's column is the group or an aggregate, not field %q", col.Field)
		}
	case "count", "rate":
		if col.Field == "" && col.Agg == "count" {
			return nil
		}
		if f, ok := fields[col.Field]; !ok || f.kind != kindBool {
			return fmt.Errorf("%s needs a yes/no field, not %q", col.Agg, col.Field)
		}
	case "sum":
		if f, ok := fields[col.Field]; !ok || (f.kind != kindInt && f.kind != kindFloat) {
			return fmt.Errorf("sum needs a number field, not %q", col.Field)
		}
	default:
		return fmt.Errorf("unknown agg %q (count, rate or sum)", col.Agg)
	}
	return nil
}

// Deadline returns the end (exclusive, UTC) of the on-time deadline day.
func (c *Config) Deadline() time.Time { return c.deadline }

// View returns the view with id; ok is false when there is none.
func (c *Config) View(id string) (*View, bool) {
	v, ok := c.views[id]
	return v, ok
}

// DepartmentName returns the name of department key, or key itself.
func (c *Config) DepartmentName(key string) string {
	if d, ok := c.depts[key]; ok {
		return d.Name
	}
	return key
}
