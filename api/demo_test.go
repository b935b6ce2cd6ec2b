package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/auth"
	"meldwijzer/lambdahttp"
)

const demoReport = `{"audience":"student","lang":"nl","theme":"pesten","where":"school","description":"x","followUp":false}`

// Finding 7: without demo mode a server has no demo institutions and no passwordless sign-in,
// on the local server and through the Lambda adapter alike.
func TestNoDemoWithoutDemoMode(t *testing.T) {
	a := apptest.NewReal(t, app.Options{Logger: slog.New(slog.DiscardHandler)})
	hs := httptest.NewServer(a.Handler())
	t.Cleanup(hs.Close)
	ts := &testServer{Server: hs, key: a.Key, store: a.Store}

	if status, body, _ := ts.do(t, "POST", "/api/v1/local/signin", `{"institution":"roc-voorbeeldstad","role":"handler"}`); status != 404 {
		t.Errorf("sign-in without -demo: %d %v, want 404", status, body)
	}
	if _, body, _ := ts.do(t, "GET", "/api/v1/institutions", ""); len(body["institutions"].([]any)) != 0 {
		t.Errorf("demo institutions listed without -demo: %v", body)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/institutions/roc-voorbeeldstad", ""},
		{"POST", "/api/v1/institutions/roc-voorbeeldstad/reports", demoReport},
		{"POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","institution":"roc-voorbeeldstad"}`},
	} {
		if status, body, _ := ts.do(t, c.method, c.path, c.body, "Idempotency-Key", "0123456789abcdef0123"); status != 404 {
			t.Errorf("%s %s without -demo: %d %v, want 404", c.method, c.path, status, body)
		}
	}
	// A token that some tool signed for a demo institution reaches nothing either.
	if status, _, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad/reports", "", "Authorization", ts.token(t, "roc-voorbeeldstad", auth.RoleHandler, time.Hour)); status != 404 {
		t.Errorf("demo institution's inbox without -demo: %d, want 404", status)
	}

	// The same through the Lambda adapter with an API Gateway v2 event.
	h := lambdahttp.New(a.Handler(), lambdahttp.Options{})
	res, err := h.Invoke(context.Background(), events.APIGatewayV2HTTPRequest{
		RawPath: "/api/v1/local/signin", Headers: map[string]string{"content-type": "application/json"},
		Body:           `{"institution":"roc-voorbeeldstad","role":"handler"}`,
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", SourceIP: "198.51.100.1"}},
	})
	if err != nil || res.StatusCode != 404 || strings.Contains(res.Body, "token") {
		t.Errorf("sign-in through the Lambda adapter without demo: %d %s %v", res.StatusCode, res.Body, err)
	}
}

// Finding 7, DNS rebinding: a page on another site that points its own name at the local
// server gets a 421 for every request, the demo sign-in included.
func TestHostAllowList(t *testing.T) {
	a := apptest.New(t, app.Options{Hosts: []string{"localhost", "127.0.0.1", "::1"}})
	hs := httptest.NewServer(a.Handler())
	t.Cleanup(hs.Close)
	ts := &testServer{Server: hs, key: a.Key, store: a.Store}
	for _, host := range []string{"attacker.example", "attacker.example:8080", "127.0.0.1.nip.io"} {
		status, body, _ := ts.do(t, "POST", "/api/v1/local/signin", `{"institution":"roc-voorbeeldstad","role":"handler"}`, "Host", host)
		if status != 421 || body["token"] != nil {
			t.Errorf("Host %s: %d %v, want 421 and no token", host, status, body)
		}
	}
	for _, host := range []string{"", "localhost:8080", "[::1]:8080"} {
		if status, body, _ := ts.do(t, "GET", "/healthz", "", "Host", host); status != 200 {
			t.Errorf("Host %q: %d %v, want 200", host, status, body)
		}
	}
}

// Demo mode fills each demo institution with twelve months of fictitious reports from a fixed
// seed, once: a restart adds nothing, and two servers show the same reports.
func TestDemoData(t *testing.T) {
	now := time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC)
	summary := func() (string, int) {
		a := apptest.New(t, app.Options{Now: func() time.Time { return now }})
		n, err := a.Meldpunt.SeedDemo(context.Background(), []string{"roc-voorbeeldstad"})
		if err != nil || n < 12*4 {
			t.Fatalf("seed: %d reports, %v", n, err)
		}
		if again, err := a.Meldpunt.SeedDemo(context.Background(), []string{"roc-voorbeeldstad"}); again != 0 || err != nil {
			t.Errorf("a second seed added %d reports (%v)", again, err)
		}
		counts, err := a.Store.Counts(context.Background(), "roc-voorbeeldstad", "2025-12", "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		months, statuses := map[string]bool{}, map[string]int{}
		for _, c := range counts {
			if c.Dimension == "total" {
				months[c.Month] = true
			}
		}
		// And twelve months of incidents, for the dashboard's second series.
		incidents, err := a.Store.IncidentCounts(context.Background(), "roc-voorbeeldstad", "2025-12", "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		incidentMonths := map[string]bool{}
		for _, c := range incidents {
			if c.Dimension == "total" && c.N > 0 {
				incidentMonths[c.Month] = true
			}
		}
		if len(incidentMonths) != 12 {
			t.Errorf("demo incidents cover %d months, want 12", len(incidentMonths))
		}
		reports, _, err := a.Store.Reports(context.Background(), meldwijzer.ReportFilter{Institution: "roc-voorbeeldstad", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var themes []string
		for _, r := range reports {
			statuses[r.Status]++
			themes = append(themes, r.Theme+"/"+r.CreatedAt.Format(time.DateOnly))
		}
		if len(months) != 12 || statuses[meldwijzer.StatusClosed] == 0 || statuses[meldwijzer.StatusReceived] == 0 || statuses[meldwijzer.StatusInProgress] == 0 {
			t.Errorf("demo data covers %d months with statuses %v, want 12 months and every status", len(months), statuses)
		}
		slices.Sort(themes)
		b, _ := json.Marshal(themes)
		return string(b), n
	}
	first, n1 := summary()
	second, n2 := summary()
	if first != second || n1 != n2 {
		t.Errorf("the demo data differs between two servers (%d and %d reports)", n1, n2)
	}
}
