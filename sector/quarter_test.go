package sector_test

import (
	"slices"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/sector"
)

func TestQuarters(t *testing.T) {
	for _, tc := range []struct{ month, want string }{{"2026-01", "2026-Q1"}, {"2026-03", "2026-Q1"}, {"2026-04", "2026-Q2"}, {"2026-12", "2026-Q4"}} {
		if got, err := sector.QuarterOf(tc.month); err != nil || got != tc.want {
			t.Errorf("QuarterOf(%s) = %s, %v; want %s", tc.month, got, err, tc.want)
		}
	}
	if _, err := sector.QuarterOf("2026-13"); err == nil {
		t.Error("month 13 is a quarter")
	}
	if got, _ := sector.Quarters("2025-Q4", "2026-Q2"); !slices.Equal(got, []string{"2025-Q4", "2026-Q1", "2026-Q2"}) {
		t.Errorf("Quarters = %v", got)
	}
	for _, bad := range [][2]string{{"2026-Q2", "2026-Q1"}, {"2026-Q5", "2026-Q5"}, {"2026-Q01", "2026-Q1"}, {"2020-Q1", "2026-Q1"}} {
		if _, err := sector.Quarters(bad[0], bad[1]); err == nil {
			t.Errorf("Quarters(%s, %s) is no error", bad[0], bad[1])
		}
	}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), "2026-Q3"},
		{time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), "2026-Q3"},
		{time.Date(2026, 9, 30, 23, 59, 0, 0, time.UTC), "2026-Q2"},
		{time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), "2025-Q4"},
	} {
		if got := sector.LastQuarter(tc.now); got != tc.want {
			t.Errorf("LastQuarter(%v) = %s, want %s", tc.now, got, tc.want)
		}
	}
	c := func(month string, n int) meldwijzer.Count {
		return meldwijzer.Count{CountKey: meldwijzer.CountKey{Institution: "a", Month: month, Dimension: "total", Value: "all"}, N: n}
	}
	got, err := sector.ByQuarter([]meldwijzer.Count{c("2026-01", 2), c("2026-03", 3), c("2026-04", 4)})
	if err != nil || len(got) != 2 || got[0] != c("2026-Q1", 5) || got[1] != c("2026-Q2", 4) {
		t.Errorf("ByQuarter = %v, %v", got, err)
	}
}
