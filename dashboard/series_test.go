package dashboard

import (
	"testing"

	"meldwijzer"
)

// TestIncidentSeries: the incidents' cells carry their series and are suppressed like the
// reports': two serious incidents of seven are hidden, and so is enough else that 7 - 5 cannot
// give them away (serious is exclusive: yes + no = total).
func TestIncidentSeries(t *testing.T) {
	c := func(dim, v string, n int) meldwijzer.Count {
		return meldwijzer.Count{CountKey: meldwijzer.CountKey{Institution: "x", Month: "2026-01", Dimension: dim, Value: v}, N: n}
	}
	counts := []meldwijzer.Count{
		c("total", "all", 7), c("theme", "agressie", 7), c("where", "school", 7),
		c("serious", meldwijzer.SeriousYes, 2), c("serious", meldwijzer.SeriousNo, 5),
		c("involved", "student", 7), c("category", "physical", 6), c("category", "weapon", 1),
	}
	d, err := BuildSeries(Incidents, "x", "2026-01", "2026-01", counts, values, 5)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Cell{}
	for _, cell := range d.Cells {
		if cell.Series != "incidents" {
			t.Fatalf("cell %v has series %q", cell, cell.Series)
		}
		got[cell.Dimension+"/"+cell.Value] = cell
	}
	for _, want := range []string{"serious/yes", "category/weapon"} {
		if !got[want].Suppressed {
			t.Errorf("%s shown: %v", want, got[want])
		}
	}
	if !got["serious/no"].Suppressed && !got["total/all"].Suppressed {
		t.Errorf("serious/yes follows from the total minus serious/no: %v, %v", got["total/all"], got["serious/no"])
	}
	if n := got["involved/workplace"].Count; n == nil || *n != 0 {
		t.Errorf("an involved role without incidents is not a published zero: %v", got["involved/workplace"])
	}
	// The table the month was suppressed on discloses nothing.
	tab := newTable(Incidents, []string{"2026-01"}, values)
	for _, cnt := range counts {
		tab.n[tab.index[key{cnt.Month, cnt.Dimension, cnt.Value}]] = cnt.N
	}
	tab.suppress(5)
	if len(tab.disclosed()) != 0 {
		t.Errorf("the suppressed incident month discloses %v", tab.disclosed())
	}
	reports, _ := Build("x", "2026-01", "2026-01", nil, values, 5)
	reports.Add(d)
	inc, ok := reports.Totals["incidents"]
	if !ok || (inc != nil && *inc != 7) || reports.Totals["reports"] == nil || *reports.Totals["reports"] != 0 || reports.Total != reports.Totals["reports"] {
		t.Errorf("totals %v: want reports 0 and incidents 7 or hidden", reports.Totals)
	}
}
