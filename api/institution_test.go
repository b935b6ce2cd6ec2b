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

func (ts *testServer) token(t *testing.T, institution, role string, ttl time.Duration) string {
	t.Helper()
	tok, err := ts.key.Sign(auth.Identity{Subject: "test-" + role, Institution: institution, Role: role}, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

// file submits a report and returns its id and receipt.
func (ts *testServer) file(t *testing.T, institution, body, key string) (string, string) {
	t.Helper()
	status, res, _ := ts.do(t, "POST", "/api/v1/institutions/"+institution+"/reports", body, "Idempotency-Key", key)
	if status != 201 {
		t.Fatalf("filing a report: %d %v", status, res)
	}
	receipt, _ := res["receipt"].(string)
	return res["report"].(map[string]any)["id"].(string), receipt
}

func TestHandlerAnswersAReport(t *testing.T) {
	ts := newTestServer(t)
	id, receipt := ts.file(t, "roc-voorbeeldstad", report, "case-key-00000000001")
	handler := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)
	base := "/api/v1/institutions/roc-voorbeeldstad/reports"

	status, list, _ := ts.do(t, "GET", base+"?status=received", "", "Authorization", handler)
	reports, _ := list["reports"].([]any)
	if status != 200 || len(reports) != 1 || reports[0].(map[string]any)["id"] != id {
		t.Fatalf("inbox: %d %v", status, list)
	}
	if reports[0].(map[string]any)["description"] != nil {
		t.Errorf("the inbox list carries the report text")
	}
	status, one, _ := ts.do(t, "GET", base+"/"+id, "", "Authorization", handler)
	if status != 200 || !strings.Contains(one["report"].(map[string]any)["description"].(string), "stagebegeleider") {
		t.Fatalf("read: %d %v", status, one)
	}
	status, body, _ := ts.do(t, "POST", base+"/"+id+"/messages", `{"text":"Dank je voor je melding. Wil je vertellen bij welk bedrijf dit was?"}`, "Authorization", handler)
	if status != 201 {
		t.Fatalf("reply: %d %v", status, body)
	}
	status, body, _ = ts.do(t, "PATCH", base+"/"+id, `{"status":"in_progress"}`, "Authorization", handler)
	if status != 200 || body["report"].(map[string]any)["status"] != "in_progress" || body["report"].(map[string]any)["acknowledgedAt"] == nil {
		t.Fatalf("status: %d %v", status, body)
	}
	// The anonymous reporter sees the answer and the status.
	_, self, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+receipt)
	msgs := self["messages"].([]any)
	if self["report"].(map[string]any)["status"] != "in_progress" || len(msgs) != 1 || msgs[0].(map[string]any)["from"] != "institution" {
		t.Errorf("the reporter sees %v", self)
	}
	status, body, _ = ts.do(t, "PATCH", base+"/"+id, `{"status":"opgelost"}`, "Authorization", handler)
	if status != 400 {
		t.Errorf("an unknown status: %d %v", status, body)
	}
	// Every read and write is in the audit log, without the text.
	status, audit, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/audit", "", "Authorization", handler)
	entries, _ := audit["entries"].([]any)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if status != 200 || strings.Join(actions, ",") != "status,status,reply,read,list" && strings.Join(actions, ",") != "status,reply,read,list" {
		t.Errorf("audit log: %d %v", status, actions)
	}
	if strings.Contains(fmt.Sprint(audit), "stagebegeleider") {
		t.Errorf("the audit log holds report text")
	}
}

