package daily

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"fugong/configs"
	"fugong/internal/msg"
	"fugong/internal/parktime"
	"fugong/internal/store"
)

// Field types of a data set.
const (
	TypeInteger = "integer"
	TypeDecimal = "decimal"
	TypeYesNo   = "yesno"
	TypeChoice  = "choice"
	TypeText    = "text"
)

// maxCount bounds integers without stated bounds: far above any real
// enterprise, low enough that rule arithmetic cannot overflow (as filings).
const maxCount = 10_000_000

// Label is a text in both languages of the catalog, written in the data set
// file. It is a msg.Localizer, so a catalog message renders it in the
// reader's language.
type Label struct {
	ZH string `yaml:"zh" json:"zh"`
	EN string `yaml:"en" json:"en"`
}

// In renders the label in l (Chinese unless l is English).
func (lb Label) In(l msg.Lang) string {
	if l == msg.EN && lb.EN != "" {
		return lb.EN
	}
	return lb.ZH
}

// Choice is one allowed value of a choice field.
type Choice struct {
	Value string `yaml:"value" json:"value"`
	Label Label  `yaml:"label" json:"label"`
}

// Condition makes a field required when another numeric field compares to
// Value with Op (> >= < <= == !=).
type Condition struct {
	Field string  `yaml:"field" json:"field"`
	Op    string  `yaml:"op" json:"op"`
	Value float64 `yaml:"value" json:"value"`
}

// holds reports whether the condition holds for the value v of its field.
func (c Condition) holds(v float64) bool {
	switch c.Op {
	case ">":
		return v > c.Value
	case ">=":
		return v >= c.Value
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case "==":
		return v == c.Value
	case "!=":
		return v != c.Value
	}
	return false
}

// Field is one field of a data set version.
type Field struct {
	Key        string     `yaml:"key" json:"key"`
	Label      Label      `yaml:"label" json:"label"`
	Type       string     `yaml:"type" json:"type"`
	Unit       *Label     `yaml:"unit" json:"unit,omitempty"`
	Required   bool       `yaml:"required" json:"required"`
	RequiredIf *Condition `yaml:"required_if" json:"required_if,omitempty"`
	Min        *float64   `yaml:"min" json:"min,omitempty"`
	Max        *float64   `yaml:"max" json:"max,omitempty"`
	Decimals   *int       `yaml:"decimals" json:"decimals,omitempty"`
	Choices    []Choice   `yaml:"choices" json:"choices,omitempty"`
	MaxLength  int        `yaml:"max_length" json:"max_length,omitempty"`
	Column     string     `yaml:"column" json:"column,omitempty"`
	Personal   bool       `yaml:"personal" json:"personal"`
	CarryOver  *bool      `yaml:"carry_over" json:"carry_over"`
}

// carries reports whether "copy yesterday's values" copies the field.
func (f *Field) carries() bool { return f.CarryOver == nil || *f.CarryOver }

func (f *Field) bounds() (lo, hi float64) {
	lo, hi = 0, maxCount
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	return lo, hi
}

func (f *Field) decimals() int {
	if f.Decimals == nil {
		return 2
	}
	return *f.Decimals
}

func (f *Field) maxLength() int {
	if f.MaxLength <= 0 {
		return 500
	}
	return f.MaxLength
}

func (f *Field) choice(v string) bool {
	return slices.ContainsFunc(f.Choices, func(c Choice) bool { return c.Value == v })
}

// Version is one version of the data set's fields, in force from From (a
// day, YYYY-MM-DD) until the next version's From.
type Version struct {
	Version int     `yaml:"version" json:"version"`
	From    string  `yaml:"from" json:"from"`
	Fields  []Field `yaml:"fields" json:"fields"`

	byKey map[string]*Field
}

// Field returns the field of key, or nil.
func (v *Version) Field(key string) *Field { return v.byKey[key] }

// Expected states who must report on a day.
type Expected struct {
	// FromDaysAfterApproval is how many days after its first approval (or
	// its reported resumption, if earlier) an enterprise first reports: 1
	// is "from the day after approval".
	FromDaysAfterApproval int `yaml:"from_days_after_approval" json:"from_days_after_approval"`
}

// Definition is a validated data set (configs/daily.yaml): its versions,
// deadline and who reports. Read-only after loading; safe for concurrent use.
type Definition struct {
	DataSet        string    `yaml:"data_set" json:"data_set"`
	Title          Label     `yaml:"title" json:"title"`
	Deadline       string    `yaml:"deadline" json:"deadline"` // HH:MM, Asia/Shanghai
	LateWindowDays int       `yaml:"late_window_days" json:"late_window_days"`
	Expected       Expected  `yaml:"expected" json:"expected"`
	Versions       []Version `yaml:"definitions" json:"definitions"`

	deadline time.Duration // after midnight, park time
}

