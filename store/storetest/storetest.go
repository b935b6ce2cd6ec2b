// Package storetest is the contract that every meldwijzer.ReportStore adapter passes. An
// adapter's test calls Run with a function that opens a fresh, empty store (and closes and
// removes it with t.Cleanup). It is test code kept in one file of about 1000 lines on purpose:
// the contract reads as one document, its rules first, then a test per rule.
//
// The rules the suite checks, beyond the comments on meldwijzer.ReportStore:
//
//   - Time: stores never read the clock; every stored time comes from the caller. Times
//     round-trip as the same instant (compared with time.Time.Equal) with at least millisecond
//     precision; the suite only uses UTC times truncated to milliseconds (see Ms), and the
//     service truncates to milliseconds too. A zero time round-trips as a zero time. The
//     location need not survive (the service works in UTC).
//   - Order: Reports lists newest first: CreatedAt descending, then Seq descending, then ID
//     (meldwijzer.NewestFirst). The store gives each created report a Seq larger than those of
//     the institution's earlier reports, so that reports of one day (the service keeps no finer
//     time) list in the order they arrived. Ids carry no order.
//   - Paging: a page holds at most Limit reports (Limit <= 0: the store's default). Without a
//     status filter every page but the last is full; with one, a page may be shorter but is
//     never empty unless it is the last. The cursor is "" after the last page; following the
//     cursors gives every matching report once, in order. A cursor that was not returned by
//     the store for this institution (altered, truncated, made up, or another institution's)
//     is EINVALID.
//   - Errors: an error comes with nil results; an unknown or foreign report is ENOTFOUND
//     (tenant isolation: another institution's report looks exactly like a missing one);
//     a failed call changes nothing.
//   - CreateReport: an existing idem.KeyHash returns the stored report as it is now (with its
//     messages) and the FIRST record, created == false, and writes nothing. An ID or
//     ReceiptHash that is already taken is ECONFLICT and writes nothing (a report is never
//     overwritten, a receipt never points at two reports).
//   - Counts: one increment per CountKey of a created report, in the same atomic write;
//     Counts(inst, from, to) returns only inst's counts for months from..to inclusive, each key
//     at most once, in any order; zero counts may be left out.
//   - AddMessage: appends in order; sets UpdatedAt to the message's time; a message from the
//     institution sets AcknowledgedAt when it is still zero; the status does not change.
//     ECONFLICT (nothing appended) when the report is closed, already holds MaxMessages
//     messages, or when len(Description) plus the lengths of all message texts, in bytes, would
//     exceed MaxConversationBytes (exactly MaxConversationBytes is allowed): the rules of
//     meldwijzer.Report.AddMessage, answered with its errors.
//   - Error messages: a broken rule is answered with the domain's error value (rules.go), the
//     same code and message from every adapter.
//   - SetStatus: sets Status and UpdatedAt = at. Leaving received (to in_progress or closed)
//     sets AcknowledgedAt = at when it is still zero. Closing sets ClosedAt = at and ExpiresAt =
//     at + retention; any other status clears ClosedAt and ExpiresAt. The adapter makes the
//     receipt index and the idempotency record expire with the report (the suite cannot see
//     that: there is no clock). These are meldwijzer.Report.SetStatus's rules; an unknown status
//     is ErrBadStatus and setting the status a report has changes nothing. A report whose
//     ExpiresAt has passed at `at` cannot change status: ErrReportExpired, nothing written.
package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"meldwijzer"
)

