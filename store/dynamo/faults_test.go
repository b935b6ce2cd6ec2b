package dynamo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"meldwijzer"
	"meldwijzer/store/dynamo"
)

// faults sits between the store and DynamoDB Local and breaks TransactWriteItems calls the way
// DynamoDB can: a conflict with another transaction (which DynamoDB Local, serialising every
// transaction, never produces), or an answer lost after the write committed.
type faults struct {
	mu        sync.Mutex
	conflicts int    // answer the next n TransactWriteItems with TransactionCanceled/TransactionConflict
	lose      int    // let the next n commit, then drop their answer (connection reset)
	loseOp    string // the operation whose answers are lost ("" for TransactWriteItems)
	calls     int
}

func (f *faults) RoundTrip(req *http.Request) (*http.Response, error) {
	op := "TransactWriteItems"
	if f.loseOp != "" {
		op = f.loseOp
	}
	if req.Header.Get("X-Amz-Target") != "DynamoDB_20120810."+op {
		return http.DefaultTransport.RoundTrip(req)
	}
	f.mu.Lock()
	f.calls++
	conflict, lose := f.conflicts > 0, f.conflicts == 0 && f.lose > 0
	if conflict {
		f.conflicts--
	} else if lose {
		f.lose--
	}
	f.mu.Unlock()
	switch {
	case conflict:
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		var in struct{ TransactItems []json.RawMessage }
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, err
		}
		reasons := make([]map[string]string, len(in.TransactItems))
		codes := make([]string, len(in.TransactItems))
		for i := range reasons {
			codes[i] = "None"
			if i == len(reasons)-1 { // the last item (a count, in CreateReport) was busy
				codes[i] = "TransactionConflict"
			}
			reasons[i] = map[string]string{"Code": codes[i]}
		}
		out, _ := json.Marshal(map[string]any{
			"__type":              "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
			"Message":             fmt.Sprintf("Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", strings.Join(codes, ", ")),
			"CancellationReasons": reasons,
		})
		return &http.Response{
			StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"fault"}},
			Body:   io.NopCloser(bytes.NewReader(out)), ContentLength: int64(len(out)), Request: req,
		}, nil
	case lose:
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return nil, errors.New("read tcp 127.0.0.1: connection reset by peer")
	}
	return http.DefaultTransport.RoundTrip(req)
}

func faultyEnv(t *testing.T) (*env, *faults) {
	f := &faults{}
	e := newEnv(t, local)
	e.db = dynamodb.New(e.db.Options(), func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: f} })
	e.s = dynamo.New(e.db, e.table)
	return e, f
}

// A transaction cancelled by a conflict is retried, and counted once.
func TestConflictIsRetried(t *testing.T) {
	e, f := faultyEnv(t)
	ctx := t.Context()
	f.conflicts = 3
	r, idem := newReport("roc-a", 1, base)
	e.create(r, idem)
	if f.calls != 4 {
		t.Fatalf("%d TransactWriteItems calls, want 4", f.calls)
	}
	if n := total(t, e.s, "roc-a", "2025-03"); n != 1 {
		t.Fatalf("total = %d, want 1", n)
	}
	f.conflicts = 2
	if _, err := e.s.SetStatus(ctx, "roc-a", r.ID, meldwijzer.StatusClosed, base, 0); err != nil {
		t.Fatalf("SetStatus through conflicts: %v", err)
	}
}

// A transaction that keeps conflicting ends in EUNAVAILABLE (bounded), having written nothing.
func TestConflictGivesUp(t *testing.T) {
	e, f := faultyEnv(t)
	f.conflicts = 1000
	r, idem := newReport("roc-a", 1, base)
	_, _, _, err := e.s.CreateReport(t.Context(), r, idem)
	wantCode(t, "CreateReport under endless conflicts", err, meldwijzer.EUNAVAILABLE)
	if f.calls != 8 {
		t.Fatalf("%d attempts, want 8", f.calls)
	}
	if sks := e.partition("INST#roc-a"); len(sks) != 0 {
		t.Fatalf("written: %q", sks)
	}
}

// When the answer to a committed CreateReport is lost, the SDK's retry (same client request
// token) or the idempotency record makes sure that there is one report, counted once.
func TestLostAnswer(t *testing.T) {
	e, f := faultyEnv(t)
	f.lose = 1
	r, idem := newReport("roc-a", 1, base)
	stored, record, created, err := e.s.CreateReport(t.Context(), r, idem)
	if err != nil {
		t.Fatalf("CreateReport with a lost answer: %v", err)
	}
	t.Logf("after a lost answer: created = %v after %d calls", created, f.calls)
	if stored.ID != r.ID || record.ReportID != r.ID {
		t.Fatalf("got report %s, record for %s", stored.ID, record.ReportID)
	}
	if n := total(t, e.s, "roc-a", "2025-03"); n != 1 {
		t.Fatalf("total = %d, want 1", n)
	}
	if rs, _, err := e.s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: "roc-a"}); err != nil || len(rs) != 1 {
		t.Fatalf("%d reports, %v", len(rs), err)
	}
}

// When the answer to a committed AddMessage is lost, the SDK's retry does not append the
// message twice.
func TestLostAnswerAddMessage(t *testing.T) {
	e, f := faultyEnv(t)
	r, idem := newReport("roc-a", 1, base)
	e.create(r, idem)
	f.loseOp, f.lose, f.calls = "UpdateItem", 1, 0
	got, err := e.s.AddMessage(t.Context(), "roc-a", r.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: "Is er nieuws?", At: base.Add(time.Hour)})
	if err != nil {
		t.Fatalf("AddMessage with a lost answer: %v", err)
	}
	if f.calls != 2 || len(got.Messages) != 1 {
		t.Fatalf("%d calls, %d messages returned; want 2 calls, 1 message", f.calls, len(got.Messages))
	}
	stored, err := e.s.Report(t.Context(), "roc-a", r.ID)
	if err != nil || len(stored.Messages) != 1 {
		t.Fatalf("stored: %d messages, %v", len(stored.Messages), err)
	}
}
