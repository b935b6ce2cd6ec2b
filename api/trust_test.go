package api_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer/app"
	"meldwijzer/lambdahttp"
)

// clock is a test's settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Finding 6: past its expiry a report's text is gone for everyone before any sweep runs, and a
// closed report cannot be reopened (which made its receipt work again).
func TestExpiredReportIsGoneOnRead(t *testing.T) {
	c := &clock{now: time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)}
	ts := newServerWith(t, app.Options{Now: c.Now, Retention: 48 * time.Hour})
	id, receipt := ts.file(t, "roc-voorbeeldstad", report, "expiry-key-000000001")
	handler := ts.token(t, "roc-voorbeeldstad", "handler", 24*365*time.Hour)
	base := "/api/v1/institutions/roc-voorbeeldstad/reports/" + id
	if status, body, _ := ts.do(t, "POST", base+"/messages", `{"text":"Dank je, we kijken ernaar."}`, "Authorization", handler); status != 201 {
		t.Fatalf("reply: %d %v", status, body)
	}
	if status, body, _ := ts.do(t, "PATCH", base, `{"status":"closed"}`, "Authorization", handler); status != 200 {
		t.Fatalf("close: %d %v", status, body)
	}
	c.Add(49 * time.Hour) // past the retention; no sweep has run

	status, one, _ := ts.do(t, "GET", base, "", "Authorization", handler)
	rep, _ := one["report"].(map[string]any)
	if status != 200 || rep["description"] != nil || len(one["messages"].([]any)) != 0 || rep["messageCount"] != 0.0 {
		t.Errorf("an expired report still shows its text: %d %v", status, one)
	}
	for _, st := range []string{"received", "in_progress"} {
		if status, body, _ := ts.do(t, "PATCH", base, `{"status":"`+st+`"}`, "Authorization", handler); status != 409 {
			t.Errorf("reopening an expired report as %s: %d %v, want 409", st, status, body)
		}
	}
	if status, body, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+receipt); status != 401 {
		t.Errorf("the receipt of an expired report: %d %v, want 401", status, body)
	}
	if status, list, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/reports?status=closed", "", "Authorization", handler); status != 200 || len(list["reports"].([]any)) != 1 || list["reports"].([]any)[0].(map[string]any)["messageCount"] != 0.0 {
		t.Errorf("the inbox counts an expired report's messages: %d %v", status, list)
	}
}

var dayPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// timeFields collects every value of a JSON answer under a key that names a time.
func timeFields(v any, path string, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "at" || strings.HasSuffix(k, "At") || strings.HasSuffix(k, "By")) {
				out[path+"."+k] = s
			}
			timeFields(x, path+"."+k, out)
		}
	case []any:
		for i, x := range v {
			timeFields(x, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// Finding 4: no answer carries a time finer than a day, reports of one day list in the order
// they arrived, and a viewer's audit log names no report and no time of day.
func TestNoPreciseTimes(t *testing.T) {
	c := &clock{now: time.Date(2026, 3, 10, 9, 30, 15, 123_000_000, time.UTC)}
	ts := newServerWith(t, app.Options{Now: c.Now})
	first, receipt := ts.file(t, "roc-voorbeeldstad", report, "times-key-0000000001")
	c.Add(3 * time.Hour)
	second, _ := ts.file(t, "roc-voorbeeldstad", report, "times-key-0000000002")
	handler := ts.token(t, "roc-voorbeeldstad", "handler", 24*time.Hour)
	viewer := ts.token(t, "roc-voorbeeldstad", "viewer", 24*time.Hour)
	base := "/api/v1/institutions/roc-voorbeeldstad/reports"

	answers := map[string]map[string]any{}
	_, answers["reply"], _ = ts.do(t, "POST", base+"/"+first+"/messages", `{"text":"Dank je."}`, "Authorization", handler)
	_, answers["status"], _ = ts.do(t, "PATCH", base+"/"+first, `{"status":"closed"}`, "Authorization", handler)
	_, answers["case"], _ = ts.do(t, "GET", base+"/"+first, "", "Authorization", handler)
	_, answers["inbox"], _ = ts.do(t, "GET", base, "", "Authorization", handler)
	_, answers["self"], _ = ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+receipt)
	_, answers["create"], _ = ts.do(t, "POST", base, report, "Idempotency-Key", "times-key-0000000003")
	fields := map[string]string{}
	for name, a := range answers {
		timeFields(a, name, fields)
	}
	if len(fields) < 15 {
		t.Fatalf("only %d time fields found: %v", len(fields), fields)
	}
	for path, v := range fields {
		if !dayPattern.MatchString(v) {
			t.Errorf("%s = %q: a time finer than a day", path, v)
		}
	}
	ids := []string{}
	for _, r := range answers["inbox"]["reports"].([]any) {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	if len(ids) != 2 || slices.Index(ids, second) > slices.Index(ids, first) {
		t.Errorf("inbox order %v: the later report of the day (%s) must come before the earlier (%s)", ids, second, first)
	}

	_, audit, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/audit", "", "Authorization", viewer)
	for _, e := range audit["entries"].([]any) {
		e := e.(map[string]any)
		if e["reportId"] != nil || !dayPattern.MatchString(e["at"].(string)) {
			t.Errorf("a viewer's audit entry names a report or a time of day: %v", e)
		}
	}
	if raw := fmt.Sprint(audit); strings.Contains(raw, first) || strings.Contains(raw, second) {
		t.Errorf("a viewer's audit log holds a report id: %s", raw)
	}

	// The same answer through the Lambda adapter, from an API Gateway v2 event.
	h := lambdahttp.New(ts.Config.Handler, lambdahttp.Options{})
	res, err := h.Invoke(t.Context(), events.APIGatewayV2HTTPRequest{
		RawPath: base, Body: report,
		Headers:        map[string]string{"content-type": "application/json", "idempotency-key": "times-key-0000000004"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", SourceIP: "198.51.100.7"}},
	})
	var created struct {
		Report struct {
			CreatedAt string `json:"createdAt"`
		} `json:"report"`
	}
	if err != nil || res.StatusCode != 201 || json.Unmarshal([]byte(res.Body), &created) != nil || !dayPattern.MatchString(created.Report.CreatedAt) {
		t.Errorf("through the Lambda adapter: %d %s %v", res.StatusCode, res.Body, err)
	}
}

// dashboardOf reads a dashboard as JSON.
func (ts *testServer) dashboardOf(t *testing.T, token, from, to string) (int, map[string]any) {
	t.Helper()
	status, d, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/dashboard?from="+from+"&to="+to, "", "Authorization", token)
	return status, d
}

// cellOf is the count of a dashboard cell (month "" for the period), or -1 when hidden.
func cellOf(d map[string]any, month, dim, value string) int {
	cells := d["cells"].([]any)
	if month == "" {
		cells = d["period"].([]any)
	}
	for _, c := range cells {
		c := c.(map[string]any)
		if (month == "" || c["month"] == month) && c["dimension"] == dim && c["value"] == value {
			if n, ok := c["count"].(float64); ok {
				return int(n)
			}
			return -1
		}
	}
	return -2
}

// Finding 3: the differencing attacks. Jan–Mar showed seksueel 11 with March hidden and Jan–Feb
// showed 10, so March had 1; a reload before and after a report showed which cells went up by
// one; open and overdue counts were never hidden. Now none of this works for a viewer.
func TestDashboardDifferencingAttacks(t *testing.T) {
	c := &clock{now: time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC)}
	ts := newServerWith(t, app.Options{Now: c.Now})
	n := 0
	file := func(theme string, count int) {
		for range count {
			body := strings.Replace(report, `"discriminatie","where":"stage","grounds":["herkomst"]`, `"`+theme+`","where":"school"`, 1)
			n++
			ts.file(t, "roc-voorbeeldstad", body, fmt.Sprintf("diff-key-%011d", n))
		}
	}
	file("seksueel", 5) // January
	file("pesten", 9)
	c.now = time.Date(2026, 2, 10, 10, 0, 0, 0, time.UTC)
	file("seksueel", 5)
	file("pesten", 9)
	c.now = time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	file("seksueel", 1)
	file("pesten", 12)
	c.now = time.Date(2026, 4, 20, 10, 0, 0, 0, time.UTC)
	viewer := ts.token(t, "roc-voorbeeldstad", "viewer", 24*time.Hour)

	_, q1 := ts.dashboardOf(t, viewer, "2026-01", "2026-03")
	_, q2 := ts.dashboardOf(t, viewer, "2026-01", "2026-02")
	_, q3 := ts.dashboardOf(t, viewer, "2026-02", "2026-03")
	if cellOf(q1, "2026-03", "theme", "seksueel") != -1 {
		t.Fatalf("March's seksueel (1) is shown")
	}
	for _, pair := range [][2]map[string]any{{q1, q2}, {q3, q2}} {
		a, b := cellOf(pair[0], "", "theme", "seksueel"), cellOf(pair[1], "", "theme", "seksueel")
		if a >= 0 && b >= 0 && a != b {
			t.Errorf("periods %v..%v and %v..%v show seksueel %d and %d: March's hidden count is %d",
				pair[0]["from"], pair[0]["to"], pair[1]["from"], pair[1]["to"], a, b, a-b)
		}
		if ta, tb := pair[0]["total"], pair[1]["total"]; ta != nil && tb != nil && cellOf(pair[0], "2026-03", "total", "all") == -1 {
			t.Errorf("the period totals %v and %v give a hidden month's total away", ta, tb)
		}
	}
	for _, q := range []map[string]any{q1, q2, q3} {
		if q["cases"] != nil {
			t.Errorf("a viewer sees open and overdue counts: %v", q["cases"])
		}
	}
	// A month's cells are the same in every period that includes it.
	for _, dim := range [][2]string{{"theme", "seksueel"}, {"theme", "pesten"}, {"total", "all"}} {
		if a, b := cellOf(q1, "2026-02", dim[0], dim[1]), cellOf(q2, "2026-02", dim[0], dim[1]); a != b {
			t.Errorf("February %s/%s is %d in one period and %d in another", dim[0], dim[1], a, b)
		}
	}

	// Reload before and after a report: the current month is not shown to a viewer, so nothing
	// changes, and asking for it is refused or cut to last month.
	_, before := ts.dashboardOf(t, viewer, "2026-01", "2026-04")
	file("agressie", 1)
	_, after := ts.dashboardOf(t, viewer, "2026-01", "2026-04")
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("a viewer's dashboard changed with one new report:\nbefore %v\nafter  %v", before, after)
	}
	if after["to"] != "2026-03" {
		t.Errorf("a viewer's period ends %v, want the last whole month 2026-03", after["to"])
	}
	if status, body := ts.dashboardOf(t, viewer, "2026-04", "2026-04"); status != 400 {
		t.Errorf("a viewer asking for the current month: %d %v", status, body)
	}
	// The same through the Lambda adapter, with an API Gateway v2 event.
	res, err := lambdahttp.New(ts.Config.Handler, lambdahttp.Options{}).Invoke(t.Context(), events.APIGatewayV2HTTPRequest{
		RawPath: "/api/v1/institutions/roc-voorbeeldstad/dashboard", RawQueryString: "from=2026-01&to=2026-04",
		Headers:        map[string]string{"authorization": viewer},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", SourceIP: "198.51.100.7"}},
	})
	if err != nil || res.StatusCode != 200 || strings.Contains(res.Body, `"cases"`) || !strings.Contains(res.Body, `"to":"2026-03"`) {
		t.Errorf("a viewer's dashboard through the Lambda adapter: %d %s %v", res.StatusCode, res.Body, err)
	}

	// The handler sees the current month and the open cases.
	handler := ts.token(t, "roc-voorbeeldstad", "handler", 24*time.Hour)
	if _, h := ts.dashboardOf(t, handler, "2026-04", "2026-04"); h["cases"] == nil {
		t.Errorf("the handler has no case counts: %v", h)
	}
}
