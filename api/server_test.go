package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/auth"
	"meldwijzer/seal"
	"meldwijzer/store/bolt"
)

type testServer struct {
	*httptest.Server
	logs  *bytes.Buffer
	data  string // the embedded store's directory
	key   *auth.LocalKey
	store *bolt.Store
	// sealer seals report text as the app does (for tests that file through a service of their own).
	sealer *seal.Sealer
}

// newTestServer serves the whole API on the real content and an embedded store in a temporary
// directory. limits, when given, replace the default rate limits.
func newTestServer(t *testing.T, limits ...api.Limits) *testServer {
	t.Helper()
	var o app.Options
	if len(limits) > 0 {
		o.Limits = limits[0]
	}
	return newServerWith(t, o)
}

// newServerWith is newTestServer with the app's options (a clock, a retention) from the test.
func newServerWith(t *testing.T, o app.Options) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := apptest.New(t, o)
	ts := httptest.NewServer(a.Handler())
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, logs: &logs.Buffer, data: a.Dir, key: a.Key, store: a.Store, sealer: a.Sealer}
}

// syncBuffer is a log sink that handlers on several goroutines may write to.
type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

// do sends a request and returns the status and the decoded JSON body.
func (ts *testServer) do(t *testing.T, method, path, body string, header ...string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body is not JSON: %s", method, path, raw)
		}
	}
	return res.StatusCode, out, res.Header
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	if msg == "" {
		return code + " (without a message)"
	}
	return code
}

func TestPublicRoutes(t *testing.T) {
	ts := newTestServer(t)
	t.Run("health", func(t *testing.T) {
		status, body, _ := ts.do(t, "GET", "/healthz", "")
		if status != 200 || body["status"] != "ok" {
			t.Errorf("got %d %v", status, body)
		}
	})
	t.Run("taxonomy", func(t *testing.T) {
		status, body, _ := ts.do(t, "GET", "/api/v1/taxonomy?lang=en", "")
		if status != 200 || body["lang"] != "en" {
			t.Fatalf("got %d %v", status, body)
		}
		for key, want := range map[string]int{"themes": 9, "where": 4, "grounds": 7, "audiences": 2, "urgent": 3, "statuses": 3, "whens": 3} {
			list, _ := body[key].([]any)
			if len(list) != want {
				t.Errorf("%s: %d labels, want %d", key, len(list), want)
			}
		}
		first := body["themes"].([]any)[0].(map[string]any)
		if first["id"] != "discriminatie" || first["label"] != "Discrimination or racism" || first["description"] == "" {
			t.Errorf("first theme %v", first)
		}
		status, body, _ = ts.do(t, "GET", "/api/v1/taxonomy", "", "Accept-Language", "nl-NL,nl;q=0.9")
		if status != 200 || body["lang"] != "nl" {
			t.Errorf("Accept-Language: got %d %v", status, body["lang"])
		}
		status, body, _ = ts.do(t, "GET", "/api/v1/taxonomy?lang=fr", "")
		if e, _ := body["error"].(map[string]any); status != 400 || e["code"] != "invalid_lang" {
			t.Errorf("lang=fr: got %d %v", status, body)
		}
	})
	t.Run("institutions", func(t *testing.T) {
		status, body, _ := ts.do(t, "GET", "/api/v1/institutions", "")
		list, _ := body["institutions"].([]any)
		if status != 200 || len(list) < 2 {
			t.Fatalf("got %d %v", status, body)
		}
		first := list[0].(map[string]any)
		if first["id"] == "" || !strings.Contains(first["name"].(string), "demo") {
			t.Errorf("first institution %v", first)
		}
	})
	t.Run("one institution with its contacts", func(t *testing.T) {
		status, body, _ := ts.do(t, "GET", "/api/v1/institutions/roc-voorbeeldstad?lang=en", "")
		if status != 200 {
			t.Fatalf("got %d %v", status, body)
		}
		contacts := body["contacts"].([]any)
		var found bool
		for _, c := range contacts {
			c := c.(map[string]any)
			if c["id"] == "institution:vertrouwenspersoon" {
				found = c["email"] == "vertrouwenspersoon@roc-voorbeeldstad.example" && strings.Contains(c["name"].(string), "Confidential adviser")
			}
		}
		if !found {
			t.Errorf("no English vertrouwenspersoon with e-mail in %v", contacts)
		}
	})
}

