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
		// An attacker who knows every equation and every published cell learns no hidden count.
		tab := newTable(months, values)
		for i, k := range tab.keys {
			tab.n[i] = truth[k]
		}
		tab.sums()
		for _, c := range append(d.Cells, d.Period...) {
			tab.hidden[tab.index[key{c.Month, c.Dimension, c.Value}]] = c.Suppressed
		}
		tab.hidden[tab.index[key{"", "total", "all"}]] = d.Total == nil
		if got := tab.disclosed(); len(got) > 0 {
			t.Fatalf("trial %d: %d hidden counts can be worked out, first %v", trial, len(got), tab.keys[got[0]])
		}
	}
}

func TestDisclosedFindsWhatEquationsReveal(t *testing.T) {
	months, _ := Months("2026-01", "2026-01")
	tab := newTable(months, values)
	set := func(m, d, v string, n int, hidden bool) {
		i := tab.index[key{m, d, v}]
		tab.n[i], tab.hidden[i] = n, hidden
	}
	// One month: 7 reports, pesten 5 (shown) and agressie 2 (hidden alone): 7 - 5 = 2.
	set("2026-01", "total", "all", 7, false)
	set("2026-01", "theme", "pesten", 5, false)
	set("2026-01", "theme", "agressie", 2, true)
	tab.sums()
	for i, k := range tab.keys { // with one month, the period's cells are the month's
		if k.month == "" {
			tab.hidden[i] = tab.hidden[tab.index[key{"2026-01", k.dim, k.value}]]
		}
	}
	if got := tab.disclosed(); len(got) != 2 || tab.keys[got[0]].value != "agressie" {
		t.Errorf("disclosed %v", got)
	}
	tab.hidden[tab.index[key{"2026-01", "theme", "pesten"}]] = true
	tab.hidden[tab.index[key{"", "theme", "pesten"}]] = true
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
