package filing_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/blob/blobtest"
	"fugong/internal/config"
	"fugong/internal/filing"
	"fugong/internal/pii"
	"fugong/internal/registry"
	"fugong/internal/roster"
	"fugong/internal/rules"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// world is a filing service over a real database, a local object store and
// the shipped rules, with one enterprise of guixi and the callers of each
// role.
type world struct {
	db       *store.DB
	svc      *filing.Service
	ent      *auth.Principal // the enterprise itself
	official *auth.Principal // guixi's street official
	park     *auth.Principal
}

func mustWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	engine := rules.NewEngine("../../rules", nil)
	if _, err := engine.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.ParseKeyring(pii.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	rows := []store.Enterprise{{CreditCode: registry.MakeCreditCode(1), Name: "桂溪甲公司", Sector: "industrial", Zone: "south", Street: "guixi", Supervised: true}}
	if _, err := db.UpsertEnterprises(ctx, rows, false); err != nil {
		t.Fatal(err)
	}
	e, err := db.EnterpriseByCode(ctx, rows[0].CreditCode)
	if err != nil {
		t.Fatal(err)
	}
	users := []store.User{
		{Username: "ent", Role: store.RoleEnterprise, EnterpriseID: &e.ID, Street: "guixi"},
		{Username: "official", Role: store.RoleStreetOfficial, Street: "guixi"},
		{Username: "park", Role: store.RoleParkManager},
	}
	for i := range users {
		users[i].PasswordHash = "-"
		if err := db.CreateUser(ctx, &users[i]); err != nil {
			t.Fatal(err)
		}
	}
	now := func() time.Time { return time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC) }
	svc := filing.NewService(filing.Deps{DB: db, Blobs: blobtest.MustOpen(t, "local"), Keys: keys, Rules: engine,
		Areas: areas.Default(), Config: config.Default(), Now: now})
	principal := func(u store.User) *auth.Principal {
		return &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, EnterpriseID: u.EnterpriseID, Street: u.Street, IP: "10.0.0.9"}
	}
	return &world{db: db, svc: svc, ent: principal(users[0]), official: principal(users[1]), park: principal(users[2])}
}

func ptr[T any](v T) *T { return &v }

// complete is a filing body with every field submission needs.
func complete(staff int) filing.Input {
	return filing.Input{PlannedResumeDate: ptr("2020-03-02"), StaffTotal: ptr(staff), StaffOnsite: ptr(staff),
		Supplies: &filing.SuppliesIn{Masks: ptr(staff * 28), Thermometers: ptr(5), DisinfectantLiters: ptr(50.0), IsolationRoom: ptr(true)},
		PlanText: ptr("一、成立防控领导小组。二、每日两次测温登记。三、每日消毒通风。四、设临时隔离室。五、储备防疫物资。"),
		Contact:  &filing.ContactInput{Name: ptr("王经理"), Phone: ptr("13812345678")}}
}

func fields(err error) []string {
	var out []string
	if ae := apperror.As(err); ae != nil {
		for _, d := range ae.Details {
			out = append(out, d.Field)
		}
	}
	return out
}

func auditActions(t *testing.T, db *store.DB, object string) []string {
	t.Helper()
	es, _, err := db.ListAudit(context.Background(), store.AuditFilter{Object: object, Page: store.NormalPage(1, 100)})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[len(es)-1-i] = e.Action
		if e.Actor == "" || e.IP != "10.0.0.9" {
			t.Errorf("entry %s without its actor or address: %+v", e.Action, e)
		}
	}
	return out
}

func TestCreateValidatesAuditsAndRefusesASecond(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := mustWorld(t, db)
		tests := []struct {
			name   string
			p      *auth.Principal
			in     filing.Input
			code   apperror.Code
			fields []string
		}{
			{"an official may not", w.official, complete(10), apperror.Forbidden, nil},
			{"bad fields, every one named", w.ent, filing.Input{PlannedResumeDate: ptr("03/02/2020"), StaffTotal: ptr(-1),
				Supplies: &filing.SuppliesIn{Masks: ptr(10_000_001)}, Contact: &filing.ContactInput{Phone: ptr("12")}},
				apperror.Invalid, []string{"planned_resume_date", "staff_total", "supplies.masks", "contact.phone"}},
			{"more on site than in total", w.ent, filing.Input{StaffTotal: ptr(5), StaffOnsite: ptr(6)}, apperror.Invalid, []string{"staff_onsite"}},
			{"at the limits", w.ent, filing.Input{StaffTotal: ptr(10_000_000), StaffOnsite: ptr(0)}, "", nil},
			{"a second while one is open", w.ent, complete(10), apperror.Conflict, []string{"filing_id"}},
		}
		for _, tt := range tests {
			v, err := w.svc.Create(ctx, tt.p, tt.in)
			if apperror.CodeOf(err) != tt.code || !slices.Equal(fields(err), tt.fields) {
				t.Errorf("%s: %v (fields %v), want %q %v", tt.name, err, fields(err), tt.code, tt.fields)
			}
			if err == nil && (v.Status != filing.StatusDraft || v.StaffTotal != 10_000_000) {
				t.Errorf("%s: view %+v", tt.name, v)
			}
		}
		list, total, err := w.svc.List(ctx, w.ent, filing.Query{Page: store.NormalPage(1, 10)})
		if err != nil || total != 1 {
			t.Fatalf("list: %d %v", total, err)
		}
		if got := auditActions(t, db, "filing:"+itoa(list[0].ID)); !slices.Equal(got, []string{"filing_created"}) {
			t.Errorf("audit %v", got)
		}
	})
}