// Run runs the contract suite. open returns a fresh, empty store for each subtest.
func Run(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore)
	}{
		{"CreateRoundTrip", testCreateRoundTrip},
		{"CreateRetrySameKey", testCreateRetrySameKey},
		{"CreateDifferentKeys", testCreateDifferentKeys},
		{"CreateTakenIDOrReceipt", testCreateTaken},
		{"CreateConcurrent", testCreateConcurrent},
		{"Counts", testCounts},
		{"TenantIsolation", testTenantIsolation},
		{"NotFound", testNotFound},
		{"Messages", testMessages},
		{"MessageLimits", testMessageLimits},
		{"Status", testStatus},
		{"StatusRules", testStatusRules},
		{"Reports", testReports},
		{"ReportsCursor", testReportsCursor},
		{"ReportsOpen", testReportsOpen},
		{"Due", testDue},
		{"Assignee", testAssignee},
		{"Notes", testNotes},
		{"NoteLimits", testNoteLimits},
		{"AnswerTakesInProgress", testAnswerTakesInProgress},
		{"ReportsByDeadline", testReportsByDeadline},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

const (
	instA = "roc-alfa"
	instB = "roc-bravo"
)

func testCreateRoundTrip(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	amsterdam := time.FixedZone("CET", 3600)
	cases := []struct {
		name string
		r    func() *meldwijzer.Report
	}{
		{"follow-up", func() *meldwijzer.Report { return NewReport(instA, 1, Base) }},
		{"no follow-up", func() *meldwijzer.Report {
			r := NewReport(instA, 2, Base)
			r.FollowUp, r.ReceiptHash = false, ""
			return r
		}},
		{"discrimination grounds", func() *meldwijzer.Report {
			r := NewReport(instA, 9, Base) // theme discriminatie
			r.Grounds = []string{"gender", "herkomst", "seksuele-orientatie"}
			return r
		}},
		{"minimal", func() *meldwijzer.Report {
			r := NewReport(instA, 4, Base)
			r.When, r.Grounds, r.Lang = "", nil, "en"
			return r
		}},
		{"long multi-byte description", func() *meldwijzer.Report {
			r := NewReport(instA, 5, Base)
			r.Description = strings.Repeat("ë😟", meldwijzer.MaxDescriptionLength/2)
			return r
		}},
		{"every time set", func() *meldwijzer.Report {
			r := NewReport(instA, 6, Base.Add(-40*24*time.Hour+7*time.Millisecond))
			r.Status = meldwijzer.StatusClosed
			r.AcknowledgedAt = r.CreatedAt.Add(time.Hour + 1*time.Millisecond)
			r.UpdatedAt = r.CreatedAt.Add(2*time.Hour + 2*time.Millisecond)
			r.ClosedAt = r.CreatedAt.Add(3*time.Hour + 3*time.Millisecond)
			r.ExpiresAt = r.ClosedAt.Add(365 * 24 * time.Hour)
			return r
		}},
		{"times in another zone", func() *meldwijzer.Report {
			r := NewReport(instA, 7, Base)
			r.CreatedAt = r.CreatedAt.In(amsterdam)
			r.UpdatedAt = r.UpdatedAt.In(amsterdam)
			r.AcknowledgeBy = r.AcknowledgeBy.In(amsterdam)
			r.FeedbackBy = r.FeedbackBy.In(amsterdam)
			return r
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			want := tc.r()
			idem := NewIdempotency(want, "key-"+want.ID)
			stored := Create(t, s, tc.r(), idem)

			got := MustReport(t, s, want.Institution, want.ID)
			if d := ReportDiff(want, got); d != "" {
				t.Fatalf("Report() after create:\n%s", d)
			}
			if len(got.Messages) != 0 {
				t.Fatalf("a new report has %d messages", len(got.Messages))
			}
			if want.FollowUp {
				byReceipt, err := s.ReportByReceipt(t.Context(), want.ReceiptHash)
				if err != nil {
					t.Fatalf("ReportByReceipt: %v", err)
				}
				if d := ReportDiff(want, byReceipt); d != "" {
					t.Fatalf("ReportByReceipt:\n%s", d)
				}
			}
			r, err := s.ReportByReceipt(t.Context(), "")
			WantError(t, `ReportByReceipt("")`, err, meldwijzer.ErrReportNotFound)
			if r != nil {
				t.Fatalf(`ReportByReceipt(""): a report with an error`)
			}

			// The returned reports are the caller's own: changing them changes nothing stored.
			stored.Description, got.Theme = "changed", "changed"
			got.Grounds = append(got.Grounds, "changed")
			if d := ReportDiff(want, MustReport(t, s, want.Institution, want.ID)); d != "" {
				t.Fatalf("changing a returned report changed the store:\n%s", d)
			}
			if d := mapDiff(ExpectedCounts([]*meldwijzer.Report{want}, "0000-00", "9999-99"), CountMap(t, s, want.Institution, "0000-00", "9999-99")); d != "" {
				t.Fatalf("counts after one report:\n%s", d)
			}
		})
	}
}

func testCreateRetrySameKey(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	cases := []struct {
		name string
		// between runs after the first create, before the retry.
		between func(t *testing.T, s meldwijzer.ReportStore, first *meldwijzer.Report) *meldwijzer.Report
	}{
		{"right after", func(t *testing.T, s meldwijzer.ReportStore, first *meldwijzer.Report) *meldwijzer.Report {
			return first
		}},
		{"after a message and closing", func(t *testing.T, s meldwijzer.ReportStore, first *meldwijzer.Report) *meldwijzer.Report {
			if _, err := s.AddMessage(t.Context(), instA, first.ID, meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Dank je.", At: Base.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
			r, err := s.SetStatus(t.Context(), instA, first.ID, meldwijzer.StatusClosed, Base.Add(2*time.Minute), time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			first := NewReport(instA, 1, Base)
			firstIdem := NewIdempotency(first, "the-key")
			Create(t, s, first, firstIdem)
			want := tc.between(t, s, first)
			countsBefore := CountMap(t, s, instA, "0000-00", "9999-99")

			// The retry: a new id, time, body and salt, but the same key hash.
			retry := NewReport(instA, 2, Base.Add(5*time.Second))
			retry.Theme, retry.ReceiptHash = "agressie", Hash("another receipt")
			retryIdem := NewIdempotency(retry, "the-key")
			retryIdem.RequestHash, retryIdem.Salt = Hash("another body"), []byte("another salt....")
			if retryIdem.KeyHash != firstIdem.KeyHash {
				t.Fatal("test bug: key hashes differ")
			}
			for attempt := range 3 {
				stored, record, created, err := s.CreateReport(t.Context(), retry, retryIdem)
				if err != nil {
					t.Fatalf("retry %d: %v", attempt, err)
				}
				if created {
					t.Fatalf("retry %d: created = true for a known key", attempt)
				}
				if d := ReportDiff(want, stored); d != "" {
					t.Fatalf("retry %d returned another report than the stored one:\n%s", attempt, d)
				}
				if d := IdempotencyDiff(firstIdem, record); d != "" {
					t.Fatalf("retry %d returned another record than the first:\n%s", attempt, d)
				}
			}
			_, err := s.Report(t.Context(), instA, retry.ID)
			WantError(t, "Report(retry id)", err, meldwijzer.ErrReportNotFound)
			_, err = s.ReportByReceipt(t.Context(), retry.ReceiptHash)
			WantError(t, "ReportByReceipt(retry receipt)", err, meldwijzer.ErrReportNotFound)
			if d := ReportDiff(want, MustReport(t, s, instA, first.ID)); d != "" {
				t.Fatalf("the stored report changed:\n%s", d)
			}
			if all := AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Limit: 10}); len(all) != 1 {
				t.Fatalf("%d reports after retries, want 1", len(all))
			}
			if d := mapDiff(countsBefore, CountMap(t, s, instA, "0000-00", "9999-99")); d != "" {
				t.Fatalf("retries changed the counts:\n%s", d)
			}
		})
	}
}

func testCreateDifferentKeys(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	// The same body under two keys is two reports (the service scopes key hashes to the
	// institution; here they simply differ).
	r1 := NewReport(instA, 1, Base)
	r2 := NewReport(instA, 2, Base)
	r2.Theme, r2.Where, r2.Grounds = r1.Theme, r1.Where, r1.Grounds
	i1, i2 := NewIdempotency(r1, "key-one"), NewIdempotency(r2, "key-two")
	i2.RequestHash = i1.RequestHash
	Create(t, s, r1, i1)
	Create(t, s, r2, i2)
	for _, r := range []*meldwijzer.Report{r1, r2} {
		if d := ReportDiff(r, MustReport(t, s, instA, r.ID)); d != "" {
			t.Fatalf("%s:\n%s", r.ID, d)
		}
	}
	if all := AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Limit: 10}); len(all) != 2 {
		t.Fatalf("%d reports, want 2", len(all))
	}
	if d := mapDiff(ExpectedCounts([]*meldwijzer.Report{r1, r2}, "0000-00", "9999-99"), CountMap(t, s, instA, "0000-00", "9999-99")); d != "" {
		t.Fatalf("counts:\n%s", d)
	}
}

