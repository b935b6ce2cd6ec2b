package rie_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/internal/kmsstandin"
	"meldwijzer/internal/rie"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/store/dynamo"
)

// The guide's real arm64 bootstrap answers a real API Gateway v2 event under the emulator.
func TestWegwijzerUnderRIE(t *testing.T) {
	helloBaseline(t)
	path := bootstrap(t, "wegwijzer")
	fn := rie.Start(t, path, map[string]string{config.EnvDemo: "true"})
	event := readFile(t, "../../functions/wegwijzer/testdata/apigw-v2-step.json")

	res := invokeAPI(t, fn, event)
	cold := measure(t, fn, path)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, res.Body)
	}
	if ct := res.Headers["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		Node struct {
			ID      string                `json:"id"`
			Theme   string                `json:"theme"`
			Options []struct{ ID string } `json:"options"`
		} `json:"node"`
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatalf("body %s: %v", res.Body, err)
	}
	if body.Node.ID == "" || body.Node.Theme != "pesten" || len(body.Node.Options) == 0 {
		t.Errorf("want the next node after choosing pesten, got %s", res.Body)
	}

	began := time.Now()
	if again := invokeAPI(t, fn, event); again.StatusCode != 200 || again.Body != res.Body {
		t.Errorf("warm invoke: %d %s", again.StatusCode, again.Body)
	}
	warm := time.Since(began)
	// The event's source IP and user agent must not reach the log of the real binary either.
	for _, secret := range []string{"192.0.2.10", "Android 14"} {
		if strings.Contains(fn.Output(), secret) {
			t.Errorf("the function's output contains %q", secret)
		}
	}
	report(t, fn, cold, fmt.Sprintf(", warm invoke %v", ms(warm)))
}

// The meldpunt's real arm64 bootstrap takes an intake against DynamoDB Local, its master
// secret read at cold start from a fake Secrets Manager on loopback.
func TestMeldpuntUnderRIE(t *testing.T) {
	helloBaseline(t)
	// Host AWS settings must not reach the function: with this profile leaking, its
	// config.LoadDefaultConfig would fail and so would the cold start.
	t.Setenv("AWS_PROFILE", "host-profile-must-not-leak")
	t.Setenv("AWS_ACCESS_KEY_ID", "host-key-must-not-leak")

	ctx := context.Background()
	local := dynamolocal.Start(t, dynamolocal.Options{})
	table := fmt.Sprintf("meldwijzer-rie-%d", time.Now().UnixNano())
	if err := dynamo.CreateTable(ctx, local.Client(), table); err != nil {
		t.Fatal(err)
	}
	warmUp(t, dynamo.New(local.Client(), table))
	const secretARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:meldwijzer/master-AbCdEf"
	sm := fakeSecretsManager(t, secretARN)
	// The data keys: their table on DynamoDB Local, KMS a stand-in on loopback (no emulator).
	keysTable := table + "-keys"
	if err := dynamo.CreateKeysTable(ctx, local.Client(), keysTable, false); err != nil {
		t.Fatal(err)
	}
	kms := kmsstandin.Start(t)

	path := bootstrap(t, "meldpunt")
	fn := rie.Start(t, path, map[string]string{
		config.EnvTable:                    table,
		config.EnvSecretARN:                secretARN,
		config.EnvKeysTable:                keysTable,
		config.EnvSealKeyARN:               kmsstandin.KeyARN,
		"AWS_ENDPOINT_URL_KMS":             kms.URL,
		config.EnvDemo:                     "true", // the events file a report at a demo institution
		"AWS_REGION":                       "eu-west-1",
		"AWS_ACCESS_KEY_ID":                "local",
		"AWS_SECRET_ACCESS_KEY":            "local",
		config.EnvDynamoDBEndpoint:         local.Endpoint,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": sm.URL, // the SDK's name: service ID "Secrets Manager"
	})
	event := readFile(t, "../../functions/meldpunt/testdata/apigw-v2-report.json")

	res := invokeAPI(t, fn, event)
	cold := measure(t, fn, path)
	if res.StatusCode != 201 {
		t.Fatalf("status %d: %s", res.StatusCode, res.Body)
	}
	var created struct {
		Report  struct{ ID string }
		Receipt string
	}
	if err := json.Unmarshal([]byte(res.Body), &created); err != nil || created.Report.ID == "" || created.Receipt == "" {
		t.Fatalf("want a report and a receipt: %s (%v)", res.Body, err)
	}

	began := time.Now()
	again := invokeAPI(t, fn, event) // the same idempotency key: the same report, not a second one
	warm := time.Since(began)
	var replay struct{ Report struct{ ID string } }
	_ = json.Unmarshal([]byte(again.Body), &replay)
	if again.StatusCode != 200 || replay.Report.ID != created.Report.ID {
		t.Errorf("the retry: %d %s, want 200 and report %s", again.StatusCode, again.Body, created.Report.ID)
	}

	got, err := dynamo.New(local.Client(), table).Report(ctx, "roc-voorbeeldstad", created.Report.ID)
	if err != nil {
		t.Fatalf("the report is not in DynamoDB Local: %v", err)
	}
	if got.ID != created.Report.ID || got.Institution != "roc-voorbeeldstad" {
		t.Errorf("stored report %+v", got)
	}
	// Sealed: its data key made by KMS for this report (the retry's key too, then deleted).
	if !seal.Sealed(got.Description) {
		t.Errorf("the stored description is not sealed: %q", got.Description)
	}
	reqs := kms.Requests()
	if len(reqs) == 0 || reqs[0].Target != "TrentService.GenerateDataKey" ||
		reqs[0].Context["institution"] != "roc-voorbeeldstad" || reqs[0].Context["report"] != created.Report.ID {
		t.Errorf("KMS requests %+v, want GenerateDataKey for {institution, report}", reqs)
	}
	if _, err := dynamo.NewKeys(local.Client(), keysTable).Key(ctx, meldpunt.ReportKey("roc-voorbeeldstad", created.Report.ID)); err != nil {
		t.Errorf("the report's data key: %v", err)
	}
	if n := sm.calls.Load(); n != 1 {
		t.Errorf("GetSecretValue calls = %d, want 1 (at cold start only)", n)
	}
	report(t, fn, cold, fmt.Sprintf(", warm invoke %v", ms(warm)))
}

