package config_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"meldwijzer/config"
)

// A function's AWS configuration signs with the role's credentials from the environment, in its
// region, and sends a service's requests to AWS_ENDPOINT_URL_<SERVICE ID> when that is set.
func TestLambdaAWS(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{"TableNames":[]}`))
	}))
	defer srv.Close()
	env := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDROLE", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_SESSION_TOKEN": "session", config.EnvDynamoDBEndpoint: srv.URL,
	}
	cfg, err := config.LambdaAWS(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDROLE" || creds.SecretAccessKey != "secret" || creds.SessionToken != "session" {
		t.Fatalf("credentials %+v, %v", creds, err)
	}
	// The client reads the override itself (os.LookupEnv) before it asks the configuration.
	t.Setenv(config.EnvDynamoDBEndpoint, srv.URL)
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	if _, err := db.ListTables(context.Background(), &dynamodb.ListTablesInput{Limit: aws.Int32(1)}); err != nil {
		t.Fatalf("ListTables at the endpoint override: %v", err)
	}
	if got == nil {
		t.Fatal("the request did not reach AWS_ENDPOINT_URL_DYNAMODB")
	}
	if a := got.Header.Get("Authorization"); !strings.Contains(a, "Credential=AKIDROLE/") || !strings.Contains(a, "/eu-west-1/dynamodb/") {
		t.Errorf("Authorization %q: want the role's key and the region", a)
	}
	if tok := got.Header.Get("X-Amz-Security-Token"); tok != "session" {
		t.Errorf("X-Amz-Security-Token %q", tok)
	}
}

func TestLambdaAWSNeedsRegionAndCredentials(t *testing.T) {
	_, err := config.LambdaAWS(func(k string) string { return map[string]string{"AWS_REGION": "eu-west-1"}[k] })
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY must be set") {
		t.Fatalf("without credentials: %v", err)
	}
}