func TestDraftsAreJudgedByTheSameLimits(t *testing.T) {
	// One validator: what Create refuses, evaluating a draft refuses, and
	// what it takes, evaluation takes.
	for _, n := range []int{-1, 0, 10_000_000, 10_000_001} {
		_, err := filing.Draft{Input: filing.Input{StaffTotal: ptr(n)}}.RuleInput(nil, time.Now())
		wantInvalid := n < 0 || n > 10_000_000 // TestCreateValidatesAuditsAndRefusesASecond: Create's limits
		if (apperror.CodeOf(err) == apperror.Invalid) != wantInvalid {
			t.Errorf("staff_total %d: draft %v, want invalid %v", n, err, wantInvalid)
		}
	}
	_, err := filing.Draft{Input: filing.Input{StaffTotal: ptr(5), StaffOnsite: ptr(6)}}.RuleInput(areas.Default(), time.Now())
	if err != nil {
		t.Errorf("a draft may have more on site than in total (a rule flags it): %v", err)
	}
	_, err = filing.Draft{Enterprise: &filing.DraftEnterprise{Street: "nowhere", Zone: "north"}}.RuleInput(areas.Default(), time.Now())
	if got := fields(err); !slices.Equal(got, []string{"enterprise.street", "enterprise.zone"}) {
		t.Errorf("unknown street and zone: %v", got)
	}
}

func TestSubmitReviewAndTheirAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := mustWorld(t, db)
		v, err := w.svc.Create(ctx, w.ent, filing.Input{StaffTotal: ptr(10)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Submit(ctx, w.ent, v.ID)
		if got := fields(err); apperror.CodeOf(err) != apperror.Invalid || !slices.Equal(got, []string{"planned_resume_date", "contact.name", "contact.phone"}) {
			t.Fatalf("incomplete submit: %v %v", err, got)
		}
		if _, err := w.svc.Update(ctx, w.ent, v.ID, complete(10)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Upload(ctx, w.ent, v.ID, "photo", nil); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("unknown kind: %v", err)
		}
		if _, err := w.svc.Upload(ctx, w.official, v.ID, filing.KindRoster, mustNotReceive(t)); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("an official uploaded: %v", err)
		}
		up, err := w.svc.Upload(ctx, w.ent, v.ID, filing.KindRoster, spooled(t, rosterCSV(10)))
		if err != nil || up.Rows != 10 || up.Summary == nil {
			t.Fatalf("roster upload: %v %+v", err, up)
		}
		res, err := w.svc.Submit(ctx, w.ent, v.ID)
		if err != nil || res.Status != filing.StatusSubmitted || res.Revision != 1 || res.Blocked {
			t.Fatalf("submit: %v %+v", err, res)
		}
		if _, err := w.svc.Update(ctx, w.ent, v.ID, complete(11)); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("editing a submitted filing: %v", err)
		}
		if _, err := w.svc.Review(ctx, w.park, v.ID, filing.ReviewInput{Decision: filing.DecisionApprove}); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("the park manager decided: %v", err)
		}
		if _, err := w.svc.Review(ctx, w.official, v.ID, filing.ReviewInput{Decision: filing.DecisionReturn}); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("a return without a comment: %v", err)
		}
		got, err := w.svc.Review(ctx, w.official, v.ID, filing.ReviewInput{Decision: filing.DecisionApprove})
		if err != nil || got.Status != filing.StatusApproved {
			t.Fatalf("approve: %v %+v", err, got)
		}
		want := []string{"filing_created", "filing_updated", "attachment_uploaded", "filing_submitted", "filing_approve"}
		if got := auditActions(t, db, "filing:"+itoa(v.ID)); !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v (refused actions write nothing)", got, want)
		}
		if _, _, err := w.svc.List(ctx, w.park, filing.Query{Status: "done"}); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("unknown status filter: %v", err)
		}
		items, _, err := w.svc.List(ctx, w.park, filing.Query{Street: "桂溪街道", Page: store.NormalPage(1, 10)})
		if err != nil || len(items) != 1 || items[0].EnterpriseName != "桂溪甲公司" {
			t.Errorf("list by street name: %v %+v", err, items)
		}
	})
}

// rosterCSV is a roster of n healthy staff.
func rosterCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史,返回日期\n")
	for i := range n {
		fmt.Fprintf(&b, "员工%d,%s,138%08d,生产部,36.5,绿码,无,\n", i, roster.MakeIDNumber(i), i)
	}
	return []byte(b.String())
}

// spooled is a Receive that hands over body as a spooled file.
func spooled(t *testing.T, body []byte) filing.Receive {
	return func(max int64) (filing.File, string, error) {
		return bytesFile{bytes.NewReader(body)}, "花名册.csv", nil
	}
}

// mustNotReceive is a Receive for a caller who may not upload: not a byte
// may be read.
func mustNotReceive(t *testing.T) filing.Receive {
	return func(int64) (filing.File, string, error) {
		t.Error("the upload was read before access was checked")
		return nil, "", os.ErrPermission
	}
}

// bytesFile is a filing.File in memory.
type bytesFile struct{ *bytes.Reader }

func (f bytesFile) Size() int64 {
	return f.Reader.Size()
}

func itoa(n int64) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