func testCreateTaken(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	cases := []struct {
		name  string
		taken func(first, r *meldwijzer.Report)
		want  error
	}{
		{"id taken", func(first, r *meldwijzer.Report) { r.ID = first.ID }, meldwijzer.ErrReportTaken},
		{"receipt hash taken", func(first, r *meldwijzer.Report) { r.ReceiptHash = first.ReceiptHash }, meldwijzer.ErrReceiptTaken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			first := NewReport(instA, 1, Base)
			Create(t, s, first, NewIdempotency(first, "key-first"))
			counts := CountMap(t, s, instA, "0000-00", "9999-99")

			r := NewReport(instA, 2, Base.Add(time.Minute))
			tc.taken(first, r)
			idem := NewIdempotency(r, "key-second")
			stored, record, created, err := s.CreateReport(t.Context(), r, idem)
			WantError(t, "CreateReport", err, tc.want)
			if stored != nil || record != nil || created {
				t.Fatalf("CreateReport failed but returned %v, %v, %v", stored, record, created)
			}
			if d := ReportDiff(first, MustReport(t, s, instA, first.ID)); d != "" {
				t.Fatalf("the first report changed:\n%s", d)
			}
			byReceipt, err := s.ReportByReceipt(t.Context(), first.ReceiptHash)
			if err != nil {
				t.Fatal(err)
			}
			if d := ReportDiff(first, byReceipt); d != "" {
				t.Fatalf("the receipt index changed:\n%s", d)
			}
			if d := mapDiff(counts, CountMap(t, s, instA, "0000-00", "9999-99")); d != "" {
				t.Fatalf("a failed create changed the counts:\n%s", d)
			}
			if all := AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Limit: 10}); len(all) != 1 {
				t.Fatalf("%d reports, want 1", len(all))
			}
			// Nothing of the failed request was kept: its key still creates a new report.
			again := NewReport(instA, 3, Base.Add(2*time.Minute))
			Create(t, s, again, NewIdempotency(again, "key-second"))
		})
	}
}

func testCreateConcurrent(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	const sameKeyWorkers, otherWorkers = 50, 50
	type result struct {
		worker  int
		stored  *meldwijzer.Report
		record  *meldwijzer.Idempotency
		created bool
		err     error
	}
	results := make(chan result, sameKeyWorkers*3+otherWorkers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	var others []*meldwijzer.Report
	for w := range sameKeyWorkers {
		attempts := 2 + w%2
		wg.Go(func() {
			<-start
			for a := range attempts {
				// Every attempt is the same request: same body and key, a new id and time.
				r := NewReport(instA, 1000+w*10+a, Base.Add(time.Duration(w*10+a)*time.Millisecond))
				r.Theme, r.Where, r.Audience, r.Grounds = "pesten", "online", "student", nil
				stored, record, created, err := s.CreateReport(t.Context(), r, NewIdempotency(r, "same-key"))
				results <- result{w, stored, record, created, err}
			}
		})
	}
	for w := range otherWorkers {
		r := NewReport(instA, 5000+w, Base.Add(time.Duration(w)*time.Millisecond))
		others = append(others, r)
		wg.Go(func() {
			<-start
			stored, record, created, err := s.CreateReport(t.Context(), r, NewIdempotency(r, fmt.Sprintf("other-key-%d", w)))
			results <- result{-1 - w, stored, record, created, err}
		})
	}
	close(start)
	wg.Wait()
	close(results)

	var winner *meldwijzer.Report
	var winnerRecord *meldwijzer.Idempotency
	var stored []*meldwijzer.Report
	var sameKey []result
	for res := range results {
		if res.err != nil {
			t.Fatalf("worker %d: %v", res.worker, res.err)
		}
		if res.stored == nil || res.record == nil {
			t.Fatalf("worker %d: nil report or record without an error", res.worker)
		}
		if res.worker < 0 {
			if !res.created {
				t.Fatalf("worker %d: created = false for its own key", res.worker)
			}
			// as stored: the sequence the store gave it decides its place within the day
			stored = append(stored, res.stored)
			continue
		}
		sameKey = append(sameKey, res)
		if res.created {
			if winner != nil {
				t.Fatalf("the same key created two reports: %s and %s", winner.ID, res.stored.ID)
			}
			winner, winnerRecord = res.stored, res.record
		}
	}
	if winner == nil {
		t.Fatal("the same key created no report")
	}
	for _, res := range sameKey {
		if res.stored.ID != winner.ID || res.record.ReportID != winner.ID {
			t.Fatalf("worker %d got report %s (record for %s), want the first, %s", res.worker, res.stored.ID, res.record.ReportID, winner.ID)
		}
		if d := IdempotencyDiff(winnerRecord, res.record); d != "" {
			t.Fatalf("worker %d got another record:\n%s", res.worker, d)
		}
	}

	if len(stored) != len(others) {
		t.Fatalf("%d other reports stored, want %d", len(stored), len(others))
	}
	want := append([]*meldwijzer.Report{winner}, stored...)
	SortNewestFirst(want)
	got := AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Limit: 10})
	if len(got) != 1+otherWorkers {
		t.Fatalf("%d reports, want %d", len(got), 1+otherWorkers)
	}
	for i := range want {
		if d := ReportDiff(want[i], got[i]); d != "" {
			t.Fatalf("report %d:\n%s", i, d)
		}
	}
	month := Base.Format("2006-01")
	counts := CountMap(t, s, instA, month, month)
	if n := counts[meldwijzer.CountKey{Institution: instA, Month: month, Dimension: "total", Value: "all"}]; n != 1+otherWorkers {
		t.Fatalf("total count %d, want %d", n, 1+otherWorkers)
	}
	if d := mapDiff(ExpectedCounts(want, month, month), counts); d != "" {
		t.Fatalf("counts:\n%s", d)
	}
}

