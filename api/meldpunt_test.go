package api_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldwijzer/api"
)

const report = `{"audience":"student","lang":"nl","theme":"discriminatie","where":"stage","grounds":["herkomst"],"when":"week","description":"Mijn stagebegeleider noemt mij steeds een naam om mijn afkomst. kwartelkoning","followUp":true}`

var receiptRe = regexp.MustCompile(`^\d{4}( \d{4}){4}$`)

func TestReportIntakeIsIdempotent(t *testing.T) {
	ts := newTestServer(t)
	key := "7f1c1f0e-3b7a-4c55-9a51-5d7d2b8e0001"
	status, first, _ := ts.do(t, "POST", "/api/v1/institutions/roc-voorbeeldstad/reports", report, "Idempotency-Key", key)
	if status != 201 {
		t.Fatalf("first submission: %d %v", status, first)
	}
	receipt, _ := first["receipt"].(string)
	if !receiptRe.MatchString(receipt) {
		t.Fatalf("receipt %q is not 20 digits in groups of four", receipt)
	}
	rep := first["report"].(map[string]any)
	if rep["status"] != "received" || rep["id"] == "" || rep["createdAt"] == "" {
		t.Errorf("report %v", rep)
	}

	t.Run("retry with the same key and body gets the same answer", func(t *testing.T) {
		status, again, _ := ts.do(t, "POST", "/api/v1/institutions/roc-voorbeeldstad/reports", report, "Idempotency-Key", key)
		if status != 200 || again["receipt"] != receipt || again["report"].(map[string]any)["id"] != rep["id"] {
			t.Errorf("retry: %d %v, want 200 with the first answer %v", status, again, first)
		}
	})
	t.Run("same key, other body", func(t *testing.T) {
		other := strings.Replace(report, "week", "month", 1)
		status, body, _ := ts.do(t, "POST", "/api/v1/institutions/roc-voorbeeldstad/reports", other, "Idempotency-Key", key)
		if status != 409 || errorCode(body) != "conflict" {
			t.Errorf("got %d %v", status, body)
		}
	})
	t.Run("the same key at another institution is another report", func(t *testing.T) {
		status, body, _ := ts.do(t, "POST", "/api/v1/institutions/techniek-college-denkbeeldig/reports", report, "Idempotency-Key", key)
		if status != 201 || body["receipt"] == receipt {
			t.Errorf("got %d %v", status, body)
		}
	})
	t.Run("no answer wanted, no receipt", func(t *testing.T) {
		noFollow := strings.Replace(report, `"followUp":true`, `"followUp":false`, 1)
		status, body, _ := ts.do(t, "POST", "/api/v1/institutions/roc-voorbeeldstad/reports", noFollow, "Idempotency-Key", key+"-2")
		if status != 201 || body["receipt"] != nil {
			t.Errorf("got %d %v", status, body)
		}
	})

	t.Run("the reporter comes back and writes back", func(t *testing.T) {
		status, self, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+receipt)
		if status != 200 {
			t.Fatalf("got %d %v", status, self)
		}
		r := self["report"].(map[string]any)
		if r["id"] != rep["id"] || r["theme"] != "discriminatie" || r["where"] != "stage" || r["status"] != "received" {
			t.Errorf("self report %v", r)
		}
		if msgs := self["messages"].([]any); len(msgs) != 0 {
			t.Errorf("messages %v", msgs)
		}
		status, body, _ := ts.do(t, "POST", "/api/v1/reports/self/messages", `{"text":"Het gebeurde weer vandaag."}`,
			"Authorization", "Receipt "+strings.ReplaceAll(receipt, " ", "-"))
		if status != 201 {
			t.Fatalf("reply: %d %v", status, body)
		}
		_, self, _ = ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+strings.ReplaceAll(receipt, " ", ""))
		msgs := self["messages"].([]any)
		if len(msgs) != 1 || msgs[0].(map[string]any)["from"] != "reporter" || msgs[0].(map[string]any)["text"] != "Het gebeurde weer vandaag." {
			t.Errorf("messages after reply: %v", msgs)
		}
	})

	t.Run("nothing identifying is stored or logged", func(t *testing.T) {
		db, err := os.ReadFile(filepath.Join(ts.data, "meldwijzer.db"))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{strings.ReplaceAll(receipt, " ", ""), key, "127.0.0.1", "Go-http-client"} {
			if strings.Contains(string(db), secret) {
				t.Errorf("the store holds %q", secret)
			}
			if strings.Contains(ts.logs.String(), secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
		if strings.Contains(ts.logs.String(), "kwartelkoning") {
			t.Errorf("the log holds the report text")
		}
	})
}

func TestBadReportsChangeNothing(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/institutions/roc-voorbeeldstad/reports"
	tests := []struct {
		name, path, body, key string
		status                int
		code                  string
	}{
		{"no idempotency key", path, report, "", 400, "invalid"},
		{"unknown institution", "/api/v1/institutions/roc-nergens/reports", report, "k-0000000000000001", 404, "not_found"},
		{"unknown theme", path, strings.Replace(report, "discriminatie", "ruzie", 1), "k-0000000000000002", 400, "invalid"},
		{"unknown where", path, strings.Replace(report, `"stage"`, `"thuis"`, 1), "k-0000000000000003", 400, "invalid"},
		{"grounds outside discrimination", path, strings.Replace(report, `"discriminatie"`, `"pesten"`, 1), "k-0000000000000004", 400, "invalid"},
		{"unknown ground", path, strings.Replace(report, "herkomst", "sterrenbeeld", 1), "k-0000000000000005", 400, "invalid"},
		{"bad when", path, strings.Replace(report, "week", "gisteren", 1), "k-0000000000000006", 400, "invalid"},
		{"bad lang", path, strings.Replace(report, `"nl"`, `"de"`, 1), "k-0000000000000007", 400, "invalid_lang"},
		{"empty description", path, strings.Replace(report, `"Mijn stagebegeleider noemt mij steeds een naam om mijn afkomst. kwartelkoning"`, `"  "`, 1), "k-0000000000000008", 400, "invalid"},
		{"description too long", path, strings.Replace(report, `kwartelkoning`, strings.Repeat("x", 5001), 1), "k-0000000000000009", 400, "invalid"},
		{"unknown field", path, strings.Replace(report, `"followUp"`, `"name":"Sam","followUp"`, 1), "k-0000000000000010", 400, "invalid"},
		{"followUp as text", path, strings.Replace(report, `"followUp":true`, `"followUp":"ja"`, 1), "k-0000000000000011", 400, "invalid"},
		{"body over the limit", path, strings.Replace(report, `kwartelkoning`, strings.Repeat("x", 30000), 1), "k-0000000000000012", 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.key != "" {
				header = []string{"Idempotency-Key", tt.key}
			}
			status, body, _ := ts.do(t, "POST", tt.path, tt.body, header...)
			if status != tt.status || errorCode(body) != tt.code {
				t.Errorf("want %d %s, got %d %v", tt.status, tt.code, status, body)
			}
		})
	}
	// After all of that, the key of the first bad request still makes a new report: nothing was kept.
	status, body, _ := ts.do(t, "POST", path, report, "Idempotency-Key", "k-0000000000000002")
	if status != 201 {
		t.Errorf("a key whose request failed was kept: %d %v", status, body)
	}
}