// warmUp runs the store's intake paths (a transaction, its replay, a read) against DynamoDB
// Local, under an institution of its own: a freshly started DynamoDB Local (a JVM) takes about
// half a second over its first transactions, which would otherwise count as the function's cold
// start and first warm invoke.
func warmUp(t *testing.T, s *dynamo.Store) {
	t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	r := &meldwijzer.Report{ID: "warm-up", Institution: "warm-up", Audience: "student", Lang: "nl", Theme: "pesten",
		Where: "school", When: "week", Description: "warm-up", Status: meldwijzer.Statuses[0], CreatedAt: now,
		AcknowledgeBy: now.Add(time.Hour), FeedbackBy: now.Add(time.Hour), UpdatedAt: now}
	idem := &meldwijzer.Idempotency{KeyHash: "warm-up", RequestHash: "warm-up", ReportID: r.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	for range 3 { // the first writes, the others replay
		if _, _, _, err := s.CreateReport(ctx, r, idem); err != nil {
			t.Fatalf("warming DynamoDB Local up: %v", err)
		}
	}
	if _, err := s.Report(ctx, r.Institution, r.ID); err != nil {
		t.Fatalf("warming DynamoDB Local up: %v", err)
	}
}

type secretsManager struct {
	URL   string
	calls atomic.Int32
}

// fakeSecretsManager answers GetSecretValue (JSON 1.1 protocol) for arn with a fresh master
// secret (base64 of 32 random bytes), only for requests signed with the function's credentials
// "local" for eu-west-1.
func fakeSecretsManager(t *testing.T, arn string) *secretsManager {
	t.Helper()
	secret := base64.StdEncoding.EncodeToString(randomBytes(t, 32))
	sm := &secretsManager{}
	fail := func(w http.ResponseWriter, status int, typ, msg string) {
		t.Errorf("fake Secrets Manager: %s: %s", typ, msg)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, typ, msg)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sm.calls.Add(1)
		if target := r.Header.Get("X-Amz-Target"); r.Method != http.MethodPost || target != "secretsmanager.GetSecretValue" {
			fail(w, 400, "UnknownOperationException", r.Method+" "+target)
			return
		}
		if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "Credential=local/") || !strings.Contains(auth, "/eu-west-1/secretsmanager/aws4_request") {
			fail(w, 403, "UnrecognizedClientException", "signed with "+auth)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var in struct{ SecretId string }
		if err := json.Unmarshal(raw, &in); err != nil || in.SecretId != arn {
			fail(w, 400, "ResourceNotFoundException", "no secret "+string(raw))
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"ARN": arn, "Name": "meldwijzer/master", "SecretString": secret,
			"VersionId": "00000000-0000-0000-0000-000000000001", "VersionStages": []string{"AWSCURRENT"},
			"CreatedDate": float64(time.Now().Unix()),
		})
	}))
	t.Cleanup(srv.Close)
	sm.URL = srv.URL
	return sm
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
