package areas

import (
	"strings"
	"testing"
)

func TestEmbeddedEqualsConfig(t *testing.T) {
	t.Parallel()
	if _, err := Load("../../configs/areas.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	a := Default()
	if len(a.Zones) != 3 || len(a.Streets()) != 16 {
		t.Fatalf("%d zones, %d streets; want 3 and 16", len(a.Zones), len(a.Streets()))
	}
	perZone := map[string]int{}
	for _, s := range a.Streets() {
		perZone[s.Zone]++
	}
	if perZone["south"] != 5 || perZone["west"] != 2 || perZone["east"] != 9 {
		t.Errorf("streets per zone %v", perZone)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	a := Default()
	tests := []struct {
		in, code, zone string
		ok             bool
	}{
		{"fangcaojie", "fangcaojie", "south", true},
		{" GUIXI ", "guixi", "south", true},
		{"西园街道", "xiyuan", "west", true},
		{"西園街道", "xiyuan", "west", true},
		{"賈家街道", "jiajia", "east", true},
		{"養馬", "yangma", "east", true},
		{"武庙", "wumiao", "east", true},
		{"石板凳街道", "shibandeng", "east", true},
		{"天府街道", "", "", false},
		{"", "", "", false},
		{"south", "", "", false},
	}
	for _, tt := range tests {
		s, ok := a.Street(tt.in)
		if ok != tt.ok || s.Code != tt.code || s.Zone != tt.zone {
			t.Errorf("Street(%q) = %+v %v, want %s in %s %v", tt.in, s, ok, tt.code, tt.zone, tt.ok)
		}
		if z, ok := a.ZoneOf(tt.in); ok != tt.ok || z != tt.zone {
			t.Errorf("ZoneOf(%q) = %q %v", tt.in, z, ok)
		}
	}
	for in, want := range map[string]string{"south": "south", "南区": "south", "南區": "south", "西区": "west", "東區": "east", "EAST": "east"} {
		if z, ok := a.Zone(in); !ok || z.Code != want {
			t.Errorf("Zone(%q) = %q %v, want %q", in, z.Code, ok, want)
		}
	}
	if _, ok := a.Zone("北区"); ok {
		t.Error("Zone(北区) found")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"empty":            "zones: []",
		"no streets":       "zones:\n  - {code: a, name: 甲, traditional: 甲}",
		"bad code":         "zones:\n  - {code: A1, name: 甲, traditional: 甲, streets: [{code: s, name: 乙, traditional: 乙}]}",
		"missing trad":     "zones:\n  - {code: a, name: 甲, traditional: 甲, streets: [{code: s, name: 乙}]}",
		"duplicate street": "zones:\n  - {code: a, name: 甲, traditional: 甲, streets: [{code: s, name: 乙, traditional: 乙}, {code: t, name: 乙, traditional: 丙}]}",
		"unknown field":    "zones:\n  - {code: a, nom: 甲}",
	}
	for name, y := range tests {
		if _, err := Parse([]byte(y)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Load("/nonexistent/areas.yaml"); err == nil || !strings.Contains(err.Error(), "areas") {
		t.Errorf("Load missing file: %v", err)
	}
}