// DefaultDefinition returns the embedded copy of configs/daily.yaml. It
// panics only if that copy is invalid, which a test rules out.
func DefaultDefinition() *Definition {
	d, err := ParseDefinition("daily.yaml", configs.DailyYAML)
	if err != nil {
		panic("daily: embedded daily.yaml: " + err.Error())
	}
	return d
}

// LoadDefinition reads and validates a data set file. The error names the
// file and, where it can, the line.
func LoadDefinition(path string) (*Definition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("daily: %w", err)
	}
	return ParseDefinition(path, data)
}

var (
	yamlLine    = regexp.MustCompile(`line (\d+)`)
	keyPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	clockFormat = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// ParseDefinition decodes and validates a data set; name is used in error
// messages, which read "name:LINE: problem" (LINE is that of the version or
// field at fault, 0 when unknown). Unknown keys, bad types, bounds,
// conditions or columns, duplicate keys, versions out of order and a key
// whose type or column changes between versions are errors.
func ParseDefinition(name string, data []byte) (*Definition, error) {
	var d Definition
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %w", name, m[1], err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	vLines, fLines := fieldLines(&root)
	if err := d.validate(name, vLines, fLines); err != nil {
		return nil, err
	}
	return &d, nil
}

// fieldLines returns the line of each version and of each of its fields.
func fieldLines(root *yaml.Node) (versions []int, fields [][]int) {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil, nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "definitions" {
			continue
		}
		for _, v := range m.Content[i+1].Content {
			versions = append(versions, v.Line)
			var fl []int
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value == "fields" {
					for _, f := range v.Content[j+1].Content {
						fl = append(fl, f.Line)
					}
				}
			}
			fields = append(fields, fl)
		}
	}
	return versions, fields
}

func at(xs []int, i int) int {
	if i < len(xs) {
		return xs[i]
	}
	return 0
}

func (d *Definition) validate(name string, vLines []int, fLines [][]int) error {
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	if !keyPattern.MatchString(d.DataSet) {
		return errf(0, "data_set %q must be a lowercase identifier", d.DataSet)
	}
	if d.Title.ZH == "" || d.Title.EN == "" {
		return errf(0, "title needs zh and en")
	}
	if d.Deadline == "" {
		d.Deadline = "10:00"
	}
	if !clockFormat.MatchString(d.Deadline) {
		return errf(0, "deadline %q is not HH:MM", d.Deadline)
	}
	h, _ := strconv.Atoi(d.Deadline[:2])
	mi, _ := strconv.Atoi(d.Deadline[3:])
	d.deadline = time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute
	if d.LateWindowDays < 0 || d.LateWindowDays > 366 {
		return errf(0, "late_window_days must be 0 to 366")
	}
	if d.Expected.FromDaysAfterApproval < 0 || d.Expected.FromDaysAfterApproval > 30 {
		return errf(0, "expected.from_days_after_approval must be 0 to 30")
	}
	if len(d.Versions) == 0 {
		return errf(0, "definitions: at least one version is required")
	}
	seen := map[string]*Field{} // key -> its first definition, across versions
	for i := range d.Versions {
		v := &d.Versions[i]
		line := at(vLines, i)
		if v.Version != i+1 {
			return errf(line, "definitions: version %d must be %d (numbered from 1, in order)", v.Version, i+1)
		}
		if _, err := time.Parse(time.DateOnly, v.From); err != nil {
			return errf(line, "version %d: from %q is not YYYY-MM-DD", v.Version, v.From)
		}
		if i > 0 && v.From <= d.Versions[i-1].From {
			return errf(line, "version %d: from %s must be after version %d's %s", v.Version, v.From, i, d.Versions[i-1].From)
		}
		if len(v.Fields) == 0 {
			return errf(line, "version %d has no fields", v.Version)
		}
		v.byKey = map[string]*Field{}
		columns := map[string]string{}
		for j := range v.Fields {
			f := &v.Fields[j]
			fl := at(at2(fLines, i), j)
			if err := f.validate(); err != nil {
				return errf(fl, "field %q: %s", f.Key, err)
			}
			if v.byKey[f.Key] != nil {
				return errf(fl, "field %q appears twice", f.Key)
			}
			if f.Column != "" {
				if other, ok := columns[f.Column]; ok {
					return errf(fl, "field %q: column %s is already %q's", f.Key, f.Column, other)
				}
				columns[f.Column] = f.Key
			}
			v.byKey[f.Key] = f
			if old := seen[f.Key]; old != nil && (old.Type != f.Type || old.Column != f.Column || old.Personal != f.Personal) {
				return errf(fl, "field %q changes its type, column or personal flag from an earlier version; use a new key", f.Key)
			} else if old == nil {
				seen[f.Key] = f
			}
		}
		for j := range v.Fields {
			f := &v.Fields[j]
			if c := f.RequiredIf; c != nil {
				other := v.byKey[c.Field]
				if other == nil || (other.Type != TypeInteger && other.Type != TypeDecimal) || other.Key == f.Key {
					return errf(at(at2(fLines, i), j), "field %q: required_if names %q, which is not another numeric field of this version", f.Key, c.Field)
				}
			}
		}
	}
	return nil
}

