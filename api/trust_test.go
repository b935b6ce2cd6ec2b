package api_test

import (
	"sync"
	"testing"
	"time"

	"meldwijzer/app"
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
