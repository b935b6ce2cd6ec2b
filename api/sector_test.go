package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/meldpunt"
	"meldwijzer/sector"
	"meldwijzer/sector/sectortest"
)

// sectorWorld is a server whose sector view has participants in regions, with real reports in
// the store (filed through the meldpunt service, so counted by the store's own write), and an
// institution that does not take part.
type sectorWorld struct {
	*testServer
	participants []sector.Participant
	clock        *time.Time
}

func newSectorWorld(t *testing.T) *sectorWorld {
	t.Helper()
	clock := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	w := &sectorWorld{clock: &clock}
	regions := []string{"noord", "noord", "noord", "zuid", "zuid", "zuid", "west"}
	for i, r := range regions {
		w.participants = append(w.participants, sector.Participant{ID: fmt.Sprintf("school-%d", i), Region: r})
	}
	w.testServer = newServerWith(t, app.Options{Now: func() time.Time { return *w.clock },
		Participants: func(context.Context) ([]sector.Participant, error) { return w.participants, nil }})
	keys, err := meldpunt.NewKeys(meldpunt.NewMasterSecret())
	if err != nil {
		t.Fatal(err)
	}
	svc := meldpunt.New(meldpunt.Config{Store: w.store, Keys: keys, Sealer: w.sealer, Institution: func(string) bool { return true },
		Now: func() time.Time { return *w.clock }})
	rng := rand.New(rand.NewPCG(14, 14))
	n := 0
	file := func(inst, theme string) {
		sub := meldpunt.Submission{Audience: meldwijzer.Audiences[rng.IntN(2)], Lang: "nl", Theme: theme,
			Where: meldwijzer.Wheres[rng.IntN(2)], Description: "Een melding voor de test.", FollowUp: false}
		if theme == "discriminatie" {
			sub.Grounds = []string{meldwijzer.Grounds[rng.IntN(2)]}
		}
		n++
		if _, err := svc.Submit(t.Context(), inst, fmt.Sprintf("sector-test-key-%08d", n), sub); err != nil {
			t.Fatal(err)
		}
	}
	for month := range 7 { // January to July; the third quarter is the current one
		*w.clock = time.Date(2026, time.Month(1+month), 10, 9, 0, 0, 0, time.UTC)
		for i, p := range w.participants {
			size := 1 + rng.IntN(4)
			if i == 0 {
				size = 12 // a large school
			}
			for range size {
				file(p.ID, meldwijzer.Themes[rng.IntN(4)])
			}
		}
		for range 50 {
			file("outsider", "pesten") // takes no part: in no figure
		}
	}
	*w.clock = time.Date(2026, 7, 20, 9, 0, 0, 0, time.UTC)
	return w
}

// view asks for the sector view as JSON and as CSV and checks that both say the same.
func (w *sectorWorld) view(t *testing.T, token, from, to string) *sector.Dashboard {
	t.Helper()
	q := "?from=" + from + "&to=" + to
	if from == "" && to == "" {
		q = ""
	}
	var d sector.Dashboard
	status, body := w.get(t, token, "/api/v1/sector/dashboard"+q)
	if status != 200 {
		t.Fatalf("sector view %s..%s: %d %s", from, to, status, body)
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	status, body = w.get(t, token, "/api/v1/sector/dashboard.csv"+q)
	if status != 200 {
		t.Fatalf("sector csv %s..%s: %d %s", from, to, status, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]sector.Cell{}, d.Cells...), d.Period...)
	if len(rows) != len(all)+1 {
		t.Fatalf("the CSV has %d rows, the JSON %d cells", len(rows)-1, len(all))
	}
	for i, row := range rows[1:] {
		c, count := all[i], ""
		if c.Count != nil {
			count = strconv.Itoa(*c.Count)
		}
		month := c.Quarter
		if month == "" {
			month = "all"
		}
		want := []string{c.Series, c.Scope, c.Region, month, c.Dimension, c.Value, count, strconv.FormatBool(c.Suppressed)}
		if strings.Join(row, ",") != strings.Join(want, ",") {
			t.Fatalf("CSV row %d is %v, the JSON says %v", i+1, row, want)
		}
	}
	return &d
}

