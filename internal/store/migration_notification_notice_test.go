package store

import (
	"context"
	"testing"
	"time"
)

// Migration 15 links the notice_issued notifications written before it to
// their notice: a letter's through the problem it names, a filing notice's
// through the notice issued on that filing at the same instant; other
// notifications stay unlinked.
func TestMigration15LinksNotifications(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	at := time.Date(2020, 2, 20, 2, 0, 0, 0, time.UTC)
	pr := []Problem{{Street: "guixi", Source: SourceInspection, Title: "letter's problem", Status: ProblemOpen, CreatedBy: 1, CreatedAt: at}}
	if err := db.CreateProblems(ctx, pr); err != nil {
		t.Fatal(err)
	}
	letter := &Notice{Street: "guixi", Deadline: "2020-02-27", CreatedBy: 1, CreatedAt: at, TargetKind: TargetStreet}
	if err := db.CreateNotice(ctx, letter, []int64{pr[0].ID}); err != nil {
		t.Fatal(err)
	}
	fid := int64(5)
	later := at.Add(time.Hour)
	onFiling := &Notice{EnterpriseID: 9, FilingID: &fid, Street: "guixi", Deadline: "2020-02-27", CreatedBy: 1, CreatedAt: later}
	if err := db.CreateNotice(ctx, onFiling, []int64{999}); err != nil {
		t.Fatal(err)
	}
	pid := pr[0].ID
	ns := []Notification{
		{UserID: 1, Kind: "notice_issued", ProblemID: &pid, Message: "letter", CreatedAt: at},
		{UserID: 2, Kind: "notice_issued", FilingID: &fid, Message: "filing notice", CreatedAt: later},
		{UserID: 2, Kind: "filing_returned", FilingID: &fid, Message: "returned", CreatedAt: later},
		{UserID: 2, Kind: "notice_issued", FilingID: &fid, Message: "no notice at that instant", CreatedAt: at},
	}
	if err := db.CreateNotifications(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if err := db.gorm.Exec("UPDATE notifications SET notice_id = NULL").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.gorm.Transaction(migrateNotificationNotice); err != nil {
		t.Fatal(err)
	}
	var got []Notification
	if err := db.gorm.Order("id").Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	want := []*int64{&letter.ID, &onFiling.ID, nil, nil}
	for i, n := range got {
		if (n.NoticeID == nil) != (want[i] == nil) || (n.NoticeID != nil && *n.NoticeID != *want[i]) {
			t.Errorf("%s: notice_id %v, want %v", n.Message, deref(n.NoticeID), deref(want[i]))
		}
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
