package sector_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"meldwijzer"
	"meldwijzer/sector"
	"meldwijzer/sector/sectortest"
)

var reportDims = []sector.Dimension{
	{Name: "theme", Values: meldwijzer.Themes, Exclusive: true},
	{Name: "where", Values: meldwijzer.Wheres, Exclusive: true},
	{Name: "audience", Values: meldwijzer.Audiences, Exclusive: true},
	{Name: "ground", Values: meldwijzer.Grounds},
}

// counts adds n reports of one kind to an institution's counts, as the store does.
func add(counts map[string][]meldwijzer.Count, inst, month, theme, where, audience string, n int) {
	for _, kv := range [][2]string{{"total", "all"}, {"theme", theme}, {"where", where}, {"audience", audience}} {
		counts[inst] = append(counts[inst], meldwijzer.Count{CountKey: meldwijzer.CountKey{Institution: inst, Month: month, Dimension: kv[0], Value: kv[1]}, N: n})
	}
}

func cell(t *testing.T, d *sector.Dashboard, scope, region, month, dim, value string) sector.Cell {
	t.Helper()
	cells := d.Cells
	if month == "" {
		cells = d.Period
	}
	for _, c := range cells {
		if c.Scope == scope && c.Region == region && c.Quarter == month && c.Dimension == dim && c.Value == value {
			return c
		}
	}
	t.Fatalf("no cell %s/%s %s %s=%s", scope, region, month, dim, value)
	return sector.Cell{}
}

func TestSafe(t *testing.T) {
	for _, tc := range []struct {
		parts []int
		want  bool
	}{
		{[]int{5, 5, 5}, true},
		{[]int{2, 2, 2}, false},       // under k
		{[]int{10, 10}, false},        // two institutions
		{[]int{10, 10, 0, 0}, false},  // two that count: zeros are no institutions
		{[]int{30, 3, 2}, false},      // one takes away its part: 5 of 2 left, but it dominates (p%)
		{[]int{20, 4, 1}, false},      // the rest after the largest is 5, the two smallest 1 < 20%·20
		{[]int{12, 4, 3}, true},       // 3 ≥ 20%·12
		{[]int{12, 12, 1}, false},     // the second largest knows the largest within 1
		{[]int{8, 3, 1, 1, 1}, true},  // 14 − 8 = 6 ≥ 5; 3 ≥ 1.6
		{[]int{9, 1, 1, 1, 1}, false}, // 13 − 9 = 4 < k
	} {
		if got := sector.Safe(tc.parts, sector.DefaultK); got != tc.want {
			t.Errorf("Safe(%v) = %v, want %v", tc.parts, got, tc.want)
		}
	}
}

