package dynamo_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/store/dynamo"
)

var base = time.Date(2025, time.March, 10, 9, 30, 15, 123_000_000, time.UTC)

func newReport(inst string, n int, at time.Time) (*meldwijzer.Report, *meldwijzer.Idempotency) {
	id := fmt.Sprintf("r%06d", n)
	r := &meldwijzer.Report{
		ID: id, Institution: inst, Audience: "student", Lang: "nl", Theme: "discriminatie", Where: "stage",
		Grounds: []string{"herkomst", "religie"}, When: "week", Description: fmt.Sprintf("Melding %d 😟", n),
		FollowUp: true, ReceiptHash: fmt.Sprintf("rcpt-%s-%d", inst, n), Status: meldwijzer.StatusReceived,
		CreatedAt: at, UpdatedAt: at, AcknowledgeBy: at.Add(meldwijzer.AcknowledgeWithin), FeedbackBy: at.AddDate(0, 3, 0),
	}
	idem := &meldwijzer.Idempotency{
		KeyHash: fmt.Sprintf("key-%s-%d", inst, n), RequestHash: fmt.Sprintf("req-%d", n), ReportID: id,
		Salt: []byte{1, 2, 3, byte(n)}, CreatedAt: at, ExpiresAt: at.Add(30 * 24 * time.Hour),
	}
	return r, idem
}

type env struct {
	t     *testing.T
	db    *dynamodb.Client
	table string
	s     *dynamo.Store
}

func newEnv(t *testing.T, l *dynamolocal.Local) *env {
	db := client(l)
	table := newTable(t, l)
	return &env{t: t, db: db, table: table, s: dynamo.New(db, table)}
}

// newTTLEnv is newEnv on a table with TTL enabled.
func newTTLEnv(t *testing.T, l *dynamolocal.Local) *env {
	db := client(l)
	table := newTTLTable(t, l)
	return &env{t: t, db: db, table: table, s: dynamo.New(db, table)}
}

func (e *env) create(r *meldwijzer.Report, idem *meldwijzer.Idempotency) *meldwijzer.Report {
	e.t.Helper()
	stored, _, created, err := e.s.CreateReport(e.t.Context(), r, idem)
	if err != nil || !created {
		e.t.Fatalf("CreateReport(%s) = created %v, %v", r.ID, created, err)
	}
	return stored
}

