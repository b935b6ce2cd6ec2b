package dashboard

import (
	"math/rand/v2"
	"testing"

	"meldwijzer"
)

var values = map[string][]string{
	"theme":    meldwijzer.Themes,
	"where":    meldwijzer.Wheres,
	"audience": meldwijzer.Audiences,
	"ground":   meldwijzer.Grounds,
}

// countsOf aggregates reports the way the store does: each report adds one to each of its keys.
func countsOf(reports []meldwijzer.Report) []meldwijzer.Count {
	m := map[meldwijzer.CountKey]int{}
	for _, r := range reports {
		for _, k := range r.CountKeys() {
			m[k]++
		}
	}
	var out []meldwijzer.Count
	for k, n := range m {
		out = append(out, meldwijzer.Count{CountKey: k, N: n})
	}
	return out
}

func randomReports(rng *rand.Rand, n int, months []string) []meldwijzer.Report {
	var rs []meldwijzer.Report
	for range n {
		theme := meldwijzer.Themes[rng.IntN(3)] // a few themes, so that some counts are large
		if rng.IntN(4) == 0 {
			theme = meldwijzer.Themes[rng.IntN(len(meldwijzer.Themes))]
		}
		r := meldwijzer.Report{Institution: "i", Theme: theme,
			Where:    meldwijzer.Wheres[rng.IntN(2)],
			Audience: meldwijzer.Audiences[rng.IntN(2)]}
		if theme == "discriminatie" {
			r.Grounds = []string{meldwijzer.Grounds[rng.IntN(len(meldwijzer.Grounds))]}
		}
		month, _ := Months(months[rng.IntN(len(months))], months[len(months)-1])
		r.CreatedAt, _ = timeOf(month[0])
		rs = append(rs, r)
	}
	return rs
}

func TestNothingSmallIsShownOrCanBeWorkedOut(t *testing.T) {
	months, _ := Months("2026-01", "2026-06")
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		reports := randomReports(rng, rng.IntN(120), months)
		truth := map[key]int{}
		for _, c := range countsOf(reports) {
			truth[key{c.Month, c.Dimension, c.Value}] += c.N
		}
		d, err := Build("i", "2026-01", "2026-06", countsOf(reports), values, 5)
		if err != nil {
			t.Fatal(err)
		}
		if d.Total != nil && *d.Total != len(reports) {
			t.Fatalf("trial %d: total %d, want %d", trial, *d.Total, len(reports))
		}
		if d.Total != nil && len(reports) > 0 && len(reports) < 5 {
			t.Fatalf("trial %d: a total of %d is shown", trial, len(reports))
		}
		for _, c := range d.Cells {
			want := truth[key{c.Month, c.Dimension, c.Value}]
			if c.Count != nil && (*c.Count != want || (want > 0 && want < 5)) {
				t.Fatalf("trial %d: cell %v, true count %d", trial, c, want)
			}
			if c.Suppressed != (c.Count == nil) {
				t.Fatalf("trial %d: cell %v", trial, c)
			}
		}
		// An attacker who knows every equation and every published cell learns no hidden count,
		// from this query and from every other period over the same months together.
		var ds []*Dashboard
		for _, r := range [][2]string{{"2026-01", "2026-06"}, {"2026-01", "2026-05"}, {"2026-02", "2026-06"}, {"2026-03", "2026-03"}, {"2026-03", "2026-04"}} {
			d, err := Build("i", r[0], r[1], countsOf(reports), values, 5)
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, d)
		}
		if got := workedOut(months, truth, ds); len(got) > 0 {
			t.Fatalf("trial %d: %d hidden counts can be worked out by combining periods, first %v", trial, len(got), got[0])
		}
	}
}

