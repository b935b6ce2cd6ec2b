package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/lambdahttp"
)

var tightLookups = api.Limits{FailedLookupsPerMinute: 10, FailedLookupBurst: 10}

// Finding 1: the limiter checked before the lookup and charged after it, so concurrent wrong
// receipts all got through. Now each is charged before it is answered.
func TestConcurrentWrongReceiptsAreLimited(t *testing.T) {
	ts := newTestServer(t, tightLookups)
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			status, _, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", fmt.Sprintf("Receipt %020d", 7919*i))
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[401] > 10 || statuses[401]+statuses[429] != 100 {
		t.Errorf("100 concurrent wrong receipts: %v, want at most 10 answered 401 and the rest 429", statuses)
	}
}

// Finding 2: one pupil guessing from the school's shared address locked everyone out of their
// answers. A receipt that is right is never refused because others on its network guessed wrong.
func TestGuessingNeverLocksOutACorrectReceipt(t *testing.T) {
	ts := newTestServer(t, tightLookups)
	_, receipt := ts.file(t, "roc-voorbeeldstad", report, "lockout-key-00000001")
	refused := 0
	for i := range 40 {
		status, _, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", fmt.Sprintf("Receipt %020d", 104729*i))
		if status == 200 {
			t.Fatalf("a guess was answered 200")
		}
		if status == 429 {
			refused++
		}
		// The rest of the school reads its answers between the guesses.
		if status, body, _ := ts.do(t, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+receipt); status != 200 {
			t.Fatalf("after %d guesses from the same network the right receipt got %d %v", i+1, status, body)
		}
	}
	if refused < 25 {
		t.Errorf("only %d of 40 guesses were refused: guessing is not limited", refused)
	}
}

// lookup sends a wrong receipt from addr straight to the handler.
func lookup(h http.Handler, addr string) int {
	r := httptest.NewRequest("GET", "/api/v1/reports/self", nil)
	r.RemoteAddr = addr
	r.Header.Set("Authorization", "Receipt 1234 5678 9012 3456 7890")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

// Finding 1, IPv6: every address of one /64 had a bucket of its own. A /64 is one network.
func TestIPv6NetworkSharesOneLimit(t *testing.T) {
	h := apptest.New(t, app.Options{Limits: tightLookups}).Handler()
	limited := 0
	for i := range 30 {
		if lookup(h, fmt.Sprintf("[2001:db8:1:2:%x::%x]:4%03d", i, i+1, i)) == 429 {
			limited++
		}
	}
	if limited != 20 {
		t.Errorf("30 wrong receipts from one /64: %d limited, want 20", limited)
	}
	if code := lookup(h, "[2001:db8:1:3::1]:443"); code != 401 {
		t.Errorf("the next /64 is another network: %d, want 401", code)
	}
	if code := lookup(h, "[::ffff:198.51.100.9]:443"); code != 401 {
		t.Errorf("an IPv4 address: %d, want 401", code)
	}
}

// Finding 1 through the Lambda adapter: a new CloudFront-Viewer-Address per request no longer
// buys a new bucket. Without the origin secret the header is not trusted (and, with a secret
// configured, the request is refused: lambdahttp's tests).
func TestForgedViewerAddressGetsNoNewBucket(t *testing.T) {
	a := apptest.New(t, app.Options{Limits: api.Limits{IntakePerMinute: 60, IntakeBurst: 20, FailedLookupsPerMinute: 10, FailedLookupBurst: 10}})
	h := lambdahttp.New(a.Handler(), lambdahttp.Options{})
	status := map[string]map[int]int{"report": {}, "receipt": {}}
	for i := range 50 {
		for _, kind := range []string{"report", "receipt"} {
			e := events.APIGatewayV2HTTPRequest{
				RawPath: "/api/v1/reports/self",
				Headers: map[string]string{"cloudfront-viewer-address": fmt.Sprintf("203.0.%d.%d:443", i/250, i%250+1),
					"authorization": "Receipt 1234 5678 9012 3456 7890"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", SourceIP: "198.51.100.23"}},
			}
			if kind == "report" {
				e.RawPath, e.Body = "/api/v1/institutions/roc-voorbeeldstad/reports", report
				e.RequestContext.HTTP.Method = "POST"
				e.Headers = map[string]string{"cloudfront-viewer-address": e.Headers["cloudfront-viewer-address"],
					"content-type": "application/json", "idempotency-key": fmt.Sprintf("forged-key-%010d", i)}
			}
			res, err := h.Invoke(context.Background(), e)
			if err != nil {
				t.Fatal(err)
			}
			status[kind][res.StatusCode]++
			if res.StatusCode == 200 && !strings.Contains(res.Body, "error") {
				t.Fatalf("a wrong receipt was answered: %s", res.Body)
			}
		}
	}
	if status["report"][201] > 21 || status["receipt"][401] > 10 {
		t.Errorf("50 reports and 50 wrong receipts with forged viewer addresses: %v", status)
	}
}
