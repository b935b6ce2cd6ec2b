package sector

import (
	"fmt"
	"time"

	"meldwijzer"
)

// The sector view's unit of time is the calendar quarter ("2026-Q1"): a finished quarter, never
// the current one. A month of one region holds too few reports for most cells to be shown, and a
// sum over months is shown only when every month's part is, so that months would hide nearly
// everything; a quarter holds three months' reports. Every figure is of one quarter or of a run
// of whole quarters, so no two periods differ by part of a quarter.

// MaxQuarters is the longest period.
const MaxQuarters = 12

// QuarterOf returns the quarter of a month (YYYY-MM).
func QuarterOf(month string) (string, error) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return "", meldwijzer.Errorf(meldwijzer.EINVALID, "a month is written YYYY-MM, not %q", month)
	}
	return quarter(t), nil
}

func quarter(t time.Time) string { return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3) }

// QuarterStart is the first day of the quarter.
func QuarterStart(q string) (time.Time, error) {
	var y, n int
	if _, err := fmt.Sscanf(q, "%4d-Q%1d", &y, &n); err != nil || n < 1 || n > 4 || fmt.Sprintf("%d-Q%d", y, n) != q {
		return time.Time{}, meldwijzer.Errorf(meldwijzer.EINVALID, "a quarter is written YYYY-Qn, not %q", q)
	}
	return time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC), nil
}

// Quarters returns the quarters from..to inclusive, or an error for a bad range.
func Quarters(from, to string) ([]string, error) {
	f, err := QuarterStart(from)
	if err != nil {
		return nil, err
	}
	t, err := QuarterStart(to)
	if err != nil {
		return nil, err
	}
	if t.Before(f) {
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "to comes before from")
	}
	var out []string
	for q := f; !q.After(t); q = q.AddDate(0, 3, 0) {
		if len(out) == MaxQuarters {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "a period is at most %d quarters", MaxQuarters)
		}
		out = append(out, quarter(q))
	}
	return out, nil
}

// LastQuarter is the last quarter that has ended at now.
func LastQuarter(now time.Time) string {
	now = now.UTC()
	start := time.Date(now.Year(), time.Month(3*((int(now.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
	return quarter(start.AddDate(0, -3, 0))
}

// ByQuarter adds monthly counts up per quarter: the counts Build takes.
func ByQuarter(counts []meldwijzer.Count) ([]meldwijzer.Count, error) {
	sum := map[meldwijzer.CountKey]int{}
	var order []meldwijzer.CountKey
	for _, c := range counts {
		q, err := QuarterOf(c.Month)
		if err != nil {
			return nil, err
		}
		k := c.CountKey
		k.Month = q
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += c.N
	}
	out := make([]meldwijzer.Count, 0, len(order))
	for _, k := range order {
		out = append(out, meldwijzer.Count{CountKey: k, N: sum[k]})
	}
	return out, nil
}
