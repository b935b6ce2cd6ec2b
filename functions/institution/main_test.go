package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/auth"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/internal/sealtest"
	"meldwijzer/lambdahttp"
	"meldwijzer/meldpunt"
	"meldwijzer/store/dynamo"
)

// The institution function behind API Gateway: a handler's token reaches its own inbox and
// dashboard on DynamoDB; another institution's token and a viewer on the inbox are refused.
func TestFunctionServesStaffWithTheirOwnData(t *testing.T) {
	local := dynamolocal.Start(t, dynamolocal.Options{})
	table := fmt.Sprintf("meldwijzer-%d", time.Now().UnixNano())
	if err := dynamo.CreateTable(context.Background(), local.Client(), table); err != nil {
		t.Fatal(err)
	}
	key, err := auth.LoadLocalKey(filepath.Join(t.TempDir(), "token.key"))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := key.Verifier()
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := sealtest.Dynamo(t, local.Client(), table+"-keys")
	a, err := app.New(app.Options{Demo: true, Functions: []string{api.FunctionInstitution}, Store: dynamo.New(local.Client(), table), Sealer: sealer,
		Secret: meldpunt.NewMasterSecret(), Verifier: verifier, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.New(a.Handler(), lambdahttp.Options{})
	raw, err := os.ReadFile("../meldpunt/testdata/apigw-v2-report.json")
	if err != nil {
		t.Fatal(err)
	}
	invoke := func(method, path, institution, role string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		var e events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		e.RawPath, e.RequestContext.HTTP.Method, e.Body, e.IsBase64Encoded = path, method, "", false
		tok, err := key.Sign(auth.Identity{Subject: "vp", Institution: institution, Role: role}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.Headers["authorization"] = "Bearer " + tok
		res, err := h.Invoke(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	const own = "/api/v1/institutions/roc-voorbeeldstad"
	if res := invoke("GET", own+"/reports", "roc-voorbeeldstad", "handler"); res.StatusCode != 200 || !strings.Contains(res.Body, `"reports":[]`) {
		t.Errorf("inbox: %d %s", res.StatusCode, res.Body)
	}
	if res := invoke("GET", own+"/dashboard", "roc-voorbeeldstad", "viewer"); res.StatusCode != 200 || !strings.Contains(res.Body, `"suppressedBelow":5`) {
		t.Errorf("dashboard: %d %s", res.StatusCode, res.Body)
	}
	if res := invoke("GET", own+"/reports", "techniek-college-denkbeeldig", "handler"); res.StatusCode != 403 {
		t.Errorf("another institution's token: %d %s", res.StatusCode, res.Body)
	}
	if res := invoke("GET", own+"/reports", "roc-voorbeeldstad", "viewer"); res.StatusCode != 403 {
		t.Errorf("a viewer on the inbox: %d %s", res.StatusCode, res.Body)
	}
	// The intake is another function's route: not served here.
	if res := invoke("POST", own+"/reports", "roc-voorbeeldstad", "handler"); res.StatusCode != 405 {
		t.Errorf("intake on the institution function: %d %s", res.StatusCode, res.Body)
	}
}
