package rie_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/internal/rie"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/storetest"
)

// The guide's real arm64 bootstrap with a table (not in demo mode) reads the institutions from
// DynamoDB Local, as the operator wrote them with the full adapter: the institution routes
// answer with the record, an unknown id is a 404, and the list has the schools.
func TestWegwijzerReadsInstitutionsUnderRIE(t *testing.T) {
	local := dynamolocal.Start(t, dynamolocal.Options{})
	table := fmt.Sprintf("meldwijzer-rie-inst-%d", time.Now().UnixNano())
	if err := dynamo.CreateTable(t.Context(), local.Client(), table); err != nil {
		t.Fatal(err)
	}
	w := dynamo.New(local.Client(), table)
	for _, id := range []string{"roc-rie-alfa", "roc-rie-bravo"} {
		if err := w.PutInstitution(t.Context(), storetest.NewInstitution(id)); err != nil {
			t.Fatal(err)
		}
	}

	fn := rie.Start(t, bootstrap(t, "wegwijzer"), map[string]string{
		config.EnvTable:            table,
		"AWS_REGION":               "eu-west-1",
		"AWS_ACCESS_KEY_ID":        "local",
		"AWS_SECRET_ACCESS_KEY":    "local",
		"AWS_SESSION_TOKEN":        "local-session",
		config.EnvDynamoDBEndpoint: local.Endpoint,
	})

	var one struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Contacts []struct {
			Role string `json:"role"`
		} `json:"contacts"`
	}
	res := invokeAPI(t, fn, getEvent(t, "/api/v1/institutions/roc-rie-bravo", "/api/v1/institutions/{id}"))
	if res.StatusCode != 200 || json.Unmarshal([]byte(res.Body), &one) != nil {
		t.Fatalf("GET the institution: %d %s", res.StatusCode, res.Body)
	}
	want := storetest.NewInstitution("roc-rie-bravo")
	if one.ID != want.ID || one.Name != want.Name || len(one.Contacts) != len(want.Contacts) {
		t.Errorf("GET the institution: %s, want %s with %d contacts", res.Body, want.Name, len(want.Contacts))
	}

	if res := invokeAPI(t, fn, getEvent(t, "/api/v1/institutions/roc-rie-nergens", "/api/v1/institutions/{id}")); res.StatusCode != 404 {
		t.Errorf("GET an unknown institution: %d %s, want 404", res.StatusCode, res.Body)
	}

	res = invokeAPI(t, fn, getEvent(t, "/api/v1/institutions", "/api/v1/institutions"))
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"roc-rie-alfa"`) || !strings.Contains(res.Body, `"roc-rie-bravo"`) {
		t.Errorf("GET the institutions: %d %s", res.StatusCode, res.Body)
	}
	if out := fn.Output(); strings.Contains(out, "level=ERROR") || strings.Contains(out, `"level":"ERROR"`) {
		t.Errorf("the function logged an error:\n%s", out)
	}
}

// getEvent is the guide's real API Gateway v2 event (functions/wegwijzer/testdata) as a GET of
// path without a body.
func getEvent(t *testing.T, path, route string) []byte {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(readFile(t, "../../functions/wegwijzer/testdata/apigw-v2-step.json"), &e); err != nil {
		t.Fatal(err)
	}
	e["routeKey"], e["rawPath"] = "GET "+route, path
	delete(e, "body")
	e["isBase64Encoded"] = false
	headers := e["headers"].(map[string]any)
	delete(headers, "content-type")
	delete(headers, "content-length")
	rc := e["requestContext"].(map[string]any)
	rc["routeKey"] = "GET " + route
	h := rc["http"].(map[string]any)
	h["method"], h["path"] = "GET", path
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
