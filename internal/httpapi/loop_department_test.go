package httpapi_test

import (
	"fmt"
	"testing"
)

// A finding against a department (the article's 35 report forms were the
// departments' problem): the department sees and answers it, nobody else
// of the tenants does, and a street official may not raise it.
func TestFindingAgainstADepartment(t *testing.T) {
	a := mustAPI(t, "sqlite")
	insp, dept, off, ent := a.login("inspector"), a.login("dept"), a.login("street-guixi"), a.login("ent-guixi")
	body := map[string]any{"target": map[string]any{"kind": "department", "ref": "jingji"}, "title": "要求基层重复报送统计表",
		"deadline": "2020-02-27"}
	if r := a.do(off, "POST", "/api/v1/problems", body); r.status != 403 {
		t.Fatalf("street official against a department: %d %s", r.status, r.body)
	}
	var f finding
	if r := a.do(insp, "POST", "/api/v1/problems", body); r.status != 201 {
		t.Fatalf("finding: %d %s", r.status, r.body)
	} else {
		r.json(t, &f)
	}
	if ps := a.problems(dept, ""); ps.Total != 1 || ps.Items[0].ID != f.ID || ps.Items[0].Target.Ref != "jingji" {
		t.Fatalf("department's problems: %+v", ps.Items)
	}
	for _, s := range []*session{off, ent} {
		if r := a.do(s, "GET", fmt.Sprintf("/api/v1/problems/%d", f.ID), nil); r.status != 404 {
			t.Fatalf("a tenant reads the department's problem: %d", r.status)
		}
	}
	if kinds := a.notificationKinds(dept); len(kinds) != 1 || kinds[0] != "problem_opened" {
		t.Fatalf("department notifications: %v", kinds)
	}
	if r := a.do(dept, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", f.ID), `{"text":"已合并为一张表，由平台共享"}`); r.status != 201 {
		t.Fatalf("department answer: %d %s", r.status, r.body)
	}
	if r := a.do(insp, "POST", fmt.Sprintf("/api/v1/problems/%d/verify", f.ID), `{"accept":true}`); r.status != 200 {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	if kinds := a.notificationKinds(dept); kinds[0] != "problem_rectified" {
		t.Fatalf("department notifications: %v", kinds)
	}
}
