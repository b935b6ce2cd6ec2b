package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
)

// contractCase is one request of the contract test; good ones must also pass request
// validation.
type contractCase struct {
	name, method, path, body string
	header                   []string
	good                     bool
}

// Finding 10: an independent validator (kin-openapi) drives every operation of api/openapi.yaml
// with good and bad requests; every real answer, its status included, must be what the
// document declares.
func TestResponsesMatchTheContract(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)

	ts := newTestServer(t)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	id, receipt := ts.file(t, "roc-voorbeeldstad", report, "contract-key-0000001")
	handler := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)
	viewer := ts.token(t, "roc-voorbeeldstad", "viewer", time.Hour)
	other := ts.token(t, "mbo-college-demo", "handler", time.Hour)
	inst := "/api/v1/institutions/roc-voorbeeldstad"
	month := time.Now().UTC().AddDate(0, -1, 0).Format("2006-01")
	noFollowUp := strings.Replace(report, `,"followUp":true`, "", 1)
	big := `{"text":"` + strings.Repeat("a", 11<<10) + `"}`
	json := []string{"Content-Type", "application/json"}
	with := func(h ...string) []string { return append(slices.Clone(json), h...) }

	cases := []contractCase{
		{"health", "GET", "/healthz", "", nil, true},
		{"institutions", "GET", "/api/v1/institutions", "", nil, true},
		{"taxonomy", "GET", "/api/v1/taxonomy?lang=en", "", nil, true},
		{"taxonomy bad lang", "GET", "/api/v1/taxonomy?lang=xx", "", nil, false},
		{"institution", "GET", inst, "", nil, true},
		{"institution unknown", "GET", "/api/v1/institutions/nope", "", nil, false},
		{"institution bad lang", "GET", inst + "?lang=fr", "", nil, false},
		{"step", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl"}`, json, true},
		{"step bad node", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","node":"nope"}`, json, false},
		{"step no json", "POST", "/api/v1/wegwijzer/step", `{"audience":"student"}`, []string{"Content-Type", "text/plain"}, false},
		{"step too large", "POST", "/api/v1/wegwijzer/step", big, json, false},
		{"message", "POST", "/api/v1/wegwijzer/message", `{"audience":"student","lang":"nl","text":"ik word gepest op school"}`, json, true},
		{"message unreadable", "POST", "/api/v1/wegwijzer/message", `{"audience":"student","lang":"nl","text":"qqq"}`, json, true},
		{"message bad", "POST", "/api/v1/wegwijzer/message", `{"audience":"alien","text":"x"}`, json, false},
		{"report", "POST", inst + "/reports", report, with("Idempotency-Key", "contract-key-0000002"), true},
		{"report replay", "POST", inst + "/reports", report, with("Idempotency-Key", "contract-key-0000002"), true},
		{"report conflict", "POST", inst + "/reports", noFollowUp + " ", with("Idempotency-Key", "contract-key-0000002"), false},
		{"report without followUp", "POST", inst + "/reports", noFollowUp, with("Idempotency-Key", "contract-key-0000003"), false},
		{"report no key", "POST", inst + "/reports", report, json, false},
		{"report unknown institution", "POST", "/api/v1/institutions/nope/reports", report, with("Idempotency-Key", "contract-key-0000004"), false},
		{"report too large", "POST", inst + "/reports", `{"description":"` + strings.Repeat("a", 30<<10) + `"}`, with("Idempotency-Key", "contract-key-0000005"), false},
		{"report not json", "POST", inst + "/reports", report, []string{"Content-Type", "text/plain", "Idempotency-Key", "contract-key-0000006"}, false},
		{"self", "GET", "/api/v1/reports/self", "", []string{"Authorization", "Receipt " + receipt}, true},
		{"self wrong", "GET", "/api/v1/reports/self", "", []string{"Authorization", "Receipt 1234"}, false},
		{"self message", "POST", "/api/v1/reports/self/messages", `{"text":"nog iets"}`, with("Authorization", "Receipt "+receipt), true},
		{"self message empty", "POST", "/api/v1/reports/self/messages", `{"text":""}`, with("Authorization", "Receipt "+receipt), false},
		{"self message too large", "POST", "/api/v1/reports/self/messages", big, with("Authorization", "Receipt "+receipt), false},
		{"self message not json", "POST", "/api/v1/reports/self/messages", `{"text":"x"}`, []string{"Content-Type", "text/plain", "Authorization", "Receipt " + receipt}, false},
		{"inbox", "GET", inst + "/reports", "", []string{"Authorization", handler}, true},
		{"inbox open", "GET", inst + "/reports?status=open&limit=1", "", []string{"Authorization", handler}, true},
		{"inbox bad status", "GET", inst + "/reports?status=done", "", []string{"Authorization", handler}, false},
		{"inbox no token", "GET", inst + "/reports", "", nil, false},
		{"inbox viewer", "GET", inst + "/reports", "", []string{"Authorization", viewer}, false},
		{"inbox other institution", "GET", inst + "/reports", "", []string{"Authorization", other}, false},
		{"case", "GET", inst + "/reports/" + id, "", []string{"Authorization", handler}, true},
		{"case unknown", "GET", inst + "/reports/nope", "", []string{"Authorization", handler}, false},
		{"reply", "POST", inst + "/reports/" + id + "/messages", `{"text":"Dank je."}`, with("Authorization", handler), true},
		{"reply bad", "POST", inst + "/reports/" + id + "/messages", `{"text":1}`, with("Authorization", handler), false},
		{"reply too large", "POST", inst + "/reports/" + id + "/messages", big, with("Authorization", handler), false},
		{"reply not json", "POST", inst + "/reports/" + id + "/messages", `{"text":"x"}`, []string{"Content-Type", "text/plain", "Authorization", handler}, false},
		{"status", "PATCH", inst + "/reports/" + id, `{"status":"in_progress"}`, with("Authorization", handler), true},
		{"status bad", "PATCH", inst + "/reports/" + id, `{"status":"done"}`, with("Authorization", handler), false},
		{"status too large", "PATCH", inst + "/reports/" + id, `{"status":"` + strings.Repeat("a", 2<<10) + `"}`, with("Authorization", handler), false},
		{"inbox by deadline", "GET", inst + "/reports?sort=deadline&limit=2", "", []string{"Authorization", handler}, true},
		{"inbox overdue", "GET", inst + "/reports?status=open&overdue=true", "", []string{"Authorization", handler}, true},
		{"inbox bad sort", "GET", inst + "/reports?sort=oldest", "", []string{"Authorization", handler}, false},
		{"inbox bad overdue", "GET", inst + "/reports?overdue=yes", "", []string{"Authorization", handler}, false},
		{"inbox closed by deadline", "GET", inst + "/reports?status=closed&sort=deadline", "", []string{"Authorization", handler}, false},
		{"assign", "PATCH", inst + "/reports/" + id, `{"assignee":"vp-anna"}`, with("Authorization", handler), true},
		{"assign and status", "PATCH", inst + "/reports/" + id, `{"status":"in_progress","assignee":""}`, with("Authorization", handler), true},
		{"assign bad", "PATCH", inst + "/reports/" + id, `{"assignee":" vp"}`, with("Authorization", handler), false},
		{"patch nothing", "PATCH", inst + "/reports/" + id, `{}`, with("Authorization", handler), false},
		{"assign unknown report", "PATCH", inst + "/reports/nope", `{"assignee":"vp"}`, with("Authorization", handler), false},
		{"note", "POST", inst + "/reports/" + id + "/notes", `{"text":"Intern: gebeld met de mentor."}`, with("Authorization", handler), true},
		{"note empty", "POST", inst + "/reports/" + id + "/notes", `{"text":" "}`, with("Authorization", handler), false},
		{"note too large", "POST", inst + "/reports/" + id + "/notes", big, with("Authorization", handler), false},
		{"note not json", "POST", inst + "/reports/" + id + "/notes", `{"text":"x"}`, []string{"Content-Type", "text/plain", "Authorization", handler}, false},
		{"note viewer", "POST", inst + "/reports/" + id + "/notes", `{"text":"x"}`, with("Authorization", viewer), false},
		{"note unknown report", "POST", inst + "/reports/nope/notes", `{"text":"x"}`, with("Authorization", handler), false},
		{"status not json", "PATCH", inst + "/reports/" + id, `{"status":"closed"}`, []string{"Content-Type", "text/plain", "Authorization", handler}, false},
		{"dashboard", "GET", inst + "/dashboard?from=" + month + "&to=" + month, "", []string{"Authorization", viewer}, true},
		{"dashboard handler", "GET", inst + "/dashboard", "", []string{"Authorization", handler}, true},
		{"dashboard bad", "GET", inst + "/dashboard?from=2026-13", "", []string{"Authorization", viewer}, false},
		{"dashboard csv", "GET", inst + "/dashboard.csv?from=" + month + "&to=" + month, "", []string{"Authorization", viewer}, true},
		{"dashboard csv bad", "GET", inst + "/dashboard.csv?from=x", "", []string{"Authorization", viewer}, false},
		{"audit", "GET", inst + "/audit", "", []string{"Authorization", handler}, true},
		{"audit viewer", "GET", inst + "/audit", "", []string{"Authorization", viewer}, true},
		{"audit bad cursor", "GET", inst + "/audit?cursor=xyz", "", []string{"Authorization", handler}, false},
		{"staff config", "GET", "/api/v1/staff/config", "", nil, true},
		{"signin", "POST", "/api/v1/local/signin", `{"institution":"roc-voorbeeldstad","role":"viewer"}`, json, true},
		{"signin bad role", "POST", "/api/v1/local/signin", `{"institution":"roc-voorbeeldstad","role":"root"}`, json, false},
		{"signin too large", "POST", "/api/v1/local/signin", big, json, false},
		{"signin not json", "POST", "/api/v1/local/signin", `{}`, []string{"Content-Type", "text/plain"}, false},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(c.header); i += 2 {
			req.Header.Set(c.header[i], c.header[i+1])
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s: %s %s is not in the document: %v", c.name, c.method, c.path, err)
			continue
		}
		seen[route.Method+" "+route.Path] = true
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
		if c.good {
			if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
				t.Errorf("%s: the test's good request is not valid: %v", c.name, err)
			}
			req.Body = io.NopCloser(strings.NewReader(c.body))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if c.good != (res.StatusCode < 400) {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, body)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Options: opts}
		out.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s: %s %s answered %d, which the document does not allow: %v\n%s", c.name, c.method, c.path, res.StatusCode, err, truncate(body))
		}
	}
	for _, r := range api.Routes {
		if !seen[r.Method+" "+r.Path] {
			t.Errorf("no contract case for %s %s", r.Method, r.Path)
		}
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(bytes.TrimSpace(b))
}