func testCounts(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	var a, b []*meldwijzer.Report
	for i, when := range []string{
		"2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00Z", "2025-01-31T23:59:59.999Z",
		"2025-02-01T00:00:00Z", "2025-02-14T12:00:00.5Z", "2025-02-28T23:59:59.999Z",
		"2025-03-10T10:00:00Z", "2025-12-31T23:00:00Z", "2026-01-01T00:00:00.001Z",
	} {
		// Several reports per month, with varying themes, places and grounds.
		for j := range 2 + i%3 {
			r := NewReport(instA, 100*i+j, at(when))
			if j == 1 {
				r.Theme, r.Grounds = "discriminatie", []string{"handicap", "herkomst"}
			}
			a = append(a, r)
		}
	}
	for i, when := range []string{"2025-02-01T00:00:00Z", "2025-02-10T00:00:00Z", "2025-03-01T00:00:00Z"} {
		b = append(b, NewReport(instB, 5000+i, at(when)))
	}
	for _, r := range append(append([]*meldwijzer.Report{}, a...), b...) {
		Create(t, s, r, NewIdempotency(r, "key-"+r.ID))
	}
	cases := []struct{ inst, from, to string }{
		{instA, "2025-01", "2025-12"},
		{instA, "2025-02", "2025-02"},
		{instA, "2025-02", "2025-03"},
		{instA, "2024-12", "2024-12"},
		{instA, "2025-12", "2026-01"},
		{instA, "2000-01", "2099-12"},
		{instA, "2024-01", "2024-11"},
		{instA, "2025-04", "2025-11"},
		{instB, "2025-01", "2025-12"},
		{instB, "2025-02", "2025-02"},
		{"roc-charlie", "2000-01", "2099-12"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s..%s", tc.inst, tc.from, tc.to), func(t *testing.T) {
			reports := map[string][]*meldwijzer.Report{instA: a, instB: b}[tc.inst]
			want := ExpectedCounts(reports, tc.from, tc.to)
			if d := mapDiff(want, CountMap(t, s, tc.inst, tc.from, tc.to)); d != "" {
				t.Fatalf("counts:\n%s", d)
			}
		})
	}
}

func testTenantIsolation(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	r := NewReport(instA, 1, Base)
	Create(t, s, r, NewIdempotency(r, "key"))
	rb := NewReport(instB, 2, Base)
	Create(t, s, rb, NewIdempotency(rb, "key"))
	later := Base.Add(time.Hour)
	ops := []struct {
		name string
		op   func(inst string) (*meldwijzer.Report, error)
	}{
		{"Report", func(inst string) (*meldwijzer.Report, error) { return s.Report(t.Context(), inst, r.ID) }},
		{"AddMessage institution", func(inst string) (*meldwijzer.Report, error) {
			return s.AddMessage(t.Context(), inst, r.ID, meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "hallo", At: later})
		}},
		{"AddMessage reporter", func(inst string) (*meldwijzer.Report, error) {
			return s.AddMessage(t.Context(), inst, r.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: "hallo", At: later})
		}},
		{"SetStatus in_progress", func(inst string) (*meldwijzer.Report, error) {
			return s.SetStatus(t.Context(), inst, r.ID, meldwijzer.StatusInProgress, later, time.Hour)
		}},
		{"SetStatus closed", func(inst string) (*meldwijzer.Report, error) {
			return s.SetStatus(t.Context(), inst, r.ID, meldwijzer.StatusClosed, later, time.Hour)
		}},
	}
	for _, inst := range []string{instB, "roc-charlie", "", strings.ToUpper(instA), instA + " "} {
		for _, tc := range ops {
			t.Run(fmt.Sprintf("%s as %q", tc.name, inst), func(t *testing.T) {
				got, err := tc.op(inst)
				WantError(t, tc.name, err, meldwijzer.ErrReportNotFound)
				if got != nil {
					t.Fatalf("%s: a report with an error", tc.name)
				}
				if d := ReportDiff(r, MustReport(t, s, instA, r.ID)); d != "" {
					t.Fatalf("%s by another institution changed the report:\n%s", tc.name, d)
				}
			})
		}
	}
	t.Run("Reports", func(t *testing.T) {
		for _, got := range AllReports(t, s, meldwijzer.ReportFilter{Institution: instB, Limit: 10}) {
			if got.ID == r.ID {
				t.Fatalf("institution %s lists report %s of %s", instB, r.ID, instA)
			}
		}
	})
	t.Run("Counts", func(t *testing.T) {
		if d := mapDiff(ExpectedCounts([]*meldwijzer.Report{rb}, "0000-00", "9999-99"), CountMap(t, s, instB, "0000-00", "9999-99")); d != "" {
			t.Fatalf("counts of %s:\n%s", instB, d)
		}
	})
}

func testNotFound(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	for _, filled := range []bool{false, true} {
		t.Run(map[bool]string{false: "empty store", true: "filled store"}[filled], func(t *testing.T) {
			s := open(t)
			var existing []*meldwijzer.Report
			if filled {
				existing = CreateN(t, s, instA, 1, 3, Base)
			}
			at := Base.Add(time.Hour)
			ops := []struct {
				name string
				op   func() (*meldwijzer.Report, error)
			}{
				{"Report unknown id", func() (*meldwijzer.Report, error) { return s.Report(t.Context(), instA, ID(999)) }},
				{"Report empty id", func() (*meldwijzer.Report, error) { return s.Report(t.Context(), instA, "") }},
				{"Report id prefix", func() (*meldwijzer.Report, error) { return s.Report(t.Context(), instA, ID(1)[:10]) }},
				{"ReportByReceipt unknown", func() (*meldwijzer.Report, error) { return s.ReportByReceipt(t.Context(), Hash("nobody")) }},
				{"ReportByReceipt empty", func() (*meldwijzer.Report, error) { return s.ReportByReceipt(t.Context(), "") }},
				{"AddMessage", func() (*meldwijzer.Report, error) {
					return s.AddMessage(t.Context(), instA, ID(999), meldwijzer.Message{From: meldwijzer.FromReporter, Text: "hallo", At: at})
				}},
				{"SetStatus", func() (*meldwijzer.Report, error) {
					return s.SetStatus(t.Context(), instA, ID(999), meldwijzer.StatusClosed, at, time.Hour)
				}},
			}
			for _, tc := range ops {
				t.Run(tc.name, func(t *testing.T) {
					got, err := tc.op()
					WantError(t, tc.name, err, meldwijzer.ErrReportNotFound)
					if got != nil {
						t.Fatalf("%s: a report with an error", tc.name)
					}
				})
			}
			// Nothing was created on the way.
			all := AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Limit: 10})
			if len(all) != len(existing) {
				t.Fatalf("%d reports, want %d", len(all), len(existing))
			}
		})
	}
}

