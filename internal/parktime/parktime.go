// Package parktime owns the park's civil time: China Standard Time, UTC+8
// with no daylight saving. Dates a user reads or types (a planned
// resumption day, a deadline, a dashboard's as-of day) are days in it. A
// fixed offset, so the binary needs no tzdata.
package parktime

import "time"

// Location is the park's time zone.
var Location = time.FixedZone("CST", 8*3600)

// In returns t in the park's zone.
func In(t time.Time) time.Time { return t.In(Location) }