func TestInstitutionRoutesRefuseAttacks(t *testing.T) {
	ts := newTestServer(t)
	id, _ := ts.file(t, "roc-voorbeeldstad", report, "attack-key-000000001")
	own := "/api/v1/institutions/roc-voorbeeldstad"
	good := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)
	parts := strings.Split(strings.TrimPrefix(good, "Bearer "), ".")
	// Change one character of the payload: the signature no longer fits.
	payload := []byte(parts[1])
	payload[5] ^= 1
	tampered := "Bearer " + parts[0] + "." + string(payload) + "." + parts[2]
	unsigned := "Bearer " + parts[0][:0] + "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
	otherKey, err := auth.LoadLocalKey(t.TempDir() + "/other.key")
	if err != nil {
		t.Fatal(err)
	}
	foreignTok, _ := otherKey.Sign(auth.Identity{Subject: "x", Institution: "roc-voorbeeldstad", Role: "handler"}, time.Hour)

	tokens := map[string]string{
		"none":                "",
		"tampered":            tampered,
		"unsigned":            unsigned,
		"signed by another":   "Bearer " + foreignTok,
		"expired":             ts.token(t, "roc-voorbeeldstad", "handler", -time.Minute),
		"other institution":   ts.token(t, "techniek-college-denkbeeldig", "handler", time.Hour),
		"viewer on a handler": ts.token(t, "roc-voorbeeldstad", "viewer", time.Hour),
	}
	want := map[string]int{"none": 401, "tampered": 401, "unsigned": 401, "signed by another": 401, "expired": 401, "other institution": 403, "viewer on a handler": 403}
	requests := []struct{ method, path, body string }{
		{"GET", own + "/reports", ""},
		{"GET", own + "/reports/" + id, ""},
		{"POST", own + "/reports/" + id + "/messages", `{"text":"hallo"}`},
		{"PATCH", own + "/reports/" + id, `{"status":"closed"}`},
	}
	for name, tok := range tokens {
		for _, rq := range requests {
			t.Run(name+" "+rq.method+" "+rq.path[len(own):], func(t *testing.T) {
				status, body, _ := ts.do(t, rq.method, rq.path, rq.body, "Authorization", tok)
				if status != want[name] {
					t.Errorf("want %d, got %d %v", want[name], status, body)
				}
				if strings.Contains(fmt.Sprint(body), "stagebegeleider") {
					t.Errorf("report text leaked: %v", body)
				}
			})
		}
	}
	// Nothing changed: the report is untouched and unanswered.
	rep, err := ts.store.Report(t.Context(), "roc-voorbeeldstad", id)
	if err != nil || rep.Status != "received" || len(rep.Messages) != 0 {
		t.Errorf("after the attacks: %v %+v", err, rep)
	}
	// Another institution's handler asking for this report under its own institution finds nothing.
	other := ts.token(t, "techniek-college-denkbeeldig", "handler", time.Hour)
	if status, _, _ := ts.do(t, "GET", "/api/v1/institutions/techniek-college-denkbeeldig/reports/"+id, "", "Authorization", other); status != 404 {
		t.Errorf("cross-institution read by id: %d", status)
	}
	// A viewer may see the dashboard, but not the audit of another institution.
	viewer := ts.token(t, "roc-voorbeeldstad", "viewer", time.Hour)
	if status, body, _ := ts.do(t, "GET", own+"/dashboard", "", "Authorization", viewer); status != 200 {
		t.Errorf("viewer dashboard: %d %v", status, body)
	}
	if status, _, _ := ts.do(t, "GET", "/api/v1/institutions/techniek-college-denkbeeldig/dashboard", "", "Authorization", viewer); status != 403 {
		t.Errorf("another institution's dashboard: %d", status)
	}
}

func TestDashboardSuppressesSmallCounts(t *testing.T) {
	ts := newTestServer(t)
	for i := range 7 {
		body := strings.Replace(report, `"discriminatie","where":"stage","grounds":["herkomst"]`, `"pesten","where":"school"`, 1)
		if i == 6 {
			body = report // one discrimination report at the stage
		}
		ts.file(t, "roc-voorbeeldstad", body, fmt.Sprintf("dash-key-%011d", i))
	}
	// The handler's dashboard has the current month (a viewer's has whole past months only).
	handler := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)
	month := time.Now().UTC().Format("2006-01")
	status, d, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/dashboard?from="+month+"&to="+month, "", "Authorization", handler)
	if status != 200 || d["total"] != float64(7) || d["suppressedBelow"] != float64(5) {
		t.Fatalf("dashboard: %d %v", status, d)
	}
	cells := d["cells"].([]any)
	find := func(dim, val string) map[string]any {
		for _, c := range cells {
			c := c.(map[string]any)
			if c["dimension"] == dim && c["value"] == val {
				return c
			}
		}
		t.Fatalf("no cell %s/%s", dim, val)
		return nil
	}
	if c := find("theme", "discriminatie"); c["count"] != nil || c["suppressed"] != true {
		t.Errorf("a count of 1 is shown: %v", c)
	}
	// 7 in total and pesten 6 would give discriminatie away: pesten is hidden too.
	if c := find("theme", "pesten"); c["count"] != nil {
		t.Errorf("the complement of a hidden count is shown: %v", c)
	}
	if d["cases"].(map[string]any)["open"] != float64(7) {
		t.Errorf("cases %v", d["cases"])
	}

	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/institutions/roc-voorbeeldstad/dashboard.csv?from="+month+"&to="+month, nil)
	req.Header.Set("Authorization", handler)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v %s", res.StatusCode, err, raw)
	}
	if strings.Join(rows[0], ",") != "month,dimension,value,count,suppressed,series" {
		t.Errorf("header %v", rows[0])
	}
	for _, r := range rows[1:] {
		if r[5] == "reports" && r[2] == "discriminatie" && (r[3] != "" || r[4] != "true") {
			t.Errorf("csv shows a small count: %v", r)
		}
	}
}

func TestDemoSignin(t *testing.T) {
	ts := newTestServer(t)
	status, body, _ := ts.do(t, "POST", "/api/v1/local/signin", `{"institution":"roc-voorbeeldstad","role":"handler"}`)
	if status != 200 || body["token"] == "" {
		t.Fatalf("demo sign-in: %d %v", status, body)
	}
	if status, _, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/reports", "", "Authorization", "Bearer "+body["token"].(string)); status != 200 {
		t.Errorf("the demo token does not work: %d", status)
	}
	if status, _, _ := ts.do(t, "POST", "/api/v1/local/signin", `{"institution":"roc-voorbeeldstad","role":"sector"}`); status != 400 {
		t.Errorf("the sector role from a school's demo sign-in: %d", status)
	}
}
