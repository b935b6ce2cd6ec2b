package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"meldwijzer/app"
)

// set moves the clock to t.
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// ids returns the ids of an inbox page.
func ids(t *testing.T, list map[string]any) []string {
	t.Helper()
	var out []string
	for _, r := range list["reports"].([]any) {
		out = append(out, r.(map[string]any)["id"].(string))
	}
	return out
}

// A case team's day: the inbox by deadline and the overdue ones, a case assigned, an internal
// note the reporter never sees, and an answer that takes the case in progress.
func TestCaseWork(t *testing.T) {
	c := &clock{now: time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)}
	ts := newServerWith(t, app.Options{Now: c.Now})
	handler := ts.token(t, "roc-voorbeeldstad", "handler", 1000*time.Hour)
	viewer := ts.token(t, "roc-voorbeeldstad", "viewer", 1000*time.Hour)
	base := "/api/v1/institutions/roc-voorbeeldstad/reports"

	// Three reports on three days: the oldest has the first deadline.
	var id [3]string
	var receipt [3]string
	for i := range id {
		c.set(time.Date(2026, time.March, 2+i, 9, 0, 0, 0, time.UTC))
		id[i], receipt[i] = ts.file(t, "roc-voorbeeldstad", report, fmt.Sprintf("casework-key-%07d", i))
	}
	c.set(time.Date(2026, time.March, 10, 9, 0, 0, 0, time.UTC)) // past the first two acknowledge deadlines (days 9 and 10)

	_, list, _ := ts.do(t, "GET", base, "", "Authorization", handler)
	if got := ids(t, list); strings.Join(got, ",") != id[2]+","+id[1]+","+id[0] {
		t.Fatalf("newest first = %v", got)
	}
	_, list, _ = ts.do(t, "GET", base+"?sort=deadline&limit=2", "", "Authorization", handler)
	if got := ids(t, list); strings.Join(got, ",") != id[0]+","+id[1] || list["cursor"] == nil {
		t.Fatalf("by deadline, first page = %v (%v)", got, list["cursor"])
	}
	_, list, _ = ts.do(t, "GET", base+"?sort=deadline&limit=2&cursor="+url.QueryEscape(list["cursor"].(string)), "", "Authorization", handler)
	if got := ids(t, list); strings.Join(got, ",") != id[2] || list["cursor"] != nil {
		t.Fatalf("by deadline, second page = %v", got)
	}
	_, list, _ = ts.do(t, "GET", base+"?overdue=true", "", "Authorization", handler)
	if got := ids(t, list); strings.Join(got, ",") != id[0]+","+id[1] {
		t.Fatalf("overdue = %v, want the two past their acknowledge deadline", got)
	}
	first := list["reports"].([]any)[0].(map[string]any)
	if first["waitingOn"] != "institution" || first["nextDeadline"] != "2026-03-09" || first["assignee"] != nil {
		t.Fatalf("an unanswered case: %v", first)
	}

	// Assign to me, then answer: the case goes in progress and waits on the reporter.
	status, body, _ := ts.do(t, "PATCH", base+"/"+id[0], `{"assignee":"test-handler"}`, "Authorization", handler)
	if status != 200 || body["report"].(map[string]any)["assignee"] != "test-handler" {
		t.Fatalf("assign: %d %v", status, body)
	}
	const secret = "Intern: de mentor weet ervan, niet doorsturen."
	status, body, _ = ts.do(t, "POST", base+"/"+id[0]+"/notes", `{"text":"`+secret+`"}`, "Authorization", handler)
	if status != 201 || body["note"].(map[string]any)["text"] != secret || body["note"].(map[string]any)["author"] != "test-handler" {
		t.Fatalf("note: %d %v", status, body)
	}
	status, body, _ = ts.do(t, "POST", base+"/"+id[0]+"/messages", `{"text":"We hebben je melding gelezen."}`, "Authorization", handler)
	rep := body["report"].(map[string]any)
	if status != 201 || rep["status"] != "in_progress" || rep["waitingOn"] != "reporter" || rep["noteCount"] != 1.0 {
		t.Fatalf("reply: %d %v", status, rep)
	}
	_, one, _ := ts.do(t, "GET", base+"/"+id[0], "", "Authorization", handler)
	if notes := one["notes"].([]any); len(notes) != 1 || notes[0].(map[string]any)["text"] != secret {
		t.Fatalf("the handler's view of the notes: %v", one["notes"])
	}
	// Acknowledged: no longer overdue; its next deadline is feedback.
	_, list, _ = ts.do(t, "GET", base+"?overdue=true", "", "Authorization", handler)
	if got := ids(t, list); strings.Join(got, ",") != id[1] {
		t.Fatalf("overdue after the answer = %v", got)
	}

	// The reporter sees the answer and the status, never the note; a viewer reads no case.
	status, self, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+receipt[0])
	raw, _ := json.Marshal(self)
	if status != 200 || strings.Contains(string(raw), secret) || strings.Contains(string(raw), "notes") || strings.Contains(string(raw), "test-handler") {
		t.Fatalf("the reporter's view holds the note or the assignee: %s", raw)
	}
	if self["report"].(map[string]any)["status"] != "in_progress" || len(self["messages"].([]any)) != 1 {
		t.Fatalf("the reporter's view: %s", raw)
	}
	if status, _, _ := ts.do(t, "GET", base+"/"+id[0], "", "Authorization", viewer); status != 403 {
		t.Fatalf("a viewer read a case: %d", status)
	}
	if status, _, _ := ts.do(t, "POST", base+"/"+id[0]+"/notes", `{"text":"x"}`, "Authorization", viewer); status != 403 {
		t.Fatalf("a viewer wrote a note: %d", status)
	}

	// The reporter writes back: the case waits on the institution again.
	ts.do(t, "POST", "/api/v1/reports/self/messages", `{"text":"Dank je."}`, "Authorization", "Receipt "+receipt[0])
	_, one, _ = ts.do(t, "GET", base+"/"+id[0], "", "Authorization", handler)
	if one["report"].(map[string]any)["waitingOn"] != "institution" {
		t.Fatalf("after the reporter's message: %v", one["report"])
	}

	// Bad input changes nothing, not even the audit log.
	_, before, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/audit", "", "Authorization", handler)
	entriesBefore := len(before["entries"].([]any))
	for _, bad := range []struct{ method, path, body string }{
		{"PATCH", base + "/" + id[0], `{"status":"closed","assignee":"\n"}`},
		{"PATCH", base + "/" + id[0], `{}`},
		{"POST", base + "/" + id[0] + "/notes", `{"text":""}`},
		{"POST", base + "/" + id[0] + "/notes", `{"text":"` + strings.Repeat("a", 2001) + `"}`},
		{"GET", base + "?status=closed&sort=deadline", ""},
	} {
		if status, body, _ := ts.do(t, bad.method, bad.path, bad.body, "Authorization", handler); status != 400 {
			t.Errorf("%s %s %s: %d %v", bad.method, bad.path, bad.body, status, body)
		}
	}
	_, after, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/audit", "", "Authorization", handler)
	if n := len(after["entries"].([]any)); n != entriesBefore {
		t.Errorf("refused requests wrote %d audit entries", n-entriesBefore)
	}
	_, one, _ = ts.do(t, "GET", base+"/"+id[0], "", "Authorization", handler)
	if one["report"].(map[string]any)["status"] != "in_progress" || len(one["notes"].([]any)) != 1 {
		t.Fatalf("a refused request changed the case: %v", one)
	}

	// Close; past retention the notes are gone with the text.
	ts.do(t, "PATCH", base+"/"+id[0], `{"status":"closed"}`, "Authorization", handler)
	c.Add(366 * 24 * time.Hour)
	_, one, _ = ts.do(t, "GET", base+"/"+id[0], "", "Authorization", handler)
	if len(one["notes"].([]any)) != 0 || one["report"].(map[string]any)["description"] != nil {
		t.Fatalf("past retention: %v", one)
	}
	if status, _, _ := ts.do(t, "POST", base+"/"+id[0]+"/notes", `{"text":"Te laat."}`, "Authorization", handler); status != 409 {
		t.Fatalf("a note past retention: %d", status)
	}
	if status, _, _ := ts.do(t, "PATCH", base+"/"+id[0], `{"assignee":"iemand"}`, "Authorization", handler); status != 409 {
		t.Fatalf("an assignee past retention: %d", status)
	}

	// The audit log has every step, never the note's text.
	_, audit, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/audit", "", "Authorization", handler)
	raw, _ = json.Marshal(audit)
	seen := map[string]bool{}
	for _, e := range audit["entries"].([]any) {
		e := e.(map[string]any)
		if e["reportId"] == id[0] {
			seen[fmt.Sprint(e["action"], "/", e["detail"])] = true
		}
	}
	for _, want := range []string{"assign/test-handler", "note/<nil>", "reply/<nil>", "status/in_progress", "status/closed"} {
		if !seen[want] {
			t.Errorf("the audit log has no %s for the case: %v", want, seen)
		}
	}
	if strings.Contains(string(raw), secret) {
		t.Error("the audit log holds a note's text")
	}
}