// workedOut is the differencing attacker: it takes every cell that the dashboards publish, the
// equations within each month (total = sum of each exclusive dimension) and those of every
// published period sum (= the sum of its months), and returns the hidden month cells whose
// value follows exactly.
func workedOut(months []string, truth map[key]int, ds []*Dashboard) []key {
	tab := newTable(Reports, months, values)
	for i, k := range tab.keys {
		tab.n[i], tab.hidden[i] = truth[k], true
	}
	addPeriod := func(d *Dashboard, dim, value string, n int) {
		k := key{"period " + d.From + ".." + d.To, dim, value}
		if _, ok := tab.index[k]; ok {
			return
		}
		tab.index[k] = len(tab.keys)
		tab.keys = append(tab.keys, k)
		tab.n = append(tab.n, n)
		tab.hidden = append(tab.hidden, false)
		eq := []int{tab.index[k]}
		for _, m := range months {
			if m >= d.From && m <= d.To {
				eq = append(eq, tab.index[key{m, dim, value}])
			}
		}
		tab.equations = append(tab.equations, eq)
	}
	for _, d := range ds {
		for _, c := range d.Cells {
			if c.Count != nil {
				tab.hidden[tab.index[key{c.Month, c.Dimension, c.Value}]] = false
			}
		}
		for _, c := range d.Period {
			if c.Count != nil {
				addPeriod(d, c.Dimension, c.Value, *c.Count)
			}
		}
		if d.Total != nil {
			addPeriod(d, "total", "all", *d.Total)
		}
	}
	var out []key
	for _, i := range tab.disclosed() {
		out = append(out, tab.keys[i])
	}
	return out
}

func TestDisclosedFindsWhatEquationsReveal(t *testing.T) {
	months, _ := Months("2026-01", "2026-01")
	tab := newTable(Reports, months, values)
	set := func(m, d, v string, n int, hidden bool) {
		i := tab.index[key{m, d, v}]
		tab.n[i], tab.hidden[i] = n, hidden
	}
	// One month: 7 reports, pesten 5 (shown) and agressie 2 (hidden alone): 7 - 5 = 2.
	set("2026-01", "total", "all", 7, false)
	set("2026-01", "theme", "pesten", 5, false)
	set("2026-01", "theme", "agressie", 2, true)
	if got := tab.disclosed(); len(got) != 1 || tab.keys[got[0]].value != "agressie" {
		t.Errorf("disclosed %v", got)
	}
	tab.hidden[tab.index[key{"2026-01", "theme", "pesten"}]] = true
	if got := tab.disclosed(); len(got) != 0 {
		t.Errorf("with a second hidden count nothing follows, got %v", got)
	}
}

func TestLargeCountsAreAllShown(t *testing.T) {
	var reports []meldwijzer.Report
	for i := range 40 {
		at, _ := timeOf("2026-03")
		reports = append(reports, meldwijzer.Report{Theme: "pesten", Where: "school", Audience: meldwijzer.Audiences[i%2], CreatedAt: at})
	}
	d, err := Build("i", "2026-03", "2026-03", countsOf(reports), values, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Cells {
		if c.Suppressed {
			t.Errorf("%v is hidden", c)
		}
	}
	if *d.Total != 40 {
		t.Errorf("total %d", *d.Total)
	}
}

func TestMonthsRange(t *testing.T) {
	for _, tt := range []struct{ from, to string }{{"2026-13", "2027-01"}, {"2026-05", "2026-04"}, {"2020-01", "2026-01"}, {"nu", "straks"}} {
		if _, err := Months(tt.from, tt.to); meldwijzer.ErrorCode(err) != meldwijzer.EINVALID {
			t.Errorf("%s..%s: %v", tt.from, tt.to, err)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	months, _ := Months("2025-01", "2026-12")
	counts := countsOf(randomReports(rand.New(rand.NewPCG(3, 4)), 400, months))
	for b.Loop() {
		if _, err := Build("i", "2025-01", "2026-12", counts, values, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// A school year for a school with a hundred reports: the dashboard's usual request.
func BenchmarkBuildYear(b *testing.B) {
	months, _ := Months("2026-01", "2026-12")
	counts := countsOf(randomReports(rand.New(rand.NewPCG(5, 6)), 100, months))
	for b.Loop() {
		if _, err := Build("i", "2026-01", "2026-12", counts, values, 5); err != nil {
			b.Fatal(err)
		}
	}
}
