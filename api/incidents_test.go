package api_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"meldwijzer/auth"
)

// staffToken is a token of a staff member with their own subject.
func (ts *testServer) staffToken(t *testing.T, institution, subject string, roles ...string) string {
	t.Helper()
	tok, err := ts.key.Sign(auth.Identity{Subject: subject, Institution: institution, Role: roles[0], Roles: roles}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func incidentBody(day string, serious bool, note string) string {
	return fmt.Sprintf(`{"day":%q,"theme":"agressie","where":"school","involved":["student","staff"],"categories":["threat","weapon"],`+
		`"serious":%v,"actions":["safety","manager"],"followUp":"aftercare","note":%q}`, day, serious, note)
}

const incidentsPath = "/api/v1/institutions/roc-voorbeeldstad/incidents"

func incidentIDs(body map[string]any) []string {
	var out []string
	for _, in := range body["incidents"].([]any) {
		out = append(out, in.(map[string]any)["id"].(string))
	}
	return out
}

// TestStaffRegisterAnIncident: an employee registers an incident in one request; a retry
// registers nothing; they see their own, a colleague does not, the handler sees all; it appears
// in the dashboard's incidents series and in its CSV.
func TestStaffRegisterAnIncident(t *testing.T) {
	ts := newTestServer(t)
	today := time.Now().UTC().Format(time.DateOnly)
	month := today[:7]
	anna := ts.staffToken(t, "roc-voorbeeldstad", "anna", "staff")
	bram := ts.staffToken(t, "roc-voorbeeldstad", "bram", "staff")
	handler := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)

	body := incidentBody(today, true, "Dreiging bij de ingang. Geen namen.")
	status, res, _ := ts.do(t, "POST", incidentsPath, body, "Authorization", anna, "Idempotency-Key", "incident-key-000001")
	if status != 201 {
		t.Fatalf("registering: %d %v", status, res)
	}
	first := res["incident"].(map[string]any)
	if first["day"] != today {
		t.Errorf("day %v, want %s", first["day"], today)
	}
	status, res, _ = ts.do(t, "POST", incidentsPath, body, "Authorization", anna, "Idempotency-Key", "incident-key-000001")
	if status != 200 || res["incident"].(map[string]any)["id"] != first["id"] {
		t.Fatalf("a retry: %d %v, want 200 and the first id", status, res)
	}
	if status, _, _ := ts.do(t, "POST", incidentsPath, strings.Replace(body, `"aftercare"`, `"none"`, 1), "Authorization", anna, "Idempotency-Key", "incident-key-000001"); status != 409 {
		t.Errorf("the same key with another body: %d, want 409", status)
	}
	// Bram's own, not serious, without a note.
	if status, res, _ := ts.do(t, "POST", incidentsPath, incidentBody(today, false, ""), "Authorization", bram, "Idempotency-Key", "incident-key-000002"); status != 201 {
		t.Fatalf("bram registering: %d %v", status, res)
	}

	_, own, _ := ts.do(t, "GET", incidentsPath, "", "Authorization", anna)
	if ids := incidentIDs(own); len(ids) != 1 || ids[0] != first["id"] {
		t.Fatalf("anna sees %v, want only her own %v", ids, first["id"])
	}
	mine := own["incidents"].([]any)[0].(map[string]any)
	if mine["note"] != "Dreiging bij de ingang. Geen namen." || mine["serious"] != true || mine["day"] != today {
		t.Errorf("anna's incident: %v", mine)
	}
	for _, k := range []string{"author", "subject", "registeredBy"} {
		if _, ok := mine[k]; ok {
			t.Errorf("an incident shows %s", k)
		}
	}
	if _, all, _ := ts.do(t, "GET", incidentsPath, "", "Authorization", handler); len(incidentIDs(all)) != 2 {
		t.Errorf("the handler sees %v, want both", incidentIDs(all))
	}
	_, serious, _ := ts.do(t, "GET", incidentsPath+"?serious=true", "", "Authorization", handler)
	if ids := incidentIDs(serious); len(ids) != 1 || ids[0] != first["id"] {
		t.Fatalf("the serious list: %v", ids)
	}
	if s := serious["incidents"].([]any)[0].(map[string]any); s["note"] != nil || s["categories"] == nil {
		t.Errorf("the serious list passes on a note, or lacks what happened: %v", s)
	}

	// The dashboard: two incidents this month in the incidents series (2 < k: suppressed, but
	// the cells are there), the reports series unchanged.
	_, d, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/dashboard?from="+month+"&to="+month, "", "Authorization", handler)
	found := 0
	for _, c := range d["cells"].([]any) {
		c := c.(map[string]any)
		if c["series"] == "incidents" && c["dimension"] == "total" && c["month"] == month {
			found++
			if c["count"] != nil || c["suppressed"] != true {
				t.Errorf("two incidents are shown: %v", c)
			}
		}
	}
	if found != 1 {
		t.Errorf("the dashboard has %d incident totals for %s, want 1", found, month)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/institutions/roc-voorbeeldstad/dashboard.csv?from="+month+"&to="+month, nil)
	req.Header.Set("Authorization", handler)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rows, _ := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	series := map[string]int{}
	for _, r := range rows[1:] {
		series[r[5]]++
		if r[5] == "incidents" && r[1] == "category" && r[2] == "weapon" && r[3] != "" {
			t.Errorf("the CSV shows a small incident count: %v", r)
		}
	}
	if series["reports"] == 0 || series["incidents"] == 0 {
		t.Errorf("the CSV's series: %v", series)
	}
}

// TestIncidentsAreTheInstitutions: another institution's token and a viewer can neither
// register nor read incidents; a bad registration changes nothing.
func TestIncidentsAreTheInstitutions(t *testing.T) {
	ts := newTestServer(t)
	today := time.Now().UTC()
	staff := ts.staffToken(t, "roc-voorbeeldstad", "anna", "staff")
	handler := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)
	body := incidentBody(today.Format(time.DateOnly), true, "")
	if status, _, _ := ts.do(t, "POST", incidentsPath, body, "Authorization", staff, "Idempotency-Key", "incident-key-000001"); status != 201 {
		t.Fatal("registering failed")
	}
	for name, tok := range map[string]string{
		"viewer":        ts.token(t, "roc-voorbeeldstad", "viewer", time.Hour),
		"admin":         ts.token(t, "roc-voorbeeldstad", "admin", time.Hour),
		"other handler": ts.token(t, "mbo-college-demo", "handler", time.Hour),
		"other staff":   ts.staffToken(t, "mbo-college-demo", "anna", "staff"),
		"no token":      "",
		"no subject":    ts.staffToken(t, "roc-voorbeeldstad", "", "staff"),
	} {
		for _, m := range []string{"GET", "POST"} {
			b := ""
			if m == "POST" {
				b = body
			}
			status, res, _ := ts.do(t, m, incidentsPath, b, "Authorization", tok, "Idempotency-Key", "incident-key-9"+name)
			if status != 401 && status != 403 && status != 404 {
				t.Errorf("%s %s: %d %v", name, m, status, res)
			}
			if _, ok := res["incidents"]; ok {
				t.Errorf("%s %s got data: %v", name, m, res)
			}
		}
	}
	for name, b := range map[string]string{
		"future day":   incidentBody(today.AddDate(0, 0, 2).Format(time.DateOnly), false, ""),
		"too old":      incidentBody(today.AddDate(-1, 0, -5).Format(time.DateOnly), false, ""),
		"not a day":    incidentBody("gisteren", false, ""),
		"long note":    incidentBody(today.Format(time.DateOnly), false, strings.Repeat("x", 501)),
		"no involved":  strings.Replace(body, `["student","staff"]`, `[]`, 1),
		"bad category": strings.Replace(body, `"threat"`, `"fight"`, 1),
		"twice":        strings.Replace(body, `"weapon"`, `"threat"`, 1),
		"no serious":   strings.Replace(body, `"serious":true,`, ``, 1),
		"grounds":      strings.Replace(body, `"serious"`, `"grounds":["religie"],"serious"`, 1),
	} {
		if status, res, _ := ts.do(t, "POST", incidentsPath, b, "Authorization", staff, "Idempotency-Key", "incident-key-bad-"+strings.ReplaceAll(name, " ", "")); status != 400 {
			t.Errorf("%s: %d %v, want 400", name, status, res)
		}
	}
	if status, _, _ := ts.do(t, "POST", incidentsPath, body, "Authorization", staff); status != 400 {
		t.Errorf("without an Idempotency-Key: %d, want 400", status)
	}
	if _, all, _ := ts.do(t, "GET", incidentsPath, "", "Authorization", handler); len(incidentIDs(all)) != 1 {
		t.Errorf("refused registrations were stored: %v", incidentIDs(all))
	}
}

// TestExportHoldsIncidents: the export (docs/export-schema.md) has the registered incidents: a
// handler's exact, a viewer's suppressed like their dashboard.
func TestExportHoldsIncidents(t *testing.T) {
	ts := newTestServer(t)
	now := time.Now().UTC()
	lastMonth := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	anna := ts.staffToken(t, "roc-voorbeeldstad", "anna", "staff")
	for i, day := range []time.Time{lastMonth, lastMonth.AddDate(0, 0, 1), lastMonth.AddDate(0, 0, 2)} {
		b := incidentBody(day.Format(time.DateOnly), i == 0, "")
		if status, res, _ := ts.do(t, "POST", incidentsPath, b, "Authorization", anna, "Idempotency-Key", fmt.Sprintf("export-key-%010d", i)); status != 201 {
			t.Fatalf("registering: %d %v", status, res)
		}
	}
	m := lastMonth.Format("2006-01")
	row := func(doc map[string]any, series, dim, value string) map[string]any {
		for _, r := range doc["rows"].([]any) {
			r := r.(map[string]any)
			if r["series"] == series && r["month"] == m && r["dimension"] == dim && r["value"] == value {
				return r
			}
		}
		t.Fatalf("no row %s %s %s %s", series, m, dim, value)
		return nil
	}
	q := "?from=" + m + "&to=" + m
	status, exact, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/export.json"+q, "", "Authorization", ts.token(t, "roc-voorbeeldstad", "handler", time.Hour))
	if status != 200 || exact["version"] != float64(1) || exact["schema"] != "meldwijzer-export" || exact["suppressedBelow"] != nil {
		t.Fatalf("the handler's export: %d %v", status, exact["version"])
	}
	for _, want := range []struct {
		dim, value string
		n          float64
	}{{"total", "all", 3}, {"category", "weapon", 3}, {"serious", "yes", 1}, {"serious", "no", 2}, {"involved", "staff", 3}, {"involved", "parent", 0}} {
		if r := row(exact, "incidents", want.dim, want.value); r["count"] != want.n {
			t.Errorf("incidents %s/%s = %v, want %v", want.dim, want.value, r["count"], want.n)
		}
	}
	_, viewer, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/export.json"+q, "", "Authorization", ts.token(t, "roc-voorbeeldstad", "viewer", time.Hour))
	if viewer["suppressedBelow"] != float64(5) {
		t.Errorf("the viewer's export says suppressedBelow %v", viewer["suppressedBelow"])
	}
	for _, dim := range []string{"total", "serious"} {
		value := map[string]string{"total": "all", "serious": "yes"}[dim]
		if r := row(viewer, "incidents", dim, value); r["count"] != nil || r["suppressed"] != true {
			t.Errorf("the viewer's export shows a small count: %v", r)
		}
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/institutions/roc-voorbeeldstad/export.csv"+q, nil)
	req.Header.Set("Authorization", ts.token(t, "roc-voorbeeldstad", "handler", time.Hour))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || strings.Join(rows[0], ",") != "version,institution,series,month,dimension,value,count,suppressed" {
		t.Fatalf("the CSV export: %v %v", err, rows[:1])
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] != "1" || r[1] != "roc-voorbeeldstad" {
			t.Fatalf("a CSV row without its version and institution: %v", r)
		}
		found = found || (r[2] == "incidents" && r[3] == m && r[4] == "category" && r[5] == "weapon" && r[6] == "3")
	}
	if !found {
		t.Error("the CSV export lacks the incidents' weapon count")
	}
}