func TestBadInputGetsAClearError(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("a", 5000)
	tests := []struct {
		name, method, path, body string
		header                   []string
		status                   int
		code                     string
	}{
		{"unknown institution", "GET", "/api/v1/institutions/roc-bestaat-niet", "", nil, 404, "not_found"},
		{"bad lang in query", "GET", "/api/v1/institutions/roc-voorbeeldstad?lang=fr", "", nil, 400, "invalid_lang"},
		{"unknown path", "GET", "/api/v1/nope", "", nil, 404, "not_found"},
		{"wrong method", "GET", "/api/v1/wegwijzer/step", "", nil, 405, "method_not_allowed"},
		{"not JSON", "POST", "/api/v1/wegwijzer/step", "audience=student", nil, 400, "invalid_json"},
		{"empty body", "POST", "/api/v1/wegwijzer/step", "", nil, 400, "invalid_json"},
		{"a list, not an object", "POST", "/api/v1/wegwijzer/step", `[1,2]`, nil, 400, "invalid_json"},
		{"two objects", "POST", "/api/v1/wegwijzer/step", `{"audience":"student"}{"audience":"staff"}`, nil, 400, "invalid_json"},
		{"unknown field", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","colour":"red"}`, nil, 400, "invalid"},
		{"wrong type", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","node":7}`, nil, 400, "invalid"},
		{"bad lang", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"fr"}`, nil, 400, "invalid_lang"},
		{"unknown audience", "POST", "/api/v1/wegwijzer/step", `{"audience":"parent","lang":"nl"}`, nil, 400, "invalid"},
		{"unknown institution in step", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","institution":"nope"}`, nil, 404, "not_found"},
		{"unknown node", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","node":"nergens"}`, nil, 400, "invalid"},
		{"node with a made-up state", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","node":"route?theme=treiteren"}`, nil, 400, "invalid"},
		{"choice not offered", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","node":"start","choice":"vliegen"}`, nil, 400, "invalid"},
		{"choice without node", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","choice":"pesten"}`, nil, 400, "invalid"},
		{"body over the limit", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","node":"` + long + `"}`, nil, 413, "too_large"},
		{"not JSON content type", "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media"},
		{"empty message", "POST", "/api/v1/wegwijzer/message", `{"audience":"student","lang":"nl","text":"   "}`, nil, 400, "invalid"},
		{"message too long", "POST", "/api/v1/wegwijzer/message", `{"audience":"student","lang":"nl","text":"` + strings.Repeat("é", 2001) + `"}`, nil, 400, "invalid"},
		{"message body over the limit", "POST", "/api/v1/wegwijzer/message", `{"audience":"student","lang":"nl","text":"` + strings.Repeat("x", 20000) + `"}`, nil, 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := ts.do(t, tt.method, tt.path, tt.body, tt.header...)
			if status != tt.status || errorCode(body) != tt.code {
				t.Errorf("want %d %s, got %d %v", tt.status, tt.code, status, body)
			}
		})
	}
}

func TestSecurityHeadersAndWebApp(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/", "/i/roc-voorbeeldstad", "/healthz"} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", path, res.StatusCode)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if res.Header.Get("Referrer-Policy") != "no-referrer" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: missing Referrer-Policy or nosniff", path)
		}
		if res.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie", path)
		}
	}
}

func TestNothingIdentifyingIsLogged(t *testing.T) {
	ts := newTestServer(t)
	secret := "mijn docent zit aan me en niemand weet het zwaluwstaart"
	ts.do(t, "POST", "/api/v1/wegwijzer/message", `{"audience":"student","lang":"nl","text":"`+secret+`"}`,
		"X-Forwarded-For", "203.0.113.7", "User-Agent", "PhoneBrowser/1.0 unique-agent")
	ts.do(t, "POST", "/api/v1/wegwijzer/step", `{"audience":"student","lang":"nl","colour":"zwaluwstaart"}`,
		"User-Agent", "PhoneBrowser/1.0 unique-agent")
	logs := ts.logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/wegwijzer/message"`) {
		t.Fatalf("the request was not logged at all:\n%s", logs)
	}
	for _, s := range []string{"zwaluwstaart", "203.0.113.7", "unique-agent", "127.0.0.1"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q:\n%s", s, logs)
		}
	}
}
