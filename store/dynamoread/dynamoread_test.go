package dynamoread_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/dynamoread"
	"meldwijzer/store/storetest"
)

// local is the one DynamoDB Local (in memory) of this test binary; each test gets its own table.
var local *dynamolocal.Local

func TestMain(m *testing.M) {
	l, err := dynamolocal.Launch(dynamolocal.Options{})
	if err != nil {
		// Fail, never skip: CI must not pass without reading from DynamoDB.
		fmt.Fprintf(os.Stderr, "FAIL: store/dynamoread needs DynamoDB Local: %v\n", err)
		os.Exit(1)
	}
	local = l
	code := m.Run()
	l.Stop()
	os.Exit(code)
}

var tableSeq atomic.Int64

// newTable creates a fresh table as the stack's (dynamo.CreateTable) and returns its name and
// the full adapter on it, which writes the records the reader reads.
func newTable(t *testing.T) (string, *dynamo.Store) {
	t.Helper()
	name := fmt.Sprintf("mw-read-%d", tableSeq.Add(1))
	if err := dynamo.CreateTable(t.Context(), local.Client(), name); err != nil {
		t.Fatal(err)
	}
	return name, dynamo.New(local.Client(), name)
}

// env is the function's environment for DynamoDB Local (the keys are not checked by Local, but
// they are signed with, as in Lambda, with a session token).
func env(extra map[string]string) func(string) string {
	m := map[string]string{
		config.EnvAWSRegion: "eu-west-1", config.EnvAWSAccessKeyID: "local", config.EnvAWSSecretKey: "local",
		config.EnvAWSSessionToken: "session-token", config.EnvDynamoDBEndpoint: local.Endpoint,
	}
	for k, v := range extra {
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// newReader reads the table as the function does (config.LambdaAWS, then New).
func newReader(t *testing.T, table string, o dynamoread.Options) *dynamoread.Reader {
	t.Helper()
	cfg, err := config.LambdaAWS(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	r, err := dynamoread.New(cfg, table, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wire sits between the reader and DynamoDB Local: it counts and keeps each request's target
// and headers, and answers the first Fail requests itself with Status and Type (as DynamoDB
// answers when it throttles or fails), with a message that names the account.
type wire struct {
	Fail   int
	Status int
	Type   string

	mu      sync.Mutex
	targets []string
	headers []http.Header
}

// accountARN is in every answer the wire makes up: it must reach no error text.
const accountARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/meldwijzer"

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.targets = append(w.targets, req.Header.Get("X-Amz-Target"))
	w.headers = append(w.headers, req.Header.Clone())
	fail := w.Fail > 0
	if fail {
		w.Fail--
	}
	w.mu.Unlock()
	if !fail {
		return http.DefaultTransport.RoundTrip(req)
	}
	body := fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":"Rate of requests exceeds the allowed throughput for %s"}`, w.Type, accountARN)
	return &http.Response{
		StatusCode: w.Status, Status: fmt.Sprintf("%d x", w.Status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}, nil
}

func (w *wire) calls(target string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, t := range w.targets {
		if t == "DynamoDB_20120810."+target {
			n++
		}
	}
	return n
}

// The readers' contract: written with the full adapter, read with this one over several pages
// (two records a page), every result the same as the full adapter's.
func TestInstitutionReadContract(t *testing.T) {
	storetest.RunInstitutionReads(t, func(t *testing.T) (meldwijzer.InstitutionStore, meldwijzer.InstitutionReader) {
		table, w := newTable(t)
		return w, newReader(t, table, dynamoread.Options{PageSize: 2})
	})
}

// The list comes in pages, each asked for from where the last one ended, and the requests are
// signed for DynamoDB in the config's region with its credentials and session token.
func TestPagesAndSigning(t *testing.T) {
	table, w := newTable(t)
	for i := range storetest.ListSize {
		if err := w.PutInstitution(t.Context(), storetest.NewInstitution(fmt.Sprintf("roc-%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ pageSize, queries int }{{2, 4}, {3, 3}, {0, 1}} {
		seen := &wire{}
		r := newReader(t, table, dynamoread.Options{PageSize: tc.pageSize, HTTPClient: &http.Client{Transport: seen}})
		list, err := r.Institutions(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != storetest.ListSize || list[0].ID != "roc-00" || list[len(list)-1].ID != fmt.Sprintf("roc-%02d", storetest.ListSize-1) {
			t.Fatalf("page size %d: %d records", tc.pageSize, len(list))
		}
		// With a page size that divides the list, DynamoDB ends with an empty page.
		if got := seen.calls("Query"); got < tc.queries || got > tc.queries+1 {
			t.Errorf("page size %d: %d Query requests, want %d (or one more, empty)", tc.pageSize, got, tc.queries)
		}
		for _, h := range seen.headers {
			auth := h.Get("Authorization")
			if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=local/") || !strings.Contains(auth, "/eu-west-1/dynamodb/aws4_request") ||
				!strings.Contains(auth, "x-amz-security-token") || !strings.Contains(auth, "x-amz-target") {
				t.Errorf("Authorization %q: want SigV4 for dynamodb in eu-west-1, signing the session token and the target", auth)
			}
			if h.Get("X-Amz-Security-Token") != "session-token" || h.Get("Content-Type") != "application/x-amz-json-1.0" {
				t.Errorf("headers %v", h)
			}
		}
	}
}

// Throttling and failures are tried again, a few times; then EUNAVAILABLE (a 503), and the
// error's text has none of AWS's message.
func TestRetries(t *testing.T) {
	table, w := newTable(t)
	want := storetest.NewInstitution("roc-alfa")
	if err := w.PutInstitution(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status int
		typ    string
	}{
		{400, "ThrottlingException"},
		{400, "ProvisionedThroughputExceededException"},
		{500, "InternalServerError"},
		{503, "ServiceUnavailable"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			// Two failures: the third attempt reads the record.
			flaky := &wire{Fail: 2, Status: tc.status, Type: tc.typ}
			r := newReader(t, table, dynamoread.Options{HTTPClient: &http.Client{Transport: flaky}})
			got, err := r.Institution(t.Context(), want.ID)
			if err != nil {
				t.Fatalf("after two failures: %v", err)
			}
			if d := storetest.InstitutionDiff(want, got); d != "" {
				t.Fatal(d)
			}
			if n := flaky.calls("GetItem"); n != 3 {
				t.Errorf("%d GetItem requests, want 3", n)
			}

			// Failing on: three attempts, then EUNAVAILABLE, for the list too.
			down := &wire{Fail: 100, Status: tc.status, Type: tc.typ}
			r = newReader(t, table, dynamoread.Options{HTTPClient: &http.Client{Transport: down}})
			_, err = r.Institution(t.Context(), want.ID)
			storetest.WantCode(t, "Institution", err, meldwijzer.EUNAVAILABLE)
			_, err2 := r.Institutions(t.Context())
			storetest.WantCode(t, "Institutions", err2, meldwijzer.EUNAVAILABLE)
			if n := len(down.targets); n != 6 {
				t.Errorf("%d requests for two reads, want 3 each", n)
			}
			for _, e := range []error{err, err2} {
				if !strings.Contains(e.Error(), tc.typ) || strings.Contains(e.Error(), "123456789012") || strings.Contains(e.Error(), "Rate of requests") {
					t.Errorf("error text %q: want the exception's name and none of AWS's message", e)
				}
			}
		})
	}
}

// A request DynamoDB refuses (here a table that does not exist, as when TABLE_NAME is wrong)
// is not tried again: an internal error that names the exception, not AWS's message.
func TestRefused(t *testing.T) {
	seen := &wire{}
	r := newReader(t, "mw-read-no-such-table", dynamoread.Options{HTTPClient: &http.Client{Transport: seen}})
	_, err := r.Institution(t.Context(), "roc-alfa")
	if err == nil || meldwijzer.ErrorCode(err) != meldwijzer.EINTERNAL {
		t.Fatalf("a missing table: %v (code %s), want an internal error", err, meldwijzer.ErrorCode(err))
	}
	if !strings.Contains(err.Error(), "ResourceNotFoundException") || strings.Contains(err.Error(), "non-existent") {
		t.Errorf("error text %q: want the exception's name and none of AWS's message", err)
	}
	if n := len(seen.targets); n != 1 {
		t.Errorf("%d requests, want 1 (a refusal is not tried again)", n)
	}
	// The full adapter says the same (an internal error) for the same table.
	_, full := dynamo.New(local.Client(), "mw-read-no-such-table").Institution(t.Context(), "roc-alfa")
	if meldwijzer.ErrorCode(full) != meldwijzer.ErrorCode(err) {
		t.Errorf("full adapter: code %s, this reader: %s", meldwijzer.ErrorCode(full), meldwijzer.ErrorCode(err))
	}
}

// The caller's context ends the read, also while it waits to try again.
func TestContext(t *testing.T) {
	table, _ := newTable(t)
	r := newReader(t, table, dynamoread.Options{HTTPClient: &http.Client{Transport: &wire{Fail: 100, Status: 400, Type: "ThrottlingException"}}})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Institutions(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v", err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), 2*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := r.Institution(ctx, "roc-alfa")
	storetest.WantCode(t, "Institution past its deadline", err, meldwijzer.EUNAVAILABLE)
	if took := time.Since(began); took > time.Second {
		t.Errorf("took %v after a 2 ms deadline", took)
	}
}

// The endpoint is the service's own (AWS_ENDPOINT_URL_DYNAMODB), else AWS_ENDPOINT_URL, else
// DynamoDB's in the region: a reader of the wrong endpoint reads nothing.
func TestEndpoint(t *testing.T) {
	table, w := newTable(t)
	if err := w.PutInstitution(t.Context(), storetest.NewInstitution("roc-alfa")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		host string
	}{
		{"the general endpoint", map[string]string{config.EnvDynamoDBEndpoint: "", config.EnvAWSEndpointURL: local.Endpoint}, ""},
		{"the service's endpoint before the general one", map[string]string{config.EnvAWSEndpointURL: "http://127.0.0.1:1"}, ""},
		{"the region's", map[string]string{config.EnvDynamoDBEndpoint: ""}, "dynamodb.eu-west-1.amazonaws.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.LambdaAWS(env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			var host string
			client := &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
				host = req.URL.Host
				if tc.host != "" { // never to AWS from a test
					return nil, errors.New("not sent")
				}
				return http.DefaultTransport.RoundTrip(req)
			})}
			r, err := dynamoread.New(cfg, table, dynamoread.Options{HTTPClient: client})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Institution(t.Context(), "roc-alfa")
			if tc.host != "" {
				if host != tc.host {
					t.Errorf("host %q, want %q", host, tc.host)
				}
				return
			}
			if err != nil {
				t.Errorf("Institution: %v (host %s)", err, host)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// The guide's function links this reader, not the SDK's DynamoDB client, whose start-up was
// most of its cold start beyond a hello-world function's: it must not creep back.
func TestFunctionLinksNoDynamoDBClient(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "meldwijzer/functions/wegwijzer").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("meldwijzer/store/dynamoread\n")) {
		t.Fatal("the wegwijzer function does not link store/dynamoread")
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/service/dynamodb") || strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/feature/dynamodb") || dep == "meldwijzer/store/dynamo" {
			t.Errorf("the wegwijzer function links %s", dep)
		}
	}
}