// A cell that one institution dominates is hidden, though it covers k items and 3 institutions,
// and it cannot be worked out from the total and the other themes.
func TestDominatedCellIsHidden(t *testing.T) {
	ps := []sector.Participant{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	counts := map[string][]meldwijzer.Count{}
	add(counts, "a", "2026-Q1", "agressie", "school", "student", 30)
	add(counts, "b", "2026-Q1", "agressie", "school", "student", 2)
	add(counts, "c", "2026-Q1", "agressie", "school", "student", 2)
	for _, inst := range []string{"a", "b", "c"} {
		add(counts, inst, "2026-Q1", "pesten", "school", "student", 6)
	}
	d, err := sector.Build("2026-Q1", "2026-Q1", ps, []sector.Series{{Name: "reports", Dimensions: reportDims, Counts: counts}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if c := cell(t, d, sector.ScopeNational, "", "2026-Q1", "theme", "agressie"); !c.Suppressed || c.Count != nil {
		t.Errorf("a's 30 of 34 aggression reports are shown: %+v", c)
	}
	// The total (52) beside bullying (18) would give aggression away: one of them is hidden too.
	total := cell(t, d, sector.ScopeNational, "", "2026-Q1", "total", "all")
	bullying := cell(t, d, sector.ScopeNational, "", "2026-Q1", "theme", "pesten")
	if !total.Suppressed && !bullying.Suppressed {
		t.Errorf("the total %d is shown beside bullying %d, so aggression = total − bullying", *total.Count, *bullying.Count)
	}
	if total.Suppressed && bullying.Suppressed {
		t.Errorf("both the total and bullying are hidden; one is enough")
	}
	if problems := sectortest.Attack(ps, []sector.Series{{Name: "reports", Dimensions: reportDims, Counts: counts}}, []*sector.Dashboard{d}); len(problems) > 0 {
		t.Errorf("the attacker finds: %v", problems)
	}
}

func TestGroupsHaveThreeOrMore(t *testing.T) {
	p := func(id, region string) sector.Participant { return sector.Participant{ID: id, Region: region} }
	for _, tc := range []struct {
		name string
		ps   []sector.Participant
		want []string
	}{
		{"three regions of three", []sector.Participant{p("a", "n"), p("b", "n"), p("c", "n"), p("d", "z"), p("e", "z"), p("f", "z")}, []string{"n", "z"}},
		{"a small region joins the rest", []sector.Participant{p("a", "n"), p("b", "n"), p("c", "n"), p("d", "z"), p("e", "z"), p("f", "z"), p("g", "w"), p("h", ""), p("i", "o")}, []string{"n", "z", sector.Other}},
		{"a rest of one takes the smallest region", []sector.Participant{p("a", "n"), p("b", "n"), p("c", "n"), p("d", "z"), p("e", "z"), p("f", "z"), p("x", "z"), p("g", "w")}, []string{"z", sector.Other}},
		{"one group is no regions", []sector.Participant{p("a", "n"), p("b", "n"), p("c", "n"), p("g", "w")}, nil},
	} {
		got, group := sector.Groups(tc.ps)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: groups %v, want %v", tc.name, got, tc.want)
		}
		size := map[string]int{}
		for _, id := range group {
			size[id]++
		}
		for _, g := range got {
			if size[g] < sector.MinInstitutions {
				t.Errorf("%s: group %s has %d participants", tc.name, g, size[g])
			}
		}
	}
}

// A school that does not take part is in no figure, even when its counts are handed in.
func TestNonParticipantIsAbsent(t *testing.T) {
	ps := []sector.Participant{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	counts := map[string][]meldwijzer.Count{}
	for _, inst := range []string{"a", "b", "c"} {
		add(counts, inst, "2026-Q1", "pesten", "school", "student", 6)
		add(counts, inst, "2026-Q1", "agressie", "school", "student", 3)
	}
	add(counts, "outsider", "2026-Q1", "pesten", "school", "student", 100)
	d, err := sector.Build("2026-Q1", "2026-Q1", ps, []sector.Series{{Name: "reports", Dimensions: reportDims, Counts: counts}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if c := cell(t, d, sector.ScopeNational, "", "2026-Q1", "theme", "pesten"); c.Count == nil || *c.Count != 18 {
		t.Errorf("bullying = %+v, want 18 (the outsider's 100 left out)", c)
	}
	if d.Institutions != 3 {
		t.Errorf("institutions = %d, want 3", d.Institutions)
	}
	if c := cell(t, d, sector.ScopeNational, "", "2026-Q1", "total", "all"); c.Count == nil || *c.Count != 27 {
		t.Errorf("total = %+v, want 27", c)
	}
}

// world is a random sector: participants in regions, two series, a few months.
func world(rng *rand.Rand, months []string) ([]sector.Participant, []sector.Series) {
	regions := []string{"noord", "noord", "noord", "zuid", "zuid", "zuid", "oost", "", "west", "zuid"}
	n := 4 + rng.IntN(6)
	var ps []sector.Participant
	for i := range n {
		ps = append(ps, sector.Participant{ID: fmt.Sprintf("s%d", i), Region: regions[i]})
	}
	reports := sector.Series{Name: "reports", Dimensions: reportDims, Counts: map[string][]meldwijzer.Count{}}
	incidents := sector.Series{Name: "incidents", Dimensions: []sector.Dimension{
		{Name: "theme", Values: meldwijzer.Themes[:4], Exclusive: true},
		{Name: "category", Values: []string{"physical", "threat", "online"}},
	}, Counts: map[string][]meldwijzer.Count{}}
	for _, p := range ps {
		size := 1 + rng.IntN(12)
		if rng.IntN(4) == 0 {
			size *= 8 // a large school that dominates
		}
		for _, m := range months {
			for range rng.IntN(size + 1) {
				theme := meldwijzer.Themes[rng.IntN(3)]
				if rng.IntN(4) == 0 {
					theme = meldwijzer.Themes[rng.IntN(len(meldwijzer.Themes))]
				}
				add(reports.Counts, p.ID, m, theme, meldwijzer.Wheres[rng.IntN(2)], meldwijzer.Audiences[rng.IntN(2)], 1)
				if theme == "discriminatie" {
					g := meldwijzer.Grounds[rng.IntN(3)]
					reports.Counts[p.ID] = append(reports.Counts[p.ID], meldwijzer.Count{CountKey: meldwijzer.CountKey{Institution: p.ID, Month: m, Dimension: "ground", Value: g}, N: 1})
				}
			}
			for range rng.IntN(size/2 + 1) {
				inc := []meldwijzer.Count{
					{CountKey: meldwijzer.CountKey{Institution: p.ID, Month: m, Dimension: "total", Value: "all"}, N: 1},
					{CountKey: meldwijzer.CountKey{Institution: p.ID, Month: m, Dimension: "theme", Value: meldwijzer.Themes[rng.IntN(4)]}, N: 1},
					{CountKey: meldwijzer.CountKey{Institution: p.ID, Month: m, Dimension: "category", Value: []string{"physical", "threat", "online"}[rng.IntN(3)]}, N: 1},
				}
				incidents.Counts[p.ID] = append(incidents.Counts[p.ID], inc...)
			}
		}
	}
	return ps, []sector.Series{reports, incidents}
}

// everyPeriod builds the view of every period within the months: all that one may ask.
func everyPeriod(t *testing.T, months []string, ps []sector.Participant, series []sector.Series) []*sector.Dashboard {
	var out []*sector.Dashboard
	for i := range months {
		for j := i; j < len(months); j++ {
			d, err := sector.Build(months[i], months[j], ps, series, sector.DefaultK)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
	}
	return out
}

// The attacker: each participant, with its own counts and every figure of every period, national
// and per region, tries to work out another institution's count or a hidden cell.
func TestNoParticipantCanWorkOutAnother(t *testing.T) {
	months, _ := sector.Quarters("2026-Q1", "2026-Q3")
	rng := rand.New(rand.NewPCG(14, 4))
	shown := 0
	for trial := range 12 {
		ps, series := world(rng, months)
		seen := everyPeriod(t, months, ps, series)
		for _, c := range seen[0].Cells {
			if c.Count != nil {
				shown++
			}
		}
		if problems := sectortest.Attack(ps, series, seen); len(problems) > 0 {
			t.Fatalf("trial %d (%d participants): %d findings, first: %s", trial, len(ps), len(problems), problems[0])
		}
	}
	if shown == 0 {
		t.Fatal("nothing was ever shown: the test proves nothing")
	}
}

// The attacker finds what a view without complementary suppression gives away: the test can fail.
func TestAttackerFindsWhatPrimarySuppressionAloneLeaks(t *testing.T) {
	months, _ := sector.Quarters("2026-Q1", "2026-Q2")
	ps := []sector.Participant{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}
	counts := map[string][]meldwijzer.Count{}
	for _, inst := range []string{"a", "b", "c", "d"} {
		for _, theme := range meldwijzer.Themes {
			if theme != "agressie" {
				add(counts, inst, "2026-Q1", theme, "school", "student", 2)
			}
		}
	}
	add(counts, "a", "2026-Q1", "agressie", "school", "student", 3) // a alone: hidden
	series := []sector.Series{{Name: "reports", Dimensions: reportDims, Counts: counts}}
	seen := everyPeriod(t, months, ps, series)
	// Show every cell but a's aggression and the empty ones, as primary suppression alone would.
	truth := map[[3]string]int{}
	for _, cs := range counts {
		for _, c := range cs {
			truth[[3]string{c.Month, c.Dimension, c.Value}] += c.N
		}
	}
	for _, d := range seen {
		for i, c := range d.Cells {
			if n := truth[[3]string{c.Quarter, c.Dimension, c.Value}]; n > 0 && c.Value != "agressie" {
				d.Cells[i].Count, d.Cells[i].Suppressed = &n, false
			}
		}
	}
	problems := sectortest.Attack(ps, series, seen)
	if len(problems) == 0 {
		t.Fatal("the attacker found nothing in a view that shows the total beside every other theme")
	}
	t.Logf("%d findings, e.g. %s", len(problems), problems[0])
}

// The memo changes nothing: the same cells with and without it, asked once or again.
func TestMemoChangesNothing(t *testing.T) {
	months, _ := sector.Quarters("2026-Q1", "2026-Q3")
	rng := rand.New(rand.NewPCG(7, 7))
	memo := &sector.Memo{}
	for range 10 {
		ps, series := world(rng, months)
		want, err := sector.Build("2026-Q1", "2026-Q1", ps, series, 5)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := memo.Build("2026-Q1", "2026-Q1", ps, series, 5)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Fatalf("with the memo:\n%s\nwithout:\n%s", g, w)
			}
		}
	}
}

// The attacker again, in smaller worlds, now also after any sum or difference of one other school's
// counts: two hidden themes that are one school's together are found too.
func TestNoParticipantCanWorkOutACombination(t *testing.T) {
	months, _ := sector.Quarters("2026-Q1", "2026-Q2")
	rng := rand.New(rand.NewPCG(4, 14))
	for trial := range 6 {
		ps, series := world(rng, months)
		if len(ps) > 6 {
			ps = ps[:6]
		}
		seen := everyPeriod(t, months, ps, series)
		if problems := sectortest.AttackCombinations(ps, series, seen); len(problems) > 0 {
			t.Fatalf("trial %d (%d participants): %d findings, first: %s", trial, len(ps), len(problems), problems[0])
		}
	}
}

// Where only two schools stand behind a figure, the other's hidden themes together follow from the
// total minus the shown themes minus one's own: the combination attacker finds that sum of one
// school's counts, though no single count of it follows.
func TestCombinationAttackerFindsOneSchoolsHiddenPair(t *testing.T) {
	months, _ := sector.Quarters("2026-Q1", "2026-Q1")
	ps := []sector.Participant{{ID: "a"}, {ID: "b"}}
	counts := map[string][]meldwijzer.Count{}
	for _, inst := range []string{"a", "b"} {
		for _, theme := range meldwijzer.Themes[3:] {
			add(counts, inst, "2026-Q1", theme, "school", "student", 4)
		}
	}
	add(counts, "a", "2026-Q1", "agressie", "school", "student", 2)
	add(counts, "a", "2026-Q1", "seksueel", "school", "student", 1)
	series := []sector.Series{{Name: "reports", Dimensions: reportDims, Counts: counts}}
	seen := everyPeriod(t, months, ps, series)
	truth := map[[2]string]int{}
	for _, cs := range counts {
		for _, c := range cs {
			truth[[2]string{c.Dimension, c.Value}] += c.N
		}
	}
	// Show every figure with a count but the two themes (as if two schools were enough).
	for _, d := range seen {
		for _, cells := range [][]sector.Cell{d.Cells, d.Period} {
			for i, c := range cells {
				if n := truth[[2]string{c.Dimension, c.Value}]; n > 0 && c.Value != "agressie" && c.Value != "seksueel" {
					cells[i].Count, cells[i].Suppressed = &n, false
				}
			}
		}
	}
	for _, p := range sectortest.Attack(ps, series, seen) {
		if strings.Contains(p, "a's reports theme=agressie") || strings.Contains(p, "a's reports theme=seksueel") {
			t.Fatalf("a single hidden theme follows: %s", p)
		}
	}
	problems := sectortest.AttackCombinations(ps, series, seen)
	if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "of a's counts alone") }) {
		t.Fatalf("the combination attacker misses a's hidden themes together: %v", problems)
	}
}
