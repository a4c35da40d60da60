package filing

import (
	"encoding/json"
	"testing"
)

// FuzzInputApply decodes an arbitrary JSON body as the filing form and
// validates it: it must never panic, every problem names a field, and a
// phone that passes is stored normalised (digits, optional hyphens).
func FuzzInputApply(f *testing.F) {
	for _, s := range []string{
		`{"planned_resume_date":"2020-03-02","staff_total":10,"staff_onsite":5,"contact":{"name":"王","phone":"13812345678"}}`,
		`{"contact":{"phone":"+86 138-1234-5678"}}`, `{"contact":{"phone":"028-85551234转123"}}`, `{"contact":{"phone":"(028)85551234"}}`,
		`{"supplies":{"disinfectant_liters":1e308,"masks":-1}}`, `{"planned_resume_date":"2020-13-45"}`, `{"plan_text":"\u0000"}`,
		`{"contact":{"phone":"0285555"}}`, `{"staff_total":3,"staff_onsite":4}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in Input
		if json.Unmarshal(body, &in) != nil {
			return
		}
		var fl fields
		for _, d := range in.apply(&fl) {
			if d.Field == "" || d.Message == "" {
				t.Fatalf("a problem without field or message: %+v", d)
			}
		}
		for _, r := range fl.ContactPhone {
			if (r < '0' || r > '9') && r != '-' {
				t.Fatalf("stored phone %q is not normalised", fl.ContactPhone)
			}
		}
	})
}
