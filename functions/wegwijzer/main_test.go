package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/storetest"
)

// loadEvent reads a real API Gateway HTTP API (payload 2.0) event from testdata.
func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestFunctionAnswersAPIGatewayEvent(t *testing.T) {
	t.Setenv(config.EnvDemo, "true") // the event asks for a demo institution
	var logs bytes.Buffer
	h, err := newHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := loadEvent(t, "apigw-v2-step.json")

	res, err := h.Invoke(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("status %d, body %s", res.StatusCode, res.Body)
	}
	if ct := res.Headers["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if res.Headers["Content-Security-Policy"] == "" {
		t.Error("no Content-Security-Policy header")
	}
	var body struct {
		Node struct {
			ID      string                `json:"id"`
			Theme   string                `json:"theme"`
			Options []struct{ ID string } `json:"options"`
		} `json:"node"`
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Node.ID != "where?theme=pesten" || body.Node.Theme != "pesten" || len(body.Node.Options) == 0 {
		t.Errorf("after choosing pesten: want the where question, got %+v", body.Node)
	}
	// The event carries a source IP and a user agent; neither may reach the log.
	for _, secret := range []string{"192.0.2.10", "Android 14", "pesten"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs.String())
		}
	}
}

func TestFunctionServesOnlyItsRoutes(t *testing.T) {
	h, err := newHandler(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e := loadEvent(t, "apigw-v2-step.json")
	e.RawPath, e.RequestContext.HTTP.Method, e.Body, e.IsBase64Encoded = "/api/v1/nope", "GET", "", false
	res, err := h.Invoke(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 404 || !strings.Contains(res.Body, `"code":"not_found"`) {
		t.Errorf("unknown path: status %d body %s", res.StatusCode, res.Body)
	}
}

// With TABLE_NAME the guide reads the institutions from the table: a school added there (as
// `meldwijzer institution add -store dynamodb` does) is served with its contacts, and a demo
// school is not served without DEMO. (That a change shows within the cache's TTL is tested on
// the API, api/settings_test.go, without waiting 30 s here.)
func TestFunctionReadsInstitutionsFromTheTable(t *testing.T) {
	local := dynamolocal.Start(t, dynamolocal.Options{})
	table := fmt.Sprintf("meldwijzer-%d", time.Now().UnixNano())
	if err := dynamo.CreateTable(context.Background(), local.Client(), table); err != nil {
		t.Fatal(err)
	}
	if err := dynamo.New(local.Client(), table).PutInstitution(context.Background(), storetest.NewInstitution("roc-tabel")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(config.EnvTable, table)
	t.Setenv(config.EnvDynamoDBEndpoint, local.Endpoint)
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	h, err := newHandler(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		e := loadEvent(t, "apigw-v2-step.json")
		e.RawPath, e.RequestContext.HTTP.Method, e.Body, e.IsBase64Encoded = path, "GET", "", false
		res, err := h.Invoke(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := get("/api/v1/institutions/roc-voorbeeldstad"); res.StatusCode != 404 {
		t.Errorf("a demo school without DEMO: %d", res.StatusCode)
	}
	res := get("/api/v1/institutions/roc-tabel")
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"email":"vp@roc-tabel.example"`) {
		t.Errorf("the school in the table: %d %s", res.StatusCode, res.Body)
	}
}