func (w *sectorWorld) get(t *testing.T, token, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", w.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// The attacker over HTTP: every participant, with its own counts from the store and every figure
// of every period it may ask for (national and regional, JSON and CSV), works out nothing about
// another institution; the school that does not take part is in no figure; only finished quarters.
func TestSectorViewGivesNobodyAway(t *testing.T) {
	w := newSectorWorld(t)
	token := w.token(t, "", "sector", time.Hour)
	// Every period of whole past quarters, asked as months the way the page does.
	periods := [][2]string{{"2026-01", "2026-03"}, {"2026-04", "2026-06"}, {"2026-01", "2026-06"}, {"2026-02", "2026-05"}}
	var seen []*sector.Dashboard
	shown := 0
	for _, p := range periods {
		d := w.view(t, token, p[0], p[1])
		for _, c := range d.Cells {
			if c.Quarter > "2026-Q2" {
				t.Fatalf("a cell of the current quarter: %+v", c)
			}
			if c.Count != nil {
				shown++
			}
		}
		seen = append(seen, d)
	}
	if shown == 0 {
		t.Fatal("nothing is shown: the test proves nothing")
	}
	if len(seen[0].Regions) < 2 {
		t.Fatalf("regions %v: the regional figures are not tried", seen[0].Regions)
	}
	// The current quarter is never shown: a to in it becomes the last finished quarter; a from in
	// it is a 400.
	if d := w.view(t, token, "2026-04", "2026-07"); d.From != "2026-Q2" || d.To != "2026-Q2" {
		t.Errorf("period %s..%s, want 2026-Q2..2026-Q2", d.From, d.To)
	}
	if status, body := w.get(t, token, "/api/v1/sector/dashboard?from=2026-07"); status != 400 {
		t.Errorf("a period in the current quarter: %d %s", status, body)
	}
	if d := w.view(t, token, "", ""); d.To != "2026-Q2" || d.From != "2025-Q3" {
		t.Errorf("the default period is %s..%s, want the last four finished quarters", d.From, d.To)
	}
	// The truth: each participant's counts as the store keeps them (the outsider's are not asked).
	truth := map[string][]meldwijzer.Count{}
	for _, p := range w.participants {
		cs, err := w.store.Counts(t.Context(), p.ID, "2026-01", "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		if truth[p.ID], err = sector.ByQuarter(cs); err != nil {
			t.Fatal(err)
		}
	}
	series := []sector.Series{{Name: "reports", Counts: truth, Dimensions: []sector.Dimension{
		{Name: "theme", Values: meldwijzer.Themes, Exclusive: true},
		{Name: "where", Values: meldwijzer.Wheres, Exclusive: true},
		{Name: "audience", Values: meldwijzer.Audiences, Exclusive: true},
		{Name: "ground", Values: meldwijzer.Grounds},
	}}}
	// The attacker also checks that every figure shown is the sum of the participants' counts: with
	// the outsider's 50 bullying reports a month in any figure, it would say so.
	if problems := sectortest.AttackCombinations(w.participants, series, seen); len(problems) > 0 {
		t.Fatalf("%d findings, first: %s", len(problems), problems[0])
	}
}

// The sector view is for the sector role alone, and the sector role reads nothing else.
func TestSectorViewRoles(t *testing.T) {
	w := newSectorWorld(t)
	sectorToken := w.token(t, "", "sector", time.Hour)
	for _, role := range []string{"handler", "viewer", "admin", "staff"} {
		tok := w.token(t, "roc-voorbeeldstad", role, time.Hour)
		for _, path := range []string{"/api/v1/sector/dashboard", "/api/v1/sector/dashboard.csv"} {
			if status, body := w.get(t, tok, path); status != 403 {
				t.Errorf("a school's %s at %s: %d %s", role, path, status, body)
			}
		}
	}
	for _, path := range []string{"/dashboard", "/dashboard.csv", "/reports", "/audit"} {
		if status, body := w.get(t, sectorToken, "/api/v1/institutions/roc-voorbeeldstad"+path); status != 403 {
			t.Errorf("the sector token at a school's %s: %d %s", path, status, body)
		}
	}
	if status, _ := w.get(t, "", "/api/v1/sector/dashboard"); status != 401 {
		t.Errorf("no token: %d", status)
	}
}
