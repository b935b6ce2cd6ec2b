package api

import (
	"time"
)

// day is a time as the API shows it for a report or a message: the day alone (YYYY-MM-DD, in
// UTC), so that no answer can be matched against a school's network or camera logs.
type day time.Time

// DayLayout is how the API writes a day.
const DayLayout = time.DateOnly

func (d day) MarshalText() ([]byte, error) {
	return []byte(time.Time(d).UTC().Format(DayLayout)), nil
}

// optDay is nil for a zero time (JSON null).
func optDay(t time.Time) *day {
	if t.IsZero() {
		return nil
	}
	d := day(t)
	return &d
}
