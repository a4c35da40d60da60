package ledger_test

import (
	"testing"
	"time"

	"fugong/internal/ledger"
	"fugong/internal/store"
)

func TestClassify(t *testing.T) {
	at := func(s string) *time.Time { // Shanghai civil time
		v, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("CST", 8*3600))
		if err != nil {
			t.Fatal(err)
		}
		v = v.UTC()
		return &v
	}
	created := *at("2020-02-20 09:00")
	end, err := ledger.EndOfDay("2020-02-24")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		row  store.LedgerRow
		want ledger.Class
	}{
		{"open, no deadline", store.LedgerRow{Status: "open"}, ledger.Class{Found: true}},
		{"open, deadline passed", store.LedgerRow{Status: "open", Deadline: "2020-02-23"}, ledger.Class{Found: true, Overdue: true}},
		{"open, deadline is the day itself", store.LedgerRow{Status: "open", Deadline: "2020-02-24"}, ledger.Class{Found: true, Overdue: true}},
		{"open, deadline ahead", store.LedgerRow{Status: "open", Deadline: "2020-02-25"}, ledger.Class{Found: true}},
		{"rectified on the deadline day's last minute", store.LedgerRow{Status: "rectified", Deadline: "2020-02-22", RectifiedAt: at("2020-02-22 23:59")},
			ledger.Class{Found: true, Rectified: true, OnTime: true}},
		{"rectified the day after", store.LedgerRow{Status: "rectified", Deadline: "2020-02-22", RectifiedAt: at("2020-02-23 00:01")},
			ledger.Class{Found: true, Rectified: true}},
		{"answered in time, verified late", store.LedgerRow{Status: "rectified", Deadline: "2020-02-22", AnsweredAt: at("2020-02-22 10:00"), RectifiedAt: at("2020-02-24 10:00")},
			ledger.Class{Found: true, Rectified: true, OnTime: true}},
		{"rectified without a deadline", store.LedgerRow{Status: "rectified", RectifiedAt: at("2020-02-24 10:00")},
			ledger.Class{Found: true, Rectified: true, OnTime: true}},
		{"rectified after the day", store.LedgerRow{Status: "rectified", Deadline: "2020-02-22", RectifiedAt: at("2020-02-25 10:00")},
			ledger.Class{Found: true, Overdue: true}},
		{"waived: neither rectified nor overdue", store.LedgerRow{Status: "waived", Deadline: "2020-02-21", RectifiedAt: at("2020-02-23 10:00")},
			ledger.Class{Found: true, Waived: true}},
		{"waived after the day: overdue on it", store.LedgerRow{Status: "waived", Deadline: "2020-02-21", RectifiedAt: at("2020-02-25 10:00")},
			ledger.Class{Found: true, Overdue: true}},
	}
	var n ledger.Counts
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.row.CreatedAt = created
			if got := ledger.Classify(tt.row, end); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
		tt.row.CreatedAt = created
		n.Add(tt.row, end)
	}
	n.Add(store.LedgerRow{CreatedAt: end, Status: "open"}, end) // found after the day: not counted
	want := ledger.Counts{Found: 11, Rectified: 4, Waived: 1, OnTime: 3, Overdue: 4, WithDeadline: 9}
	if n != want {
		t.Fatalf("counts %+v, want %+v", n, want)
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		num, den int
		want     float64
	}{{252, 267, 94.38}, {1, 3, 33.33}, {2, 3, 66.67}, {1, 8, 12.5}, {0, 5, 0}} {
		if got := ledger.Percent(tt.num, tt.den); got == nil || *got != tt.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tt.num, tt.den, got, tt.want)
		}
	}
	if ledger.Percent(1, 0) != nil {
		t.Error("0 found must be null, not 0")
	}
}
