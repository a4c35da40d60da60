package daily

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// Values are a report's answers by field key: int64 for integer fields,
// float64 for decimals, bool for yes/no, string for choices and text. A
// field not answered has no key.
type Values map[string]any

// Num returns the numeric value of key (0 when absent or not numeric), as
// rules and conditions read it.
func (v Values) Num(key string) float64 {
	switch x := v[key].(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// fieldPath is the name a detail gives a value: "values.KEY".
func fieldPath(key string) string { return "values." + key }

// maxUnknownDetails is how many unknown members of a values object are
// named in details; the rest are counted in one detail on "values".
const maxUnknownDetails = 10

// ParseValues checks raw answers (a JSON object's members) against the
// data set version ver and returns the typed values and every problem, one
// detail per field (field "values.KEY"): unknown keys, values of the wrong
// type or outside bounds (unknown keys named up to maxUnknownDetails, the
// rest counted in one detail "values"), missing required values and values a condition
// requires. JSON null is "not answered". It never panics on any input
// (FuzzParseValues).
func ParseValues(ver *Version, raw map[string]json.RawMessage) (Values, []apperror.Detail) {
	out := Values{}
	var d []apperror.Detail
	bad := func(key string, m msg.Message, args ...any) {
		d = append(d, apperror.FieldMsg(fieldPath(key), m, args...))
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // details in a stable order
	unknown := 0
	for _, k := range keys {
		f := ver.Field(k)
		if f == nil {
			// Named one by one only up to a few: a 1 MiB body of unknown
			// members would otherwise answer ~8 MB of details.
			if unknown++; unknown <= maxUnknownDetails {
				bad(k, msgUnknownField)
			}
			continue
		}
		r := bytes.TrimSpace(raw[k])
		if len(r) == 0 || string(r) == "null" {
			continue
		}
		switch f.Type {
		case TypeInteger:
			lo, hi := f.bounds()
			n, ok := integer(r)
			if !ok || float64(n) < lo || float64(n) > hi {
				bad(k, msgMustIntegerBetween, num(lo), num(hi))
				continue
			}
			out[k] = n
		case TypeDecimal:
			lo, hi := f.bounds()
			x, ok := decimal(r)
			if ok {
				p := math.Pow10(f.decimals())
				x = math.Round(x*p) / p
			}
			if !ok || x < lo || x > hi {
				bad(k, msgMustNumberBetween, num(lo), num(hi))
				continue
			}
			out[k] = x
		case TypeYesNo:
			var b bool
			if json.Unmarshal(r, &b) != nil {
				bad(k, msgMustYesNo)
				continue
			}
			out[k] = b
		case TypeChoice:
			var s string
			if json.Unmarshal(r, &s) != nil || !f.choice(strings.TrimSpace(s)) {
				vals := make(msg.List, len(f.Choices))
				for i, c := range f.Choices {
					vals[i] = c.Value
				}
				bad(k, msgMustOneOf, vals)
				continue
			}
			out[k] = strings.TrimSpace(s)
		case TypeText:
			var s string
			if json.Unmarshal(r, &s) != nil {
				bad(k, msgMustText)
				continue
			}
			s = strings.TrimSpace(s)
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				bad(k, msgInvalidCharacters)
				continue
			}
			if utf8.RuneCountInString(s) > f.maxLength() {
				bad(k, msgTextTooLong, f.maxLength())
				continue
			}
			if s != "" {
				out[k] = s
			}
		}
	}
	if unknown > maxUnknownDetails {
		d = append(d, apperror.FieldMsg("values", msgMoreUnknownFields, unknown-maxUnknownDetails))
	}
	for i := range ver.Fields {
		f := &ver.Fields[i]
		if _, ok := out[f.Key]; ok || hasDetail(d, fieldPath(f.Key)) {
			continue
		}
		if f.Required {
			bad(f.Key, msgRequired, f.Label)
			continue
		}
		if c := f.RequiredIf; c != nil {
			if _, given := out[c.Field]; given && c.holds(out.Num(c.Field)) {
				bad(f.Key, msgRequiredWhen, f.Label, ver.Field(c.Field).Label, c.Op, num(c.Value))
			}
		}
	}
	return out, d
}

func hasDetail(d []apperror.Detail, field string) bool {
	for _, x := range d {
		if x.Field == field {
			return true
		}
	}
	return false
}

// num prints a bound without a needless fraction.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// integer reads a JSON number that is a whole number (12 or 12.0).
func integer(r []byte) (int64, bool) {
	var n json.Number
	// json.Number also takes a quoted number; a value must be a number.
	if len(r) == 0 || r[0] == '"' || json.Unmarshal(r, &n) != nil {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(f), true
}

// decimal reads a finite JSON number.
func decimal(r []byte) (float64, bool) {
	var n json.Number
	if len(r) == 0 || r[0] == '"' || json.Unmarshal(r, &n) != nil {
		return 0, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// split separates the values into the stored JSON (fields that are not
// personal) and the personal ones, sealed apart.
func split(ver *Version, v Values) (public, personal Values) {
	public, personal = Values{}, Values{}
	for k, x := range v {
		if f := ver.Field(k); f != nil && f.Personal {
			personal[k] = x
		} else {
			public[k] = x
		}
	}
	return public, personal
}

// decodeStored reads values stored as JSON back into their types under ver
// (a stored integer comes back as int64, not float64).
func decodeStored(ver *Version, data []byte) (Values, error) {
	if len(data) == 0 {
		return Values{}, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	out := Values{}
	for k, r := range raw {
		f := ver.Field(k)
		typ := TypeText
		if f != nil {
			typ = f.Type
		}
		switch typ {
		case TypeInteger:
			if n, ok := integer(r); ok {
				out[k] = n
			}
		case TypeDecimal:
			if x, ok := decimal(r); ok {
				out[k] = x
			}
		case TypeYesNo:
			var b bool
			if json.Unmarshal(r, &b) == nil {
				out[k] = b
			}
		default:
			var s string
			if json.Unmarshal(r, &s) == nil {
				out[k] = s
			}
		}
	}
	return out, nil
}