func TestWrongReceiptsAreUniformAndLimited(t *testing.T) {
	ts := newTestServer(t, api.Limits{IntakePerMinute: 600, IntakeBurst: 10, FailedLookupsPerMinute: 60, FailedLookupBurst: 4})
	var answers []string
	for _, header := range []string{"Receipt 0000 0000 0000 0000 0000", "Receipt 12345", "Receipt hallo", "Bearer 00000000000000000000"} {
		status, body, h := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", header)
		if status != 401 || h.Get("WWW-Authenticate") != "Receipt" {
			t.Errorf("%s: %d %v", header, status, body)
		}
		e := body["error"].(map[string]any)
		answers = append(answers, e["code"].(string)+e["message"].(string))
	}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Errorf("wrong receipts are told apart: %q vs %q", a, answers[0])
		}
	}
	// The fifth failure is over the burst of four: limited, with a time to wait.
	status, body, h := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt 1111 1111 1111 1111 1111")
	if status != 429 || errorCode(body) != "rate_limited" {
		t.Fatalf("want 429, got %d %v", status, body)
	}
	wait, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 2 {
		t.Fatalf("Retry-After %q", h.Get("Retry-After"))
	}
	// A client that waits gets through.
	time.Sleep(time.Duration(wait) * time.Second)
	status, _, _ = ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt 1111 1111 1111 1111 1111")
	if status != 401 {
		t.Errorf("after waiting: %d, want 401", status)
	}
}

func TestIntakeLimitAsksToWait(t *testing.T) {
	ts := newTestServer(t, api.Limits{IntakePerMinute: 60, IntakeBurst: 2, FailedLookupsPerMinute: 60, FailedLookupBurst: 3})
	path := "/api/v1/institutions/roc-voorbeeldstad/reports"
	for i := range 2 {
		if status, body, _ := ts.do(t, "POST", path, report, "Idempotency-Key", "intake-key-000000"+strconv.Itoa(i)); status != 201 {
			t.Fatalf("report %d: %d %v", i, status, body)
		}
	}
	status, body, h := ts.do(t, "POST", path, report, "Idempotency-Key", "intake-key-0000002")
	if status != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("want 429 with Retry-After, got %d %v", status, body)
	}
	wait, _ := strconv.Atoi(h.Get("Retry-After"))
	time.Sleep(time.Duration(wait) * time.Second)
	if status, body, _ := ts.do(t, "POST", path, report, "Idempotency-Key", "intake-key-0000002"); status != 201 {
		t.Errorf("after waiting, the same key: %d %v", status, body)
	}
}
