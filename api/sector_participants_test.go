package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/auth"
	"meldwijzer/meldpunt"
	"meldwijzer/sector"
)

// On a real server (no demo mode) the sector view's participants are the institutions whose
// record says they take part: a school added with Sector set is counted, one without is not,
// and its reports are in no figure.
func TestSectorParticipantsAreTheRecordsThatTakePart(t *testing.T) {
	clock := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	a := apptest.NewReal(t, app.Options{Now: now, InstitutionTTL: time.Nanosecond})
	ctx := t.Context()
	takesPart := []string{"school-a", "school-b", "school-c", "school-d"}
	for _, id := range append(takesPart, "school-out") {
		inst := &meldwijzer.Institution{ID: id, Name: "School " + id, Sector: id != "school-out", Region: "noord"}
		if err := a.Store.PutInstitution(ctx, inst); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	file := func(inst string) {
		n++
		sub := meldpunt.Submission{Audience: "student", Lang: "nl", Theme: "pesten", Where: "school", Description: "Een melding voor de test."}
		if _, err := a.Meldpunt.Submit(ctx, inst, fmt.Sprintf("participants-key-%08d", n), sub); err != nil {
			t.Fatal(err)
		}
	}
	for month := range 3 { // the first quarter
		clock = time.Date(2026, time.Month(1+month), 10, 9, 0, 0, 0, time.UTC)
		for _, id := range takesPart {
			for range 3 {
				file(id)
			}
		}
		for range 40 {
			file("school-out")
		}
	}
	clock = time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	token, err := a.Key.Sign(auth.Identity{Subject: "analist", Role: auth.RoleSector}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Handler())
	t.Cleanup(ts.Close)
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/sector/dashboard?from=2026-01&to=2026-03", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if status := res.StatusCode; status != 200 {
		t.Fatalf("sector view: %d %s", status, body)
	}
	var d sector.Dashboard
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Institutions != len(takesPart) {
		t.Errorf("the view counts %d institutions, want the %d whose record takes part", d.Institutions, len(takesPart))
	}
	for _, c := range d.Period {
		if c.Series == "reports" && c.Scope == sector.ScopeNational && c.Dimension == "total" {
			if c.Count == nil || *c.Count != 3*3*len(takesPart) {
				t.Errorf("national total %v, want %d: only the participants' reports", c.Count, 3*3*len(takesPart))
			}
			return
		}
	}
	t.Fatalf("no national total in %s", body)
}