// raw reads an item as stored (nil when absent).
func (e *env) raw(pk, sk string) map[string]any {
	e.t.Helper()
	out, err := e.db.GetItem(e.t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(e.table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if out.Item == nil {
		return nil
	}
	var m map[string]any
	if err := attributevalue.UnmarshalMap(out.Item, &m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// partition returns the sort keys of every item with partition key pk.
func (e *env) partition(pk string) []string {
	e.t.Helper()
	out, err := e.db.Query(e.t.Context(), &dynamodb.QueryInput{
		TableName: aws.String(e.table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	var sks []string
	for _, it := range out.Items {
		// The sequence counter belongs to no report: a number it gave out is simply not used.
		if sk := it["sk"].(*types.AttributeValueMemberS).Value; sk != dynamo.SKSeq {
			sks = append(sks, sk)
		}
	}
	return sks
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := meldwijzer.ErrorCode(err); err == nil || got != code {
		t.Fatalf("%s: err = %v (code %s), want %s", what, err, meldwijzer.ErrorCode(err), code)
	}
}

func total(t *testing.T, s meldwijzer.ReportStore, inst, month string) int {
	t.Helper()
	counts, err := s.Counts(t.Context(), inst, month, month)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Dimension == "total" {
			return c.N
		}
	}
	return 0
}

func TestRoundTripAndReplay(t *testing.T) {
	e := newEnv(t, local)
	ctx := t.Context()
	r, idem := newReport("roc-a", 1, base)
	stored := e.create(r, idem)
	got, err := e.s.Report(ctx, "roc-a", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.CreatedAt.Equal(r.CreatedAt) || got.Description != r.Description || len(got.Grounds) != 2 || got.Messages != nil {
		t.Fatalf("Report = %+v", got)
	}
	if stored.Description != got.Description {
		t.Fatal("stored and read back differ")
	}
	if _, err := e.s.Report(ctx, "roc-b", r.ID); meldwijzer.ErrorCode(err) != meldwijzer.ENOTFOUND {
		t.Fatalf("other institution: %v", err)
	}
	byReceipt, err := e.s.ReportByReceipt(ctx, r.ReceiptHash)
	if err != nil || byReceipt.ID != r.ID {
		t.Fatalf("ReportByReceipt = %v, %v", byReceipt, err)
	}

	// A retry with the same key, even with another report id, writes nothing.
	r2, idem2 := newReport("roc-a", 2, base.Add(time.Minute))
	idem2.KeyHash = idem.KeyHash
	again, record, created, err := e.s.CreateReport(ctx, r2, idem2)
	if err != nil || created || again.ID != r.ID || record.RequestHash != idem.RequestHash || string(record.Salt) != string(idem.Salt) ||
		!record.ExpiresAt.Equal(idem.ExpiresAt) {
		t.Fatalf("replay = %+v, %+v, %v, %v", again, record, created, err)
	}
	if n := total(t, e.s, "roc-a", "2025-03"); n != 1 {
		t.Fatalf("total = %d after a replay, want 1", n)
	}
	if _, err := e.s.Report(ctx, "roc-a", r2.ID); meldwijzer.ErrorCode(err) != meldwijzer.ENOTFOUND {
		t.Fatalf("the replay stored report 2: %v", err)
	}
	counts, err := e.s.Counts(ctx, "roc-a", "2025-01", "2025-12")
	if err != nil || len(counts) != 6 { // total, theme, where, audience, 2 grounds
		t.Fatalf("Counts = %+v, %v", counts, err)
	}
}

// The transaction is atomic: when the report's Put fails, nothing else is written.
func TestCreateIsAtomic(t *testing.T) {
	e := newEnv(t, local)
	r, idem := newReport("roc-a", 1, base)
	_, err := e.db.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(e.table), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "INST#roc-a"}, "sk": &types.AttributeValueMemberS{Value: "REPORT#" + r.ID},
		"type": &types.AttributeValueMemberS{Value: "squatter"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = e.s.CreateReport(t.Context(), r, idem)
	wantCode(t, "CreateReport over an existing item", err, meldwijzer.ECONFLICT)
	if sks := e.partition("INST#roc-a"); len(sks) != 1 {
		t.Fatalf("the institution's partition holds %q, want only the pre-inserted item", sks)
	}
	if e.raw("IDEM#"+idem.KeyHash, "IDEM") != nil || e.raw("RECEIPT#"+r.ReceiptHash, "RECEIPT") != nil {
		t.Fatal("a failed CreateReport wrote its idempotency record or receipt index")
	}
	// The key was not used up: the same key can create another report.
	r.ID, idem.ReportID = "r-other", "r-other"
	e.create(r, idem)
}

// Closing sets the TTL attribute on every item of the report; reopening removes it again.
func TestTTLOnClose(t *testing.T) {
	e := newTTLEnv(t, local)
	ctx := t.Context()
	base := time.Date(2099, time.March, 10, 9, 30, 15, 123_000_000, time.UTC) // never expires during the test
	r, idem := newReport("roc-a", 1, base)
	e.create(r, idem)
	reportKey := [2]string{"INST#roc-a", "REPORT#" + r.ID}
	itemKeys := [][2]string{
		reportKey,
		{"RECEIPT#" + r.ReceiptHash, "RECEIPT"},
		{"INST#roc-a", "CREATED#2099-03-10T09:30:15.123000000Z#0000000000000001#" + r.ID},
	}
	idemKey := [2]string{"IDEM#" + idem.KeyHash, "IDEM"}
	if v := e.raw(idemKey[0], idemKey[1])["expiresAt"]; v != float64(idem.ExpiresAt.Unix()+1) {
		t.Fatalf("idempotency expiresAt = %v, want its own expiry %d", v, idem.ExpiresAt.Unix()+1)
	}

	at := base.Add(48 * time.Hour)
	closed, err := e.s.SetStatus(ctx, "roc-a", r.ID, meldwijzer.StatusClosed, at, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	exp := at.Add(24 * time.Hour)
	if !closed.ExpiresAt.Equal(exp) || !closed.ClosedAt.Equal(at) || closed.Status != meldwijzer.StatusClosed {
		t.Fatalf("closed = %+v", closed)
	}
	want := float64(exp.Unix() + 1) // rounded up: .123 s
	for _, k := range append(itemKeys, idemKey, [2]string{"INST#roc-a", "STATUS#closed#2099-03-10T09:30:15.123000000Z#0000000000000001#" + r.ID}) {
		if v := e.raw(k[0], k[1])["expiresAt"]; v != want {
			t.Errorf("%s/%s expiresAt = %v, want %v", k[0], k[1], v, want)
		}
	}
	if e.raw("INST#roc-a", "STATUS#received#2099-03-10T09:30:15.123000000Z#0000000000000001#"+r.ID) != nil {
		t.Error("the received index entry was not removed")
	}
	// A closed report takes no messages.
	_, err = e.s.AddMessage(ctx, "roc-a", r.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: "hallo", At: at})
	wantCode(t, "AddMessage to a closed report", err, meldwijzer.ECONFLICT)

	reopened, err := e.s.SetStatus(ctx, "roc-a", r.ID, meldwijzer.StatusInProgress, at.Add(time.Hour), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Closing acknowledged it (leaving received); reopening keeps that.
	if !reopened.ExpiresAt.IsZero() || !reopened.ClosedAt.IsZero() || !reopened.AcknowledgedAt.Equal(at) {
		t.Fatalf("reopened = %+v", reopened)
	}
	for _, k := range itemKeys {
		if v, ok := e.raw(k[0], k[1])["expiresAt"]; ok {
			t.Errorf("%s/%s still has expiresAt %v after reopening", k[0], k[1], v)
		}
	}
	if v := e.raw(idemKey[0], idemKey[1])["expiresAt"]; v != float64(idem.ExpiresAt.Unix()+1) {
		t.Errorf("idempotency expiresAt = %v after reopening, want its own expiry back", v)
	}
	if rs, _, err := e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Status: meldwijzer.StatusInProgress}); err != nil || len(rs) != 1 {
		t.Fatalf("in_progress list = %d, %v", len(rs), err)
	}
	if rs, _, err := e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Status: meldwijzer.StatusClosed}); err != nil || len(rs) != 0 {
		t.Fatalf("closed list = %d, %v", len(rs), err)
	}
}

// With TTL on, DynamoDB Local deletes a closed report whose retention has passed: the report,
// its index entries, receipt index and idempotency record go; the counts stay.
func TestTTLDeletes(t *testing.T) {
	e := newTTLEnv(t, local)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Millisecond)
	r, idem := newReport("roc-a", 1, now)
	idem.ExpiresAt = now.Add(30 * 24 * time.Hour)
	e.create(r, idem)
	keep, keepIdem := newReport("roc-a", 2, now) // stays open
	keepIdem.ExpiresAt = now.Add(30 * 24 * time.Hour)
	e.create(keep, keepIdem)
	if _, err := e.s.SetStatus(ctx, "roc-a", r.ID, meldwijzer.StatusClosed, now.Add(-2*time.Second), time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := e.s.Report(ctx, "roc-a", r.ID)
		_, errReceipt := e.s.ReportByReceipt(ctx, r.ReceiptHash)
		if meldwijzer.ErrorCode(err) == meldwijzer.ENOTFOUND && meldwijzer.ErrorCode(errReceipt) == meldwijzer.ENOTFOUND &&
			e.raw("IDEM#"+idem.KeyHash, "IDEM") == nil && len(e.partition("INST#roc-a")) == 5+6+2 {
			break // keep's report and 4 index entries (all, received, open, next deadline), 6 counts, 2 deadline counts
		}
		if time.Now().After(deadline) {
			t.Fatalf("not deleted after 20 s: report %v, receipt %v, partition %q", err, errReceipt, e.partition("INST#roc-a"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := total(t, e.s, "roc-a", now.Format("2006-01")); n != 2 {
		t.Fatalf("total = %d after the deletion, want 2 (counts stay)", n)
	}
	if _, err := e.s.Report(ctx, "roc-a", keep.ID); err != nil {
		t.Fatalf("the open report: %v", err)
	}
}

func TestMessages(t *testing.T) {
	e := newEnv(t, local)
	ctx := t.Context()
	r, idem := newReport("roc-a", 1, base)
	e.create(r, idem)
	_, err := e.s.AddMessage(ctx, "roc-a", "nope", meldwijzer.Message{From: meldwijzer.FromReporter, Text: "x", At: base})
	wantCode(t, "AddMessage to an unknown report", err, meldwijzer.ENOTFOUND)
	_, err = e.s.AddMessage(ctx, "roc-b", r.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: "x", At: base})
	wantCode(t, "AddMessage to another institution's report", err, meldwijzer.ENOTFOUND)

	at := base.Add(time.Hour)
	got, err := e.s.AddMessage(ctx, "roc-a", r.ID, meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Dank je", At: at})
	if err != nil || len(got.Messages) != 1 || !got.AcknowledgedAt.Equal(at) {
		t.Fatalf("AddMessage = %+v, %v", got, err)
	}
	got, err = e.s.AddMessage(ctx, "roc-a", r.ID, meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Nog iets", At: at.Add(time.Hour)})
	if err != nil || !got.AcknowledgedAt.Equal(at) {
		t.Fatalf("a second answer moved AcknowledgedAt: %+v, %v", got, err)
	}
	for i := 2; i < meldwijzer.MaxMessages; i++ {
		if _, err := e.s.AddMessage(ctx, "roc-a", r.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: "m", At: at.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	_, err = e.s.AddMessage(ctx, "roc-a", r.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: "one too many", At: at})
	wantCode(t, "message 41", err, meldwijzer.ECONFLICT)

	// The same message again (same sender, text and millisecond) is taken for a retry of the
	// first: it is not appended twice.
	r3, idem3 := newReport("roc-a", 3, base)
	e.create(r3, idem3)
	same := meldwijzer.Message{From: meldwijzer.FromReporter, Text: "dubbel getikt", At: at}
	for range 2 {
		got, err := e.s.AddMessage(ctx, "roc-a", r3.ID, same)
		if err != nil || len(got.Messages) != 1 {
			t.Fatalf("the same message twice: %d messages, %v", len(got.Messages), err)
		}
	}

	// The byte bound: description plus messages stay within MaxConversationBytes.
	r2, idem2 := newReport("roc-a", 2, base)
	e.create(r2, idem2)
	big := stringOf('€', meldwijzer.MaxMessageLength) // 6000 bytes
	n := 0
	for ; ; n++ {
		_, err := e.s.AddMessage(ctx, "roc-a", r2.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: big, At: at.Add(time.Duration(n) * time.Second)})
		if err != nil {
			wantCode(t, "a message over the byte bound", err, meldwijzer.ECONFLICT)
			break
		}
	}
	if want := (meldwijzer.MaxConversationBytes - len(r2.Description)) / len(big); n != want {
		t.Fatalf("%d big messages fit, want %d", n, want)
	}
}

func stringOf(r rune, n int) string {
	b := make([]rune, n)
	for i := range b {
		b[i] = r
	}
	return string(b)
}

// Listing orders by CreatedAt then ID (not by ID alone), pages with an opaque cursor bound to
// the institution and filter, and rejects a tampered one.
func TestListing(t *testing.T) {
	e := newEnv(t, local)
	ctx := t.Context()
	// ids sort against creation time on purpose.
	for n := 1; n <= 7; n++ {
		r, idem := newReport("roc-a", n, base.Add(-time.Duration(n)*time.Minute))
		e.create(r, idem)
	}
	r, idem := newReport("roc-b", 99, base)
	e.create(r, idem)
	if _, err := e.s.SetStatus(ctx, "roc-a", "r000003", meldwijzer.StatusInProgress, base, time.Hour); err != nil {
		t.Fatal(err)
	}
	var ids []string
	f := meldwijzer.ReportFilter{Institution: "roc-a", Limit: 3}
	var cursors []string
	for {
		rs, next, err := e.s.Reports(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if next == "" {
			break
		}
		cursors = append(cursors, next)
		f.Cursor = next
	}
	if fmt.Sprint(ids) != "[r000001 r000002 r000003 r000004 r000005 r000006 r000007]" || len(cursors) != 2 {
		t.Fatalf("pages = %v (%d cursors)", ids, len(cursors))
	}
	rs, next, err := e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Status: meldwijzer.StatusReceived, Limit: 6})
	if err != nil || len(rs) != 6 || next != "" || rs[2].ID != "r000004" {
		t.Fatalf("received = %d, %q, %v", len(rs), next, err)
	}

	raw, err := base64.RawURLEncoding.DecodeString(cursors[0])
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-3] ^= 1 // inside the JSON: the sort key's id
	for name, c := range map[string]string{
		"garbage":   "!!!",
		"not json":  base64.RawURLEncoding.EncodeToString([]byte("hallo, dit is geen cursor")),
		"bit flip":  base64.RawURLEncoding.EncodeToString(flipped),
		"truncated": cursors[0][:len(cursors[0])-2],
	} {
		_, _, err := e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Cursor: c, Limit: 3})
		wantCode(t, "cursor "+name, err, meldwijzer.EINVALID)
	}
	_, _, err = e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Status: meldwijzer.StatusClosed, Cursor: cursors[0], Limit: 3})
	wantCode(t, "a cursor of another filter", err, meldwijzer.EINVALID)
	_, _, err = e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-b", Cursor: cursors[0], Limit: 3})
	wantCode(t, "roc-a's cursor used by roc-b", err, meldwijzer.EINVALID)
}

// Concurrent reports of one institution and month all touch its "total" count: conflicting
// transactions are retried, and every report is counted exactly once. Concurrent retries of
// one request create one report.
func TestConcurrentCreates(t *testing.T) {
	e := newEnv(t, local)
	ctx := t.Context()
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			r, idem := newReport("roc-a", i, base)
			if _, _, _, err := e.s.CreateReport(ctx, r, idem); err != nil {
				errs <- err
			}
		})
	}
	var mu sync.Mutex
	created := 0
	for i := range n {
		wg.Go(func() {
			r, idem := newReport("roc-a", 1000+i, base)
			idem.KeyHash = "same-key"
			_, _, c, err := e.s.CreateReport(ctx, r, idem)
			if err != nil {
				errs <- err
			}
			if c {
				mu.Lock()
				created++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if created != 1 {
		t.Fatalf("%d concurrent retries created a report, want 1", created)
	}
	if got := total(t, e.s, "roc-a", "2025-03"); got != n+1 {
		t.Fatalf("total = %d, want %d", got, n+1)
	}
}

// STORE DOWN: with DynamoDB Local stopped, CreateReport fails fast with EUNAVAILABLE and writes
// nothing; after a restart a retry with the same key creates exactly one report, counted once.
func TestStoreDown(t *testing.T) {
	l := dynamolocal.Start(t, dynamolocal.Options{Persist: true})
	t.Logf("DynamoDB Local (persisted) started in %v", l.StartupTime)
	e := newEnv(t, l)
	ctx := t.Context()
	first, idemFirst := newReport("roc-a", 1, base)
	e.create(first, idemFirst)

	l.Stop()
	r, idem := newReport("roc-a", 2, base)
	began := time.Now()
	_, _, _, err := e.s.CreateReport(ctx, r, idem)
	took := time.Since(began)
	wantCode(t, "CreateReport with the store down", err, meldwijzer.EUNAVAILABLE)
	if took > 5*time.Second {
		t.Fatalf("CreateReport took %v to fail", took)
	}
	if msg := meldwijzer.ErrorMessage(err); msg == "" || containsAny(msg, "127.0.0.1", "dial", "DynamoDB", "connection") {
		t.Fatalf("the message leaks internals: %q", msg)
	}
	t.Logf("store down: EUNAVAILABLE after %v: %v", took, err)
	_, err = e.s.Report(ctx, "roc-a", first.ID)
	wantCode(t, "Report with the store down", err, meldwijzer.EUNAVAILABLE)

	if err := l.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Logf("DynamoDB Local restarted in %v", l.StartupTime)
	if _, err := e.s.Report(ctx, "roc-a", first.ID); err != nil {
		t.Fatalf("the report from before the restart: %v", err)
	}
	_, _, created, err := e.s.CreateReport(ctx, r, idem)
	if err != nil || !created {
		t.Fatalf("retry after restart: created %v, %v", created, err)
	}
	_, _, created, err = e.s.CreateReport(ctx, r, idem)
	if err != nil || created {
		t.Fatalf("second retry: created %v, %v", created, err)
	}
	if got := total(t, e.s, "roc-a", "2025-03"); got != 2 {
		t.Fatalf("total = %d, want 2", got)
	}
	rs, _, err := e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a"})
	if err != nil || len(rs) != 2 {
		t.Fatalf("Reports = %d, %v", len(rs), err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
