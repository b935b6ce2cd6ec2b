package dynamo_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"meldwijzer"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/storetest"
)

// TestAuditContract runs the AuditLog contract suite on the shared DynamoDB Local, each
// subtest on a fresh table.
func TestAuditContract(t *testing.T) {
	storetest.RunAudit(t, func(t *testing.T) meldwijzer.AuditLog {
		s := dynamo.New(client(local), newTable(t, local))
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestAuditDefaultLimit(t *testing.T) {
	if dynamo.DefaultLimit != storetest.DefaultAuditLimit {
		t.Fatalf("dynamo.DefaultLimit %d, the contract's default %d", dynamo.DefaultLimit, storetest.DefaultAuditLimit)
	}
}

// TestAuditItems: entries are in their own partition, carry no TTL attribute and no report
// text, leave the reports' partition as it was, and stay when TTL deletes the report (on a
// table with TTL, where DynamoDB Local deletes expired items within seconds).
func TestAuditItems(t *testing.T) {
	db := client(local)
	table := newTTLTable(t, local)
	e := &env{t: t, db: db, table: table, s: dynamo.New(db, table)}
	r, idem := newReport("roc-a", 1, base)
	e.create(r, idem)
	entries := []meldwijzer.AuditEntry{
		{Institution: "roc-a", At: base, Actor: "staff-1", Role: "handler", Action: meldwijzer.AuditRead, ReportID: r.ID},
		{Institution: "roc-a", At: base, Actor: "staff-1", Role: "handler", Action: meldwijzer.AuditStatus, ReportID: r.ID, Detail: meldwijzer.StatusClosed},
	}
	storetest.Append(t, e.s, entries[0])
	// Closed with no retention at a time long past: the report's items are due at once.
	if _, err := e.s.SetStatus(t.Context(), "roc-a", r.ID, meldwijzer.StatusClosed, base, 0); err != nil {
		t.Fatal(err)
	}
	before := e.partition("INST#roc-a")
	storetest.Append(t, e.s, entries[1])
	// The report's items are due, so TTL may already be deleting them: the partition may lose
	// items meanwhile, but appending an entry must add none to it.
	if after := e.partition("INST#roc-a"); slices.ContainsFunc(after, func(sk string) bool { return !slices.Contains(before, sk) }) {
		t.Fatalf("appending an audit entry added to the report partition: %q → %q", before, after)
	}
	sks := e.partition("AUDIT#roc-a")
	if len(sks) != 2 {
		t.Fatalf("audit partition: %q, want two entries", sks)
	}
	for _, sk := range sks {
		item := e.raw("AUDIT#roc-a", sk)
		if _, ok := item["expiresAt"]; ok {
			t.Fatalf("an audit entry has the TTL attribute: %v", item)
		}
		if !strings.HasPrefix(sk, "2025-03-10T09:30:15.123000000Z#") {
			t.Fatalf("sort key %q does not start with the time", sk)
		}
		for k, v := range item {
			if s, ok := v.(string); ok && strings.Contains(s, "Melding") {
				t.Fatalf("attribute %s holds report text: %q", k, s)
			}
		}
	}
	if item := e.raw("AUDITSEQ#roc-a", "SEQ"); item == nil || item["expiresAt"] != nil {
		t.Fatalf("audit counter: %v", item)
	}

	deadline := time.Now().Add(15 * time.Second)
	for e.raw("INST#roc-a", "REPORT#"+r.ID) != nil {
		if time.Now().After(deadline) {
			t.Fatal("TTL did not delete the closed report within 15s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if d := storetest.AuditListDiff(storetest.SortAuditNewestFirst(entries), storetest.AllAudit(t, e.s, "roc-a", 10)); d != "" {
		t.Fatalf("audit log after TTL deleted the report:\n%s", d)
	}
}

// TestAuditCursorKinds: a Reports cursor is no audit cursor, and an audit cursor no Reports
// cursor, though both are signed alike.
func TestAuditCursorKinds(t *testing.T) {
	e := newEnv(t, local)
	ctx := t.Context()
	for i := range 3 {
		r, idem := newReport("roc-a", i, base)
		e.create(r, idem)
		storetest.Append(t, e.s, storetest.NewAuditEntry("roc-a", i, base))
	}
	_, reportsCursor, err := e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Limit: 1})
	if err != nil || reportsCursor == "" {
		t.Fatalf("Reports: cursor %q, %v", reportsCursor, err)
	}
	_, auditCursor, err := e.s.Audit(ctx, "roc-a", "", 1)
	if err != nil || auditCursor == "" {
		t.Fatalf("Audit: cursor %q, %v", auditCursor, err)
	}
	_, _, err = e.s.Audit(ctx, "roc-a", reportsCursor, 1)
	wantCode(t, "Audit with a Reports cursor", err, meldwijzer.EINVALID)
	for _, status := range append([]string{""}, meldwijzer.Statuses...) {
		_, _, err = e.s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-a", Status: status, Limit: 1, Cursor: auditCursor})
		wantCode(t, "Reports with an audit cursor", err, meldwijzer.EINVALID)
	}
}

// When the answer to a committed put is lost, the SDK's retry finds the key taken by this very
// entry: the entry is stored once and AppendAudit succeeds.
func TestAuditLostAnswer(t *testing.T) {
	e, f := faultyEnv(t)
	f.loseOp, f.lose = "PutItem", 1
	entry := storetest.NewAuditEntry("roc-a", 1, base)
	if err := e.s.AppendAudit(t.Context(), entry); err != nil {
		t.Fatalf("AppendAudit with a lost answer: %v", err)
	}
	if f.calls < 2 {
		t.Fatalf("%d PutItem calls: the answer was not lost", f.calls)
	}
	got := storetest.AllAudit(t, e.s, "roc-a", 10)
	if d := storetest.AuditListDiff([]meldwijzer.AuditEntry{entry}, got); d != "" {
		t.Fatalf("after a lost answer:\n%s", d)
	}
}

// When DynamoDB cannot be reached, AppendAudit and Audit are EUNAVAILABLE.
func TestAuditStoreDown(t *testing.T) {
	// Nothing listens on port 1 of the loopback address.
	db := dynamodb.New(client(local).Options(), func(o *dynamodb.Options) {
		o.BaseEndpoint, o.RetryMaxAttempts = aws.String("http://127.0.0.1:1"), 2
	})
	s := dynamo.New(db, "no-table")
	err := s.AppendAudit(t.Context(), storetest.NewAuditEntry("roc-a", 1, base))
	wantCode(t, "AppendAudit with DynamoDB down", err, meldwijzer.EUNAVAILABLE)
	_, _, err = s.Audit(t.Context(), "roc-a", "", 10)
	wantCode(t, "Audit with DynamoDB down", err, meldwijzer.EUNAVAILABLE)
}
