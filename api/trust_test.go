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
