package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"fugong/internal/roster"
	"fugong/internal/store"
)

// TestRosterStreamedIntoTheStore: a roster's rows are sealed and inserted
// while its file is still being parsed (internal/filing/rosterstream.go).
// A file refused near its end, after thousands of its rows went into the
// transaction, leaves no attachment, no roster row and no object; a good
// file of the same size keeps every row once, in file order, decryptable;
// on SQLite + local store and MariaDB + MinIO.
func TestRosterStreamedIntoTheStore(t *testing.T) {
	t.Parallel()
	const n = 12_001 // twelve full sealing chunks and one of a single row
	eachStore(t, func(t *testing.T, a *api) {
		ent := a.login("ent-guixi")
		f := a.seedFiling(a.ents["guixiA"], store.StatusDraft)
		a.do(ent, "PATCH", fmt.Sprintf("/api/v1/filings/%d", f.ID), map[string]any{"planned_resume_date": "2020-03-02"})
		good := string(rosterCSV(n, 3))
		count := func() (atts, entries int64, objects int) {
			a.db.Gorm().Model(&store.Attachment{}).Count(&atts)
			a.db.Gorm().Model(&store.RosterEntry{}).Count(&entries)
			return atts, entries, objectCount(t, a.blob)
		}

		// Row 11,502 (staff 11,500) gets a wrong check digit.
		id := roster.MakeIDNumber(11_500)
		wrong := id[:17] + map[bool]string{true: "1", false: "0"}[id[17] == '0']
		bad := strings.Replace(good, ","+id+",", ","+wrong+",", 1)
		if bad == good {
			t.Fatal("the bad row was not made")
		}
		r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", []byte(bad)))
		if r.status != 422 || !strings.Contains(string(r.body), `"row":11502`) {
			t.Fatalf("late bad row: %d %.400s", r.status, r.body)
		}
		if atts, entries, objects := count(); atts != 0 || entries != 0 || objects != 0 {
			t.Fatalf("a refused roster left %d attachments, %d rows, %d objects", atts, entries, objects)
		}

		r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", []byte(good)))
		if r.status != 201 || !strings.Contains(string(r.body), fmt.Sprintf(`"rows":%d`, n)) || !strings.Contains(string(r.body), `"fever":3`) {
			t.Fatalf("good roster: %d %.400s", r.status, r.body)
		}
		var got struct{ ID int64 }
		r.json(t, &got)
		if atts, entries, objects := count(); atts != 1 || entries != n || objects != 1 {
			t.Fatalf("after the good roster: %d attachments, %d rows, %d objects", atts, entries, objects)
		}
		att, err := a.db.AttachmentByID(t.Context(), store.ScopeAll, got.ID)
		if err != nil || att.RosterRows != n || !strings.Contains(att.RosterSummary, `"fever":3`) {
			t.Fatalf("attachment row: %+v %v", att, err)
		}
		var pointed struct{ RosterAttachmentID *int64 }
		a.db.Gorm().Model(&store.Filing{}).Where("id = ?", f.ID).Select("roster_attachment_id").Scan(&pointed)
		if pointed.RosterAttachmentID == nil || *pointed.RosterAttachmentID != got.ID {
			t.Fatalf("the filing does not point at the roster: %v", pointed.RosterAttachmentID)
		}
		entries, err := a.db.RosterEntries(t.Context(), att.ID)
		if err != nil || len(entries) != n {
			t.Fatalf("rows read back: %d %v", len(entries), err)
		}
		aad := []byte("roster:hmac:" + att.ContentHash) // internal/filing/upload.go rosterAAD
		for i, e := range entries {
			plain, err := a.keys.Decrypt(e.Data, aad)
			var row roster.Row
			if err == nil {
				err = json.Unmarshal(plain, &row)
			}
			if err != nil || e.RowNumber != i+2 || row.Line != i+2 || row.IDNumber != roster.MakeIDNumber(i) ||
				e.IDIndex != a.keys.BlindIndex(row.IDNumber) {
				t.Fatalf("row %d read back as line %d/%d, id %s: %v", i, e.RowNumber, row.Line, row.IDNumber, err)
			}
		}
	})
}