func testMessages(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	r := NewReport(instA, 1, Base)
	Create(t, s, r, NewIdempotency(r, "key"))
	want := *r
	steps := []struct {
		name    string
		m       meldwijzer.Message
		wantAck time.Time
	}{
		{"reporter first: no acknowledgement", meldwijzer.Message{From: meldwijzer.FromReporter, Text: "Is er al iets gebeurd?", At: Base.Add(time.Minute)}, time.Time{}},
		{"institution: acknowledges", meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "We hebben je melding gelezen.", At: Base.Add(2 * time.Minute)}, Base.Add(2 * time.Minute)},
		{"institution again: acknowledgement stays", meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Wil je meer vertellen?", At: Base.Add(3 * time.Minute)}, Base.Add(2 * time.Minute)},
		{"reporter: multi-line unicode", meldwijzer.Message{From: meldwijzer.FromReporter, Text: "Ja.\nHet was bij de kantine — \"vrijdag\" 😟 <i>", At: Base.Add(4*time.Minute + 5*time.Millisecond)}, Base.Add(2 * time.Minute)},
		{"same millisecond keeps order", meldwijzer.Message{From: meldwijzer.FromReporter, Text: "Nog iets.", At: Base.Add(4*time.Minute + 5*time.Millisecond)}, Base.Add(2 * time.Minute)},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			got, err := s.AddMessage(t.Context(), instA, r.ID, step.m)
			if err != nil {
				t.Fatalf("AddMessage: %v", err)
			}
			want.Messages = append(want.Messages, step.m)
			want.AcknowledgedAt = step.wantAck
			want.UpdatedAt = step.m.At
			if step.m.From == meldwijzer.FromInstitution {
				want.Status = meldwijzer.StatusInProgress // the institution's answer takes it in progress
			}
			if d := ReportDiff(&want, got); d != "" {
				t.Fatalf("AddMessage returned:\n%s", d)
			}
			if d := ReportDiff(&want, MustReport(t, s, instA, r.ID)); d != "" {
				t.Fatalf("Report() after AddMessage:\n%s", d)
			}
			byReceipt, err := s.ReportByReceipt(t.Context(), r.ReceiptHash)
			if err != nil {
				t.Fatal(err)
			}
			if d := ReportDiff(&want, byReceipt); d != "" {
				t.Fatalf("ReportByReceipt after AddMessage:\n%s", d)
			}
		})
	}
}

