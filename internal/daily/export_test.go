package daily

import (
	"time"

	"fugong/internal/parktime"
)

// ParseDayForTest parses a day in park time.
func ParseDayForTest(day string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, day, parktime.Location)
}