// Finding 10, the small ones: the Lambda adapter's own 400 carries the security headers, a HEAD
// answer has no body, and a path with ".." gets the JSON 404, not an HTML redirect.
func TestEdgesOfTheContract(t *testing.T) {
	a := apptest.New(t, app.Options{})
	fn := a.Lambda("")
	bad := events.APIGatewayV2HTTPRequest{RawPath: "/api/v1/wegwijzer/step", Body: "%%%", IsBase64Encoded: true,
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", SourceIP: "198.51.100.7"}}}
	res, err := fn.Invoke(t.Context(), bad)
	if err != nil || res.StatusCode != 400 || res.Headers["Content-Security-Policy"] != api.ContentSecurityPolicy || res.Headers["X-Content-Type-Options"] != "nosniff" {
		t.Errorf("the adapter's own 400: %d %v %v", res.StatusCode, res.Headers, err)
	}
	head := events.APIGatewayV2HTTPRequest{RawPath: "/healthz",
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "HEAD", SourceIP: "198.51.100.7"}}}
	if res, err := fn.Invoke(t.Context(), head); err != nil || res.StatusCode != 200 || res.Body != "" {
		t.Errorf("HEAD through the adapter: %d %q %v", res.StatusCode, res.Body, err)
	}
	for _, p := range []string{"/api/v1/../healthz", "/api/v1/institutions/roc-voorbeeldstad/../x", "//api/v1/institutions", "/api/./v1/institutions"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path = p
		w := httptest.NewRecorder()
		a.Handler().ServeHTTP(w, r)
		if w.Code != 404 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %s %q", p, w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
		e := head
		e.RawPath, e.RequestContext.HTTP.Method = p, "GET"
		if res, _ := fn.Invoke(t.Context(), e); res.StatusCode != 404 || !strings.Contains(res.Body, `"not_found"`) {
			t.Errorf("GET %s through the adapter: %d %s", p, res.StatusCode, res.Body)
		}
	}
}
