package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer"
	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/internal/sealtest"
	"meldwijzer/lambdahttp"
	"meldwijzer/meldpunt"
	"meldwijzer/store/dynamo"
)

// event reads the real API Gateway v2 event in testdata and gives it another body and key.
func event(t *testing.T, body, key string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile("testdata/apigw-v2-report.json")
	if err != nil {
		t.Fatal(err)
	}
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	if body != "" {
		e.Body, e.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(body)), true
	}
	if key != "" {
		e.Headers["idempotency-key"] = key
	}
	return e
}

func newFunction(t *testing.T, local *dynamolocal.Local) (*dynamo.Store, func(events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse) {
	t.Helper()
	table := fmt.Sprintf("meldwijzer-%d", time.Now().UnixNano())
	if err := dynamo.CreateTable(context.Background(), local.Client(), table); err != nil {
		t.Fatal(err)
	}
	store := dynamo.New(local.Client(), table)
	sealer, _ := sealtest.Dynamo(t, local.Client(), table+"-keys")
	a, err := app.New(app.Options{Demo: true, Functions: []string{api.FunctionMeldpunt}, Store: store, Sealer: sealer, Secret: meldpunt.NewMasterSecret(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.New(a.Handler(), lambdahttp.Options{})
	return store, func(e events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
		res, err := h.Invoke(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
}

func TestFunctionTakesAReportFromAPIGateway(t *testing.T) {
	local := dynamolocal.Start(t, dynamolocal.Options{})
	_, invoke := newFunction(t, local)
	e := event(t, "", "")

	res := invoke(e)
	if res.StatusCode != 201 {
		t.Fatalf("status %d: %s", res.StatusCode, res.Body)
	}
	var created struct {
		Report  struct{ ID string }
		Receipt string
	}
	if err := json.Unmarshal([]byte(res.Body), &created); err != nil || created.Receipt == "" {
		t.Fatalf("body %s", res.Body)
	}
	if again := invoke(e); again.StatusCode != 200 || !strings.Contains(again.Body, created.Report.ID) {
		t.Errorf("the retry: %d %s", again.StatusCode, again.Body)
	}

	self := event(t, "", "")
	self.RawPath, self.RequestContext.HTTP.Method, self.Body = "/api/v1/reports/self", "GET", ""
	self.Headers["authorization"] = "Receipt " + created.Receipt
	res = invoke(self)
	if res.StatusCode != 200 || !strings.Contains(res.Body, created.Report.ID) {
		t.Errorf("self: %d %s", res.StatusCode, res.Body)
	}
}

// Reports sent with retries while DynamoDB Local is stopped and started again: every report that
// got a 201 or 200 is stored exactly once and the counts match, and the outage answers 503 with
// Retry-After, never a 500.
func TestNoReportIsLostOrDoubledWhenTheStoreGoesDown(t *testing.T) {
	local := dynamolocal.Start(t, dynamolocal.Options{Persist: true})
	store, invoke := newFunction(t, local)
	const reports = 40
	body := `{"audience":"student","lang":"nl","theme":"pesten","where":"online","description":"Ze sturen filmpjes van mij rond in de groepsapp.","followUp":false}`

	var (
		mu          sync.Mutex
		unavailable int
		accepted    = map[string]int{} // report id -> times seen
	)
	stopAt := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < reports; i += 4 {
				if i == reports/2 {
					close(stopAt)
				}
				key := fmt.Sprintf("fault-test-key-%04d", i)
				for try := 0; ; try++ {
					if try > 200 {
						t.Errorf("report %d: never accepted", i)
						return
					}
					res := invoke(event(t, body, key))
					switch res.StatusCode {
					case 200, 201:
						var got struct{ Report struct{ ID string } }
						_ = json.Unmarshal([]byte(res.Body), &got)
						mu.Lock()
						accepted[got.Report.ID]++
						mu.Unlock()
					case 503:
						if res.Headers["Retry-After"] == "" || !strings.Contains(res.Body, `"code":"unavailable"`) {
							t.Errorf("503 without Retry-After or code: %v %s", res.Headers, res.Body)
						}
						mu.Lock()
						unavailable++
						mu.Unlock()
						time.Sleep(100 * time.Millisecond)
						continue
					case 429: // as the phone does: wait as asked, then the same key again
						wait, _ := strconv.Atoi(res.Headers["Retry-After"])
						time.Sleep(time.Duration(wait) * time.Second)
						continue
					default:
						t.Errorf("report %d: status %d %s", i, res.StatusCode, res.Body)
					}
					break
				}
			}
		}()
	}
	<-stopAt
	local.Stop()
	time.Sleep(1500 * time.Millisecond)
	local.Restart()
	wg.Wait()

	if len(accepted) != reports {
		t.Errorf("%d distinct reports accepted, want %d", len(accepted), reports)
	}
	if unavailable == 0 {
		t.Errorf("the outage was never seen: the test did not test anything")
	}
	month := time.Now().UTC().Format("2006-01")
	counts, err := store.Counts(context.Background(), "roc-voorbeeldstad", month, month)
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, c := range counts {
		if c.Dimension == "total" {
			total = c.N
		}
	}
	if total != reports {
		t.Errorf("total count %d, want %d", total, reports)
	}
	stored := 0
	for cursor := ""; ; {
		page, next, err := store.Reports(context.Background(), meldwijzer.ReportFilter{Institution: "roc-voorbeeldstad", Cursor: cursor, Limit: 25})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			if accepted[r.ID] != 1 {
				t.Errorf("stored report %s was accepted %d times", r.ID, accepted[r.ID])
			}
		}
		stored += len(page)
		if cursor = next; cursor == "" {
			break
		}
	}
	if stored != reports {
		t.Errorf("%d reports stored, want %d", stored, reports)
	}
	t.Logf("%d reports, %d answers 503 during the outage", reports, unavailable)
}
