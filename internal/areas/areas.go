// Package areas owns the zones (片区) and streets (街道) of the park: their
// codes, Chinese names in simplified and traditional spelling, and which
// zone a street belongs to. The list is configuration (configs/areas.yaml);
// it is embedded (package configs) so tests and the binary work without
// the file.
package areas

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"fugong/configs"
	"fugong/internal/apperror"
)

// embedded is the built-in list, configs/areas.yaml.
var embedded = configs.AreasYAML

// Street is one street (街道) or town.
type Street struct {
	Code        string `yaml:"code" json:"code"`
	Name        string `yaml:"name" json:"name"`               // simplified Chinese
	Traditional string `yaml:"traditional" json:"traditional"` // traditional spelling
	Zone        string `yaml:"-" json:"zone"`                  // code of its zone, filled on load
}

// Zone is one zone (片区) and its streets.
type Zone struct {
	Code        string   `yaml:"code" json:"code"`
	Name        string   `yaml:"name" json:"name"`
	Traditional string   `yaml:"traditional" json:"traditional"`
	Streets     []Street `yaml:"streets" json:"streets"`
}

// Areas is a validated, read-only set of zones and streets; safe for
// concurrent use.
type Areas struct {
	Zones   []Zone `yaml:"zones"`
	streets map[string]Street
	zones   map[string]Zone
}

// Load reads and validates an areas file. It returns an error wrapping the
// file-system or YAML error, or Validate's error.
func Load(path string) (*Areas, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	a, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("areas: %s: %w", path, err)
	}
	return a, nil
}

// Parse decodes and validates areas YAML. It returns the YAML error or
// Validate's error.
func Parse(data []byte) (*Areas, error) {
	var a Areas
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

// Default returns the embedded copy of configs/areas.yaml. It panics only
// if that copy is invalid, which a test rules out.
func Default() *Areas {
	a, err := Parse(embedded)
	if err != nil {
		panic("areas: embedded areas.yaml: " + err.Error())
	}
	return a
}

// Validate checks that every zone and street has a lowercase ASCII code and
// both Chinese spellings, that no code or name is used twice, and that
// there is at least one zone with a street; it builds the lookup indexes.
// It returns an error naming the first problem.
func (a *Areas) Validate() error {
	if len(a.Zones) == 0 {
		return fmt.Errorf("no zones")
	}
	a.streets = make(map[string]Street)
	a.zones = make(map[string]Zone)
	seen := make(map[string]string)
	claim := func(key, what string) error {
		if key == "" {
			return nil
		}
		if prev, ok := seen[key]; ok && prev != what {
			return fmt.Errorf("%q is used by both %s and %s", key, prev, what)
		}
		seen[key] = what
		return nil
	}
	for zi := range a.Zones {
		z := &a.Zones[zi]
		if !isCode(z.Code) || z.Name == "" || z.Traditional == "" {
			return fmt.Errorf("zone %d: code (lowercase a-z), name and traditional are required", zi+1)
		}
		if len(z.Streets) == 0 {
			return fmt.Errorf("zone %s has no streets", z.Code)
		}
		for _, k := range []string{z.Code, z.Name, z.Traditional} {
			if err := claim(k, "zone "+z.Code); err != nil {
				return err
			}
		}
		for si := range z.Streets {
			s := &z.Streets[si]
			s.Zone = z.Code
			if !isCode(s.Code) || s.Name == "" || s.Traditional == "" {
				return fmt.Errorf("zone %s street %d: code (lowercase a-z), name and traditional are required", z.Code, si+1)
			}
			for _, k := range streetKeys(*s) {
				if err := claim(k, "street "+s.Code); err != nil {
					return err
				}
				a.streets[k] = *s
			}
		}
		for _, k := range []string{z.Code, z.Name, z.Traditional} {
			a.zones[k] = *z
		}
	}
	return nil
}

// streetKeys are the spellings a street is found by: its code, both names,
// and both names without the 街道 suffix ("芳草街" for 芳草街街道).
func streetKeys(s Street) []string {
	keys := []string{s.Code, s.Name, s.Traditional}
	for _, n := range []string{s.Name, s.Traditional} {
		if short := strings.TrimSuffix(n, "街道"); short != n && short != "" {
			keys = append(keys, short)
		}
	}
	return keys
}

func isCode(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// Street finds a street by code (case-insensitive) or Chinese name,
// simplified or traditional, with or without the 街道 suffix. ok is false
// when there is no such street.
func (a *Areas) Street(s string) (Street, bool) {
	s = strings.TrimSpace(s)
	if st, ok := a.streets[s]; ok {
		return st, true
	}
	st, ok := a.streets[strings.ToLower(s)]
	return st, ok
}

// Zone finds a zone by code (case-insensitive) or Chinese name. ok is
// false when there is no such zone.
func (a *Areas) Zone(s string) (Zone, bool) {
	s = strings.TrimSpace(s)
	if z, ok := a.zones[s]; ok {
		return z, true
	}
	z, ok := a.zones[strings.ToLower(s)]
	return z, ok
}

// ZoneOf returns the zone code of a street given by code or name; ok is
// false when the street is unknown.
func (a *Areas) ZoneOf(street string) (string, bool) {
	st, ok := a.Street(street)
	return st.Zone, ok
}

// Streets returns every street in file order.
func (a *Areas) Streets() []Street {
	var out []Street
	for _, z := range a.Zones {
		out = append(out, z.Streets...)
	}
	return out
}

// StreetCode resolves a street sent by a caller (a query filter or a body
// field), by code or name, to its code: "" stays "" (no street); an unknown
// street is apperror.Invalid with one detail on field. It is the one check
// of a street a caller typed.
func (a *Areas) StreetCode(field, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	st, ok := a.Street(s)
	if !ok {
		return "", apperror.WithText(apperror.Invalid, msgUnknownStreet.With(s),
			[]apperror.Detail{apperror.FieldMsg(field, msgUnknownStreetDetail)})
	}
	return st.Code, nil
}
