package daily_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"fugong/internal/daily"
	"fugong/internal/msg"
)

func TestDefaultDefinition(t *testing.T) {
	d := daily.DefaultDefinition()
	v := d.VersionOn("2020-02-12")
	for _, key := range []string{"staff_onsite", "returned_today", "returned_outside_province", "returned_hubei", "quarantine_home",
		"quarantine_central", "fever", "fever_handling", "red_code", "yellow_code", "masks", "disinfectant_liters", "thermometers",
		"disinfected", "canteen", "remarks"} {
		if v.Field(key) == nil {
			t.Errorf("default data set lacks %s", key)
		}
	}
	if f := v.Field("fever_handling"); f.RequiredIf == nil || f.RequiredIf.Field != "fever" {
		t.Errorf("fever_handling must be required when fever > 0: %+v", f)
	}
	if !v.Field("remarks").Personal {
		t.Error("remarks may name people: personal")
	}
	day, _ := daily.ParseDayForTest("2020-02-12")
	if got := d.DeadlineOf(day).UTC().Format("2006-01-02 15:04"); got != "2020-02-12 02:00" {
		t.Errorf("deadline 10:00 Shanghai is 02:00 UTC, got %s", got)
	}
}

func TestParseDefinitionErrors(t *testing.T) {
	head := "data_set: t\ntitle: {zh: 测, en: T}\ndefinitions:\n"
	field := func(s string) string {
		return head + "  - version: 1\n    from: \"2020-01-01\"\n    fields:\n      - " + s + "\n"
	}
	cases := []struct{ name, yaml, want string }{
		{"unknown key", head + "  - version: 1\n    from: \"2020-01-01\"\n    colour: red\n    fields: []\n", "colour"},
		{"no versions", "data_set: t\ntitle: {zh: 测, en: T}\n", "at least one version"},
		{"bad deadline", "data_set: t\ntitle: {zh: 测, en: T}\ndeadline: \"25:00\"\ndefinitions: []\n", "deadline"},
		{"bad type", field("{key: a, label: {zh: 甲, en: A}, type: float}"), `field "a": type`},
		{"label missing en", field("{key: a, label: {zh: 甲}, type: integer}"), "label needs zh and en"},
		{"unknown column", field("{key: a, label: {zh: 甲, en: A}, type: integer, column: nope}"), "not a column"},
		{"column of the wrong kind", field("{key: a, label: {zh: 甲, en: A}, type: text, column: masks}"), "cannot hold"},
		{"choice without choices", field("{key: a, label: {zh: 甲, en: A}, type: choice}"), "needs choices"},
		{"condition on a missing field", field("{key: a, label: {zh: 甲, en: A}, type: text, required_if: {field: b, op: \">\", value: 0}}"), "required_if names"},
		{"bad op", field("{key: a, label: {zh: 甲, en: A}, type: text, required_if: {field: b, op: \"~\", value: 0}}"), "required_if.op"},
		{"min above max", field("{key: a, label: {zh: 甲, en: A}, type: integer, min: 5, max: 1}"), "min must not exceed max"},
		{"personal column", field("{key: a, label: {zh: 甲, en: A}, type: integer, column: masks, personal: true}"), "personal"},
		{"key changes type", head + "  - version: 1\n    from: \"2020-01-01\"\n    fields:\n      - {key: a, label: {zh: 甲, en: A}, type: integer}\n" +
			"  - version: 2\n    from: \"2020-02-01\"\n    fields:\n      - {key: a, label: {zh: 甲, en: A}, type: text}\n", "changes its type"},
		{"versions out of order", head + "  - version: 1\n    from: \"2020-02-01\"\n    fields:\n      - {key: a, label: {zh: 甲, en: A}, type: integer}\n" +
			"  - version: 2\n    from: \"2020-01-01\"\n    fields:\n      - {key: a, label: {zh: 甲, en: A}, type: integer}\n", "must be after"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := daily.ParseDefinition("x.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.yaml") {
				t.Errorf("got %v, want an error naming the file and %q", err, c.want)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	v := daily.DefaultDefinition().VersionOn("2020-02-12")
	raw := func(s string) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	full := `"staff_onsite":3,"returned_today":0,"returned_outside_province":0,"returned_hubei":0,"quarantine_home":0,"quarantine_central":0,"red_code":0,"yellow_code":0,"masks":10,"disinfectant_liters":1,"thermometers":1,"disinfected":false,"canteen":"closed"`
	cases := []struct {
		name string
		in   string
		bad  map[string]string // field -> message code
	}{
		{"complete", `{` + full + `,"fever":0}`, nil},
		{"whole float is an integer", `{` + full + `,"fever":0.0}`, nil},
		{"null is not answered", `{` + full + `,"fever":null}`, map[string]string{"values.fever": "daily.required"}},
		{"fever needs handling", `{` + full + `,"fever":2}`, map[string]string{"values.fever_handling": "daily.required_when"}},
		{"fraction", `{` + full + `,"fever":0.5}`, map[string]string{"values.fever": "daily.must_integer_between"}},
		{"too big", `{` + full + `,"fever":10000001}`, map[string]string{"values.fever": "daily.must_integer_between"}},
		{"string number", `{` + full + `,"fever":"1"}`, map[string]string{"values.fever": "daily.must_integer_between"}},
		{"unknown choice", `{` + full + `,"fever":0,"fever_handling":"ignore"}`, map[string]string{"values.fever_handling": "daily.must_one_of"}},
		{"long remarks", `{` + full + `,"fever":0,"remarks":"` + strings.Repeat("字", 501) + `"}`, map[string]string{"values.remarks": "daily.text_too_long"}},
		{"a few unknown keys, each named", `{` + full + `,"fever":0,"x1":1,"x2":2}`, map[string]string{"values.x1": "daily.unknown_field", "values.x2": "daily.unknown_field"}},
		// Beyond ten, unknown keys are counted, not listed (a 1 MiB body of
		// them answered ~8 MB of details).
		{"many unknown keys, counted", `{` + full + `,"fever":0,` + unknownKeys(5000) + `}`, tenUnknown()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, d := daily.ParseValues(v, raw(c.in))
			got := map[string]string{}
			for _, x := range d {
				got[x.Field] = x.Text.Code()
			}
			if len(got) != len(c.bad) {
				t.Fatalf("details %v, want %v", got, c.bad)
			}
			for k, code := range c.bad {
				if got[k] != code {
					t.Errorf("%s: %q, want %q", k, got[k], code)
				}
			}
		})
	}
	// The condition's message names both fields in the reader's language.
	_, d := daily.ParseValues(v, raw(`{`+full+`,"fever":2}`))
	if en := d[0].Text.In(msg.EN); en != "Handling of fever cases is required when With fever > 0" {
		t.Errorf("english: %q", en)
	}
	if zh := d[0].Text.In(msg.ZH); zh != "发热人数 > 0 时须填写发热人员处置情况" {
		t.Errorf("chinese: %q", zh)
	}
}

// unknownKeys is n members "k0000":0 … of no field.
func unknownKeys(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%04d":0`, i)
	}
	return strings.Join(parts, ",")
}

// tenUnknown is the details of unknownKeys(5000): the first ten named, the
// rest counted on "values".
func tenUnknown() map[string]string {
	m := map[string]string{"values": "daily.more_unknown_fields"}
	for i := range 10 {
		m[fmt.Sprintf("values.k%04d", i)] = "daily.unknown_field"
	}
	return m
}

// FuzzParseValues: no input panics, and every value kept has its field's
// type.
func FuzzParseValues(f *testing.F) {
	f.Add([]byte(`{"staff_onsite":3,"fever":2,"fever_handling":"other","remarks":"x"}`))
	f.Add([]byte(`{"masks":1e400,"disinfectant_liters":-0,"disinfected":null,"canteen":7}`))
	f.Add([]byte(`{"staff_onsite":9223372036854775808,"remarks":"\u0000"}`))
	v := daily.DefaultDefinition().VersionOn("2020-02-12")
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw map[string]json.RawMessage
		if json.Unmarshal(data, &raw) != nil {
			return
		}
		vals, _ := daily.ParseValues(v, raw)
		for k, x := range vals {
			fd := v.Field(k)
			if fd == nil {
				t.Fatalf("kept unknown key %q", k)
			}
			ok := false
			switch x.(type) {
			case int64:
				ok = fd.Type == daily.TypeInteger
			case float64:
				ok = fd.Type == daily.TypeDecimal
			case bool:
				ok = fd.Type == daily.TypeYesNo
			case string:
				ok = fd.Type == daily.TypeChoice || fd.Type == daily.TypeText
			}
			if !ok {
				t.Fatalf("%s holds %T, type %s", k, x, fd.Type)
			}
		}
	})
}

// FuzzParseDefinition: no data set file makes the parser panic, and one it
// accepts has a version for every day.
func FuzzParseDefinition(f *testing.F) {
	f.Add([]byte(twoVersions))
	f.Add([]byte("data_set: t\ntitle: {zh: 测, en: T}\ndefinitions:\n  - version: 1\n    from: \"2020-01-01\"\n    fields:\n      - {key: a, label: {zh: 甲, en: A}, type: choice, choices: [{value: x, label: {zh: 叉, en: X}}], required_if: {field: a, op: \">\", value: 0}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := daily.ParseDefinition("f.yaml", data)
		if err != nil {
			return
		}
		if v := d.VersionOn("2020-02-12"); v == nil || len(v.Fields) == 0 {
			t.Fatalf("accepted a definition without fields: %+v", d)
		}
	})
}