func at2(xs [][]int, i int) []int {
	if i < len(xs) {
		return xs[i]
	}
	return nil
}

func (f *Field) validate() error {
	if !keyPattern.MatchString(f.Key) {
		return fmt.Errorf("key must be a lowercase identifier")
	}
	if f.Label.ZH == "" || f.Label.EN == "" {
		return fmt.Errorf("label needs zh and en")
	}
	if f.Unit != nil && (f.Unit.ZH == "" || f.Unit.EN == "") {
		return fmt.Errorf("unit needs zh and en")
	}
	numeric := f.Type == TypeInteger || f.Type == TypeDecimal
	switch f.Type {
	case TypeInteger, TypeDecimal, TypeYesNo, TypeChoice, TypeText:
	default:
		return fmt.Errorf("type %q is not integer, decimal, yesno, choice or text", f.Type)
	}
	if (f.Min != nil || f.Max != nil) && !numeric {
		return fmt.Errorf("min and max apply to integer and decimal fields only")
	}
	if lo, hi := f.bounds(); lo > hi || lo < -maxCount*100 || hi > maxCount*100 || math.IsNaN(lo) || math.IsNaN(hi) {
		return fmt.Errorf("min must not exceed max and both lie within ±1e9")
	}
	if f.Decimals != nil && (f.Type != TypeDecimal || *f.Decimals < 0 || *f.Decimals > 6) {
		return fmt.Errorf("decimals applies to decimal fields, 0 to 6")
	}
	if f.Type == TypeChoice {
		if len(f.Choices) == 0 {
			return fmt.Errorf("a choice field needs choices")
		}
		vals := map[string]bool{}
		for _, c := range f.Choices {
			if !keyPattern.MatchString(c.Value) || c.Label.ZH == "" || c.Label.EN == "" || vals[c.Value] {
				return fmt.Errorf("choice %q: a unique lowercase value and a zh and en label are required", c.Value)
			}
			vals[c.Value] = true
		}
	} else if len(f.Choices) > 0 {
		return fmt.Errorf("choices apply to choice fields only")
	}
	if f.MaxLength != 0 && (f.Type != TypeText || f.MaxLength < 1 || f.MaxLength > 10_000) {
		return fmt.Errorf("max_length applies to text fields, 1 to 10000")
	}
	if c := f.RequiredIf; c != nil {
		switch c.Op {
		case ">", ">=", "<", "<=", "==", "!=":
		default:
			return fmt.Errorf("required_if.op %q is not one of > >= < <= == !=", c.Op)
		}
	}
	if f.Column != "" {
		kind, ok := store.DailyColumns[f.Column]
		if !ok {
			return fmt.Errorf("column %q is not a column of daily_reports (%s)", f.Column, strings.Join(columnNames(), ", "))
		}
		if !kind.Holds(f.Type) {
			return fmt.Errorf("column %q cannot hold a %s", f.Column, f.Type)
		}
		if f.Personal {
			return fmt.Errorf("a personal field is encrypted and cannot have a column")
		}
	}
	return nil
}

func columnNames() []string {
	out := make([]string, 0, len(store.DailyColumns))
	for k := range store.DailyColumns {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// VersionOn returns the version in force on day (YYYY-MM-DD): the last one
// whose From is on or before it, or the first version for days before any.
func (d *Definition) VersionOn(day string) *Version {
	v := &d.Versions[0]
	for i := range d.Versions {
		if d.Versions[i].From <= day {
			v = &d.Versions[i]
		}
	}
	return v
}

// VersionNumbered returns version n, or nil.
func (d *Definition) VersionNumbered(n int) *Version {
	if n < 1 || n > len(d.Versions) {
		return nil
	}
	return &d.Versions[n-1]
}

// DeadlineOf returns the instant a report of day is due (day at the
// deadline, park time).
func (d *Definition) DeadlineOf(day time.Time) time.Time {
	y, m, dd := day.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, parktime.Location).Add(d.deadline)
}

// Today returns the park's civil day at t, as YYYY-MM-DD.
func Today(t time.Time) string { return parktime.In(t).Format(time.DateOnly) }