func testMessageLimits(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	msg := func(i int, text string) meldwijzer.Message {
		from := meldwijzer.FromReporter
		if i%2 == 1 {
			from = meldwijzer.FromInstitution
		}
		return meldwijzer.Message{From: from, Text: text, At: Base.Add(time.Duration(i+1) * time.Second)}
	}
	big := strings.Repeat("😟", meldwijzer.MaxMessageLength) // 2000 characters, 8000 bytes
	cases := []struct {
		name        string
		description string
		fill        []string // texts that fit
		refused     []string // each refused after fill
		want        error    // with this error
		fitsAfter   string   // then fits ("" for none)
		setup       func(t *testing.T, s meldwijzer.ReportStore, id string)
	}{
		{
			name:    "MaxMessages",
			fill:    repeat("kort bericht", meldwijzer.MaxMessages),
			refused: []string{"een te veel", "x"},
			want:    meldwijzer.ErrConversationFull,
		},
		{
			name:        "MaxConversationBytes",
			description: strings.Repeat("a", meldwijzer.MaxDescriptionLength),
			// 5000 + 24*8000 = 197000 bytes.
			fill:      repeat(big, (meldwijzer.MaxConversationBytes-meldwijzer.MaxDescriptionLength)/len(big)),
			refused:   []string{big, strings.Repeat("b", meldwijzer.MaxConversationBytes-meldwijzer.MaxDescriptionLength-24*len(big)+1)},
			want:      meldwijzer.ErrConversationFull,
			fitsAfter: strings.Repeat("c", meldwijzer.MaxConversationBytes-meldwijzer.MaxDescriptionLength-24*len(big)), // exactly the limit
		},
		{
			name:    "closed",
			fill:    []string{"voor het sluiten"},
			refused: []string{"na het sluiten"},
			want:    meldwijzer.ErrReportClosed,
			setup: func(t *testing.T, s meldwijzer.ReportStore, id string) {
				if _, err := s.SetStatus(t.Context(), instA, id, meldwijzer.StatusClosed, Base.Add(time.Hour), time.Hour); err != nil {
					t.Fatal(err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			r := NewReport(instA, 1, Base)
			if tc.description != "" {
				r.Description = tc.description
			}
			Create(t, s, r, NewIdempotency(r, "key"))
			i := 0
			for _, text := range tc.fill {
				if _, err := s.AddMessage(t.Context(), instA, r.ID, msg(i, text)); err != nil {
					t.Fatalf("message %d (%d bytes): %v", i, len(text), err)
				}
				i++
			}
			if tc.setup != nil {
				tc.setup(t, s, r.ID)
			}
			before := MustReport(t, s, instA, r.ID)
			for _, text := range tc.refused {
				for _, m := range []meldwijzer.Message{msg(i, text), msg(i+1, text)} { // from both sides
					got, err := s.AddMessage(t.Context(), instA, r.ID, m)
					WantError(t, fmt.Sprintf("message %d from %s (%d bytes)", i, m.From, len(text)), err, tc.want)
					if got != nil {
						t.Fatal("a report with an error")
					}
				}
			}
			if d := ReportDiff(before, MustReport(t, s, instA, r.ID)); d != "" {
				t.Fatalf("a refused message changed the report:\n%s", d)
			}
			if tc.fitsAfter != "" {
				got, err := s.AddMessage(t.Context(), instA, r.ID, msg(i, tc.fitsAfter))
				if err != nil {
					t.Fatalf("a message up to exactly the limit: %v", err)
				}
				if len(got.Messages) != len(tc.fill)+1 {
					t.Fatalf("%d messages, want %d", len(got.Messages), len(tc.fill)+1)
				}
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func testStatus(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	type step struct {
		status    string
		at        time.Time
		retention time.Duration
		// want: AcknowledgedAt, ClosedAt, ExpiresAt after the step.
		ack, closed, expires time.Time
	}
	t1, t2, t3, t4, t5 := Base.Add(time.Hour), Base.Add(2*time.Hour), Base.Add(3*time.Hour), Base.Add(4*time.Hour), Base.Add(5*time.Hour)
	year := 365 * 24 * time.Hour
	cases := []struct {
		name  string
		setup func(t *testing.T, s meldwijzer.ReportStore, r *meldwijzer.Report) *meldwijzer.Report
		steps []step
	}{
		{
			name: "received, in progress, closed, reopened, closed",
			steps: []step{
				{meldwijzer.StatusInProgress, t1, 0, t1, time.Time{}, time.Time{}},
				{meldwijzer.StatusClosed, t2, 24 * time.Hour, t1, t2, t2.Add(24 * time.Hour)},
				{meldwijzer.StatusInProgress, t3, 0, t1, time.Time{}, time.Time{}},
				{meldwijzer.StatusClosed, t4, year, t1, t4, t4.Add(year)},
				{meldwijzer.StatusReceived, t5, year, t1, time.Time{}, time.Time{}},
			},
		},
		{
			name: "closed straight from received acknowledges",
			steps: []step{
				{meldwijzer.StatusClosed, t1, year, t1, t1, t1.Add(year)},
				{meldwijzer.StatusInProgress, t2, 0, t1, time.Time{}, time.Time{}},
			},
		},
		{
			name: "an answer acknowledged before",
			setup: func(t *testing.T, s meldwijzer.ReportStore, r *meldwijzer.Report) *meldwijzer.Report {
				got, err := s.AddMessage(t.Context(), instA, r.ID, meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Gelezen.", At: Base.Add(time.Minute)})
				if err != nil {
					t.Fatal(err)
				}
				return got
			},
			steps: []step{
				// The answer took it in progress; back to received, it stays acknowledged.
				{meldwijzer.StatusReceived, t1, 0, Base.Add(time.Minute), time.Time{}, time.Time{}},
				{meldwijzer.StatusClosed, t2, time.Hour, Base.Add(time.Minute), t2, t2.Add(time.Hour)},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			r := NewReport(instA, 1, Base)
			Create(t, s, r, NewIdempotency(r, "key"))
			want := r
			if tc.setup != nil {
				want = tc.setup(t, s, r)
			}
			for i, st := range tc.steps {
				got, err := s.SetStatus(t.Context(), instA, r.ID, st.status, st.at, st.retention)
				if err != nil {
					t.Fatalf("step %d: SetStatus(%s): %v", i, st.status, err)
				}
				w := *want
				w.Status, w.UpdatedAt = st.status, st.at
				w.AcknowledgedAt, w.ClosedAt, w.ExpiresAt = st.ack, st.closed, st.expires
				if d := ReportDiff(&w, got); d != "" {
					t.Fatalf("step %d: SetStatus(%s) returned:\n%s", i, st.status, d)
				}
				if d := ReportDiff(&w, MustReport(t, s, instA, r.ID)); d != "" {
					t.Fatalf("step %d: Report() after SetStatus(%s):\n%s", i, st.status, d)
				}
				// A closed report is still found by its receipt until it is deleted; the
				// service decides from ExpiresAt.
				byReceipt, err := s.ReportByReceipt(t.Context(), r.ReceiptHash)
				if err != nil {
					t.Fatalf("step %d: ReportByReceipt: %v", i, err)
				}
				if d := ReportDiff(&w, byReceipt); d != "" {
					t.Fatalf("step %d: ReportByReceipt:\n%s", i, d)
				}
				want = &w
			}
		})
	}
}

// testStatusRules: an unknown status is ErrBadStatus, and the status a report has already
// changes nothing (not even UpdatedAt).
func testStatusRules(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	r := NewReport(instA, 1, Base)
	Create(t, s, r, NewIdempotency(r, "key"))
	for _, status := range []string{"", "open", "CLOSED"} {
		got, err := s.SetStatus(t.Context(), instA, r.ID, status, Base.Add(time.Hour), time.Hour)
		WantError(t, fmt.Sprintf("SetStatus(%q)", status), err, meldwijzer.ErrBadStatus)
		if got != nil {
			t.Fatal("a report with an error")
		}
	}
	got, err := s.SetStatus(t.Context(), instA, r.ID, r.Status, Base.Add(time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if d := ReportDiff(r, got); d != "" {
		t.Fatalf("setting the status it has changed the report:\n%s", d)
	}
	if d := ReportDiff(r, MustReport(t, s, instA, r.ID)); d != "" {
		t.Fatalf("setting the status it has changed the stored report:\n%s", d)
	}

	// Finding 6: a closed report past its expiry is never reopened (reopening made its
	// receipt work again), not even a moment after.
	closed, err := s.SetStatus(t.Context(), instA, r.ID, meldwijzer.StatusClosed, Base.Add(time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{meldwijzer.StatusReceived, meldwijzer.StatusInProgress} {
		got, err := s.SetStatus(t.Context(), instA, r.ID, status, closed.ExpiresAt, time.Hour)
		WantError(t, "reopening an expired report", err, meldwijzer.ErrReportExpired)
		if got != nil {
			t.Fatal("a report with an error")
		}
	}
	if d := ReportDiff(closed, MustReport(t, s, instA, r.ID)); d != "" {
		t.Fatalf("a refused reopening changed the stored report:\n%s", d)
	}
}

// listing creates reports in instA (and a few in instB) whose creation times do not follow
// their ids or their arrival, with ties, in mixed statuses; it returns instA's reports as stored.
func listing(t *testing.T, s meldwijzer.ReportStore, count int) []*meldwijzer.Report {
	var out []*meldwijzer.Report
	var seq int64
	for n := 1; n <= count; n++ {
		// Five distinct times, so reports share a day; n and time are not in step.
		r := NewReport(instA, n, Base.Add(time.Duration((n*7)%5)*time.Hour))
		r = Create(t, s, r, NewIdempotency(r, "key-a-"+r.ID)) // as stored, with its Seq
		if r.Seq <= seq {
			t.Fatalf("report %d got Seq %d after %d: the sequence must grow with each report", n, r.Seq, seq)
		}
		seq = r.Seq
		if n%4 == 0 {
			rb := NewReport(instB, 1000+n, Base.Add(time.Duration(n)*time.Minute))
			Create(t, s, rb, NewIdempotency(rb, "key-b-"+rb.ID))
		}
		switch n % 3 {
		case 1:
			var err error
			if r, err = s.SetStatus(t.Context(), instA, r.ID, meldwijzer.StatusInProgress, Base.Add(24*time.Hour), 0); err != nil {
				t.Fatal(err)
			}
		case 2:
			var err error
			if r, err = s.SetStatus(t.Context(), instA, r.ID, meldwijzer.StatusClosed, Base.Add(24*time.Hour), time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, r)
	}
	SortNewestFirst(out)
	return out
}

func testReports(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	const count = 23
	all := listing(t, s, count)
	for _, status := range []string{"", meldwijzer.StatusOpen, meldwijzer.StatusReceived, meldwijzer.StatusInProgress, meldwijzer.StatusClosed} {
		f := meldwijzer.ReportFilter{Status: status}
		var want []*meldwijzer.Report
		for _, r := range all {
			if f.Matches(r.Status) {
				want = append(want, r)
			}
		}
		for _, limit := range []int{0, 1, 2, 5, 7, len(want) - 1, len(want), len(want) + 1, 100} {
			t.Run(fmt.Sprintf("status=%q limit=%d", status, limit), func(t *testing.T) {
				f := meldwijzer.ReportFilter{Institution: instA, Status: status, Limit: limit}
				got := AllReports(t, s, f)
				if len(got) != len(want) {
					t.Fatalf("%d reports, want %d", len(got), len(want))
				}
				for i := range want {
					if d := ReportDiff(want[i], got[i]); d != "" {
						t.Fatalf("report %d (want %s, got %s):\n%s", i, want[i].ID, got[i].ID, d)
					}
				}
				if (status != "" && status != meldwijzer.StatusOpen) || limit <= 0 {
					return
				}
				// Without a filter, and of the open reports (their own index), every page but
				// the last is full.
				for page := 0; ; page++ {
					rs, next, err := s.Reports(t.Context(), f)
					if err != nil {
						t.Fatal(err)
					}
					if next != "" && len(rs) != limit {
						t.Fatalf("page %d: %d reports, want a full page of %d", page, len(rs), limit)
					}
					if next == "" {
						break
					}
					f.Cursor = next
				}
			})
		}
	}
	t.Run("no reports", func(t *testing.T) {
		for _, inst := range []string{"roc-charlie"} {
			rs, next, err := s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: inst, Limit: 10})
			if err != nil || len(rs) != 0 || next != "" {
				t.Fatalf("Reports(%q) = %d reports, cursor %q, %v; want none", inst, len(rs), next, err)
			}
		}
	})
	t.Run("first page", func(t *testing.T) {
		rs, next, err := s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 3 || next == "" {
			t.Fatalf("first page of 3: %d reports, cursor %q", len(rs), next)
		}
		for i := range rs {
			if d := ReportDiff(all[i], rs[i]); d != "" {
				t.Fatalf("report %d:\n%s", i, d)
			}
		}
	})
}

func testReportsCursor(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	all := listing(t, s, 12)
	page := func(inst, cursor string) ([]*meldwijzer.Report, string, error) {
		return s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: inst, Cursor: cursor, Limit: 2})
	}
	_, cursor, err := page(instA, "")
	if err != nil || cursor == "" {
		t.Fatalf("first page: cursor %q, %v", cursor, err)
	}
	_, cursorB, err := page(instB, "")
	if err != nil || cursorB == "" {
		t.Fatalf("first page of %s: cursor %q, %v", instB, cursorB, err)
	}
	// The valid cursor works.
	rs, _, err := page(instA, cursor)
	if err != nil || len(rs) != 2 || rs[0].ID != all[2].ID {
		t.Fatalf("second page: %d reports, %v", len(rs), err)
	}
	change := func(c string, i int) string {
		b := []byte(c)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	cases := []struct{ name, inst, cursor string }{
		{"last character changed", instA, change(cursor, len(cursor)-1)},
		{"first character changed", instA, change(cursor, 0)},
		{"middle character changed", instA, change(cursor, len(cursor)/2)},
		{"truncated", instA, cursor[:len(cursor)/2]},
		{"one character less", instA, cursor[:len(cursor)-1]},
		{"extended", instA, cursor + "AAAA"},
		{"made up", instA, "eyJpZCI6InIwMDAwMDAwMDAwMDAwMDAwMDAwMSJ9"},
		{"garbage", instA, "not a cursor!"},
		{"whitespace", instA, " "},
		{"another institution's", instA, cursorB},
		{"used by another institution", instB, cursor},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.inst == instA && tc.cursor == cursor {
				t.Fatal("test bug: the cursor was not changed")
			}
			rs, next, err := page(tc.inst, tc.cursor)
			WantError(t, "Reports with a "+tc.name+" cursor", err, meldwijzer.ErrBadCursor)
			if rs != nil || next != "" {
				t.Fatalf("an error with %d reports and cursor %q", len(rs), next)
			}
		})
	}
}

// testReportsOpen: the open listing (received and in_progress) follows every status change,
// reopening included, and pages with limit and cursor like the other listings.
func testReportsOpen(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	all := listing(t, s, 9)
	at := Base.Add(24*time.Hour + time.Minute) // within the hour listing closed them for
	// Close every open report with an odd position, reopen every closed one with an even one.
	for i, r := range all {
		status := ""
		switch {
		case r.Status != meldwijzer.StatusClosed && i%2 == 1:
			status = meldwijzer.StatusClosed
		case r.Status == meldwijzer.StatusClosed && i%2 == 0:
			status = meldwijzer.StatusReceived
		case r.Status == meldwijzer.StatusReceived:
			status = meldwijzer.StatusInProgress
		default:
			continue
		}
		got, err := s.SetStatus(t.Context(), instA, r.ID, status, at, 365*24*time.Hour)
		if err != nil {
			t.Fatalf("SetStatus(%s, %s): %v", r.ID, status, err)
		}
		all[i] = got
	}
	var want []*meldwijzer.Report
	for _, r := range all {
		if r.Status != meldwijzer.StatusClosed {
			want = append(want, r)
		}
	}
	if len(want) < 3 {
		t.Fatalf("test bug: %d open reports", len(want))
	}
	f := meldwijzer.ReportFilter{Institution: instA, Status: meldwijzer.StatusOpen, Limit: 2}
	var got []*meldwijzer.Report
	for page := 0; ; page++ {
		rs, next, err := s.Reports(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) > 2 || (next != "" && len(rs) != 2) {
			t.Fatalf("page %d: %d reports with limit 2 (cursor %q)", page, len(rs), next)
		}
		got = append(got, rs...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if len(got) != len(want) {
		t.Fatalf("%d open reports, want %d", len(got), len(want))
	}
	for i := range want {
		if d := ReportDiff(want[i], got[i]); d != "" {
			t.Fatalf("open report %d (want %s, got %s):\n%s", i, want[i].ID, got[i].ID, d)
		}
	}
	// A cursor of the open listing is not one of another listing's.
	_, next, err := s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, Status: meldwijzer.StatusOpen, Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first open page: cursor %q, %v", next, err)
	}
	rs, _, err := s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instB, Status: meldwijzer.StatusOpen, Cursor: next, Limit: 1})
	WantError(t, "another institution's open cursor", err, meldwijzer.ErrBadCursor)
	if rs != nil {
		t.Fatal("reports with an error")
	}
}

// testDue: the deadline counts are always what the reports wait on (Waiting), after creating,
// answering, every status change, reopening included, and the case counts from them are what
// Overdue says of each report, at every time.
func testDue(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	day := 24 * time.Hour
	var ids []string
	for n := 1; n <= 12; n++ {
		// Four days, three reports each: reports share deadlines.
		r := NewReport(instA, n, Base.Add(time.Duration(n%4)*day))
		Create(t, s, r, NewIdempotency(r, "key-"+r.ID))
		ids = append(ids, r.ID)
	}
	rb := NewReport(instB, 100, Base)
	Create(t, s, rb, NewIdempotency(rb, "key-b"))
	check := func(step string) {
		t.Helper()
		want := map[meldwijzer.DueKey]int{}
		var reports []*meldwijzer.Report
		for _, id := range ids {
			r := MustReport(t, s, instA, id)
			reports = append(reports, r)
			for _, k := range r.Waiting() {
				want[k]++
			}
		}
		due, err := s.Due(t.Context(), instA)
		if err != nil {
			t.Fatalf("%s: Due: %v", step, err)
		}
		got := map[meldwijzer.DueKey]int{}
		for _, d := range due {
			if d.N <= 0 {
				t.Fatalf("%s: Due returned %+v: a count of none", step, d)
			}
			got[meldwijzer.DueKey{Kind: d.Kind, By: d.By.UTC()}] += d.N
		}
		if len(got) != len(want) {
			t.Fatalf("%s: Due = %v, want %v", step, got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Fatalf("%s: Due = %v, want %v", step, got, want)
			}
		}
		for _, now := range []time.Time{Base, Base.Add(8 * day), Base.Add(10 * day), Base.Add(100 * day)} {
			var c meldwijzer.Cases
			for _, r := range reports {
				if r.Status == meldwijzer.StatusClosed {
					continue
				}
				c.Open++
				overdue := r.Overdue(now)
				if slices.Contains(overdue, meldwijzer.OverdueAcknowledge) {
					c.OverdueAcknowledge++
				}
				if slices.Contains(overdue, meldwijzer.OverdueFeedback) {
					c.OverdueFeedback++
				}
			}
			if got := meldwijzer.CountCases(due, now); got != c {
				t.Fatalf("%s: cases at %s = %+v, want %+v", step, now, got, c)
			}
		}
	}
	check("created")
	at := Base.Add(5 * day)
	msg := func(i int, from string) {
		t.Helper()
		if _, err := s.AddMessage(t.Context(), instA, ids[i], meldwijzer.Message{From: from, Text: "Bericht.", At: at}); err != nil {
			t.Fatalf("AddMessage(%d, %s): %v", i, from, err)
		}
	}
	status := func(i int, st string) {
		t.Helper()
		if _, err := s.SetStatus(t.Context(), instA, ids[i], st, at, 365*day); err != nil {
			t.Fatalf("SetStatus(%d, %s): %v", i, st, err)
		}
	}
	msg(0, meldwijzer.FromReporter)
	msg(1, meldwijzer.FromInstitution)
	msg(1, meldwijzer.FromInstitution) // a second answer changes nothing
	check("answered")
	status(2, meldwijzer.StatusInProgress)
	status(3, meldwijzer.StatusClosed)
	status(1, meldwijzer.StatusClosed) // acknowledged by its answer
	status(4, meldwijzer.StatusInProgress)
	status(4, meldwijzer.StatusReceived) // back to received: acknowledged still
	check("status changed")
	status(3, meldwijzer.StatusReceived) // reopened
	status(5, meldwijzer.StatusClosed)
	status(5, meldwijzer.StatusInProgress)
	check("reopened")
	for i := range ids {
		status(i, meldwijzer.StatusClosed)
	}
	check("all closed")
	if due, err := s.Due(t.Context(), instA); err != nil || len(due) != 0 {
		t.Fatalf("Due with every report closed = %v, %v; want none", due, err)
	}
	// instB's report is counted apart; an institution without reports has none.
	due, err := s.Due(t.Context(), instB)
	if err != nil || len(due) != 2 {
		t.Fatalf("Due(%s) = %v, %v; want its one report's two deadlines", instB, due, err)
	}
	if due, err := s.Due(t.Context(), "roc-charlie"); err != nil || len(due) != 0 {
		t.Fatalf("Due of an institution without reports = %v, %v", due, err)
	}
	_, err = s.Due(t.Context(), "")
	WantError(t, "Due without an institution", err, meldwijzer.ErrNoInstitution)
}

func mapDiff(want, got map[meldwijzer.CountKey]int) string {
	var d []string
	for k, w := range want {
		if g := got[k]; g != w {
			d = append(d, fmt.Sprintf("%+v: want %d, got %d", k, w, g))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("%+v: want none, got %d", k, g))
		}
	}
	return strings.Join(d, "\n")
}
