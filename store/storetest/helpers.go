package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"meldwijzer"
)

// Base is the time the suite's reports are created around: a UTC time with milliseconds, in
// the middle of a month.
var Base = time.Date(2025, time.March, 10, 9, 30, 15, 123_000_000, time.UTC)

// Ms returns t in UTC, truncated to milliseconds: the precision the contract asks of stores.
func Ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// ID returns the suite's report id for n. Ids sort like n (zero padded), but the suite never
// relies on ids sorting like creation times: ordering is by CreatedAt, then ID.
func ID(n int) string { return fmt.Sprintf("r%020d", n) }

// Hash returns a hex SHA-256 of its parts: a stand-in for the service's keyed hashes.
func Hash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// NewReport returns a received report of institution inst with id ID(n), created at at
// (truncated to milliseconds, UTC), with follow-up and a receipt hash, and the deadlines the
// service sets. The theme and place vary with n; theme discriminatie carries grounds.
func NewReport(inst string, n int, at time.Time) *meldwijzer.Report {
	at = Ms(at)
	theme := meldwijzer.Themes[n%len(meldwijzer.Themes)]
	var grounds []string
	if theme == "discriminatie" {
		grounds = []string{"herkomst", "religie"}
	}
	return &meldwijzer.Report{
		ID:            ID(n),
		Institution:   inst,
		Audience:      meldwijzer.Audiences[n%len(meldwijzer.Audiences)],
		Lang:          meldwijzer.Languages[n%len(meldwijzer.Languages)],
		Theme:         theme,
		Where:         meldwijzer.Wheres[n%len(meldwijzer.Wheres)],
		Grounds:       grounds,
		When:          meldwijzer.Whens[n%len(meldwijzer.Whens)],
		Description:   fmt.Sprintf("Melding %d: ik werd nageroepen op stage — \"het is maar een grapje\" <b>&</b> 😟\nTweede regel.", n),
		FollowUp:      true,
		ReceiptHash:   Hash("receipt", inst, ID(n)),
		Status:        meldwijzer.StatusReceived,
		CreatedAt:     at,
		UpdatedAt:     at,
		AcknowledgeBy: at.Add(meldwijzer.AcknowledgeWithin),
		FeedbackBy:    at.AddDate(0, meldwijzer.FeedbackMonths, 0),
	}
}

// NewIdempotency returns the idempotency record of r for the client key key: KeyHash scoped
// to r's institution, a request hash and salt derived from key, created with r and expiring
// 30 days later.
func NewIdempotency(r *meldwijzer.Report, key string) *meldwijzer.Idempotency {
	salt := sha256.Sum256([]byte("salt\x00" + key))
	return &meldwijzer.Idempotency{
		KeyHash:     Hash("idem", r.Institution, key),
		RequestHash: Hash("request", key),
		ReportID:    r.ID,
		Salt:        salt[:16],
		CreatedAt:   r.CreatedAt,
		ExpiresAt:   r.CreatedAt.Add(30 * 24 * time.Hour),
	}
}

// Create stores r with idem and fails the test unless it was created.
func Create(t testing.TB, s meldwijzer.ReportStore, r *meldwijzer.Report, idem *meldwijzer.Idempotency) *meldwijzer.Report {
	t.Helper()
	stored, record, created, err := s.CreateReport(t.Context(), r, idem)
	if err != nil {
		t.Fatalf("CreateReport(%s): %v", r.ID, err)
	}
	if !created {
		t.Fatalf("CreateReport(%s): created = false for a new key", r.ID)
	}
	if d := ReportDiff(r, stored); d != "" {
		t.Fatalf("CreateReport(%s) returned another report than it was given:\n%s", r.ID, d)
	}
	if d := IdempotencyDiff(idem, record); d != "" {
		t.Fatalf("CreateReport(%s) returned another record than it was given:\n%s", r.ID, d)
	}
	return stored
}

// CreateN creates reports ids n..n+count-1 of inst at at, each with its own key, and returns them.
func CreateN(t testing.TB, s meldwijzer.ReportStore, inst string, n, count int, at time.Time) []*meldwijzer.Report {
	t.Helper()
	var out []*meldwijzer.Report
	for i := n; i < n+count; i++ {
		r := NewReport(inst, i, at)
		out = append(out, Create(t, s, r, NewIdempotency(r, fmt.Sprintf("key-%d", i))))
	}
	return out
}

// ReportDiff describes how got differs from want ("" when equal). Times are compared with
// Equal, nil and empty slices are equal.
func ReportDiff(want, got *meldwijzer.Report) string {
	if want == nil || got == nil {
		if want == got {
			return ""
		}
		return fmt.Sprintf("want %v, got %v", want, got)
	}
	var d []string
	str := func(name, w, g string) {
		if w != g {
			d = append(d, fmt.Sprintf("%s: want %q, got %q", name, w, g))
		}
	}
	tm := func(name string, w, g time.Time) {
		if !w.Equal(g) {
			d = append(d, fmt.Sprintf("%s: want %v, got %v", name, w, g))
		}
	}
	str("ID", want.ID, got.ID)
	str("Institution", want.Institution, got.Institution)
	str("Audience", want.Audience, got.Audience)
	str("Lang", want.Lang, got.Lang)
	str("Theme", want.Theme, got.Theme)
	str("Where", want.Where, got.Where)
	if !slices.Equal(want.Grounds, got.Grounds) {
		d = append(d, fmt.Sprintf("Grounds: want %q, got %q", want.Grounds, got.Grounds))
	}
	str("When", want.When, got.When)
	str("Description", want.Description, got.Description)
	if want.FollowUp != got.FollowUp {
		d = append(d, fmt.Sprintf("FollowUp: want %v, got %v", want.FollowUp, got.FollowUp))
	}
	str("ReceiptHash", want.ReceiptHash, got.ReceiptHash)
	str("Status", want.Status, got.Status)
	tm("CreatedAt", want.CreatedAt, got.CreatedAt)
	tm("AcknowledgeBy", want.AcknowledgeBy, got.AcknowledgeBy)
	tm("FeedbackBy", want.FeedbackBy, got.FeedbackBy)
	tm("AcknowledgedAt", want.AcknowledgedAt, got.AcknowledgedAt)
	tm("UpdatedAt", want.UpdatedAt, got.UpdatedAt)
	tm("ClosedAt", want.ClosedAt, got.ClosedAt)
	tm("ExpiresAt", want.ExpiresAt, got.ExpiresAt)
	if len(want.Messages) != len(got.Messages) {
		d = append(d, fmt.Sprintf("Messages: want %d, got %d", len(want.Messages), len(got.Messages)))
	} else {
		for i, w := range want.Messages {
			g := got.Messages[i]
			if w.From != g.From || w.Text != g.Text || !w.At.Equal(g.At) {
				d = append(d, fmt.Sprintf("Messages[%d]: want {%s %q %v}, got {%s %q %v}", i, w.From, w.Text, w.At, g.From, g.Text, g.At))
			}
		}
	}
	str("Assignee", want.Assignee, got.Assignee)
	if len(want.Notes) != len(got.Notes) {
		d = append(d, fmt.Sprintf("Notes: want %d, got %d", len(want.Notes), len(got.Notes)))
	} else {
		for i, w := range want.Notes {
			if g := got.Notes[i]; w.Author != g.Author || w.Text != g.Text || !w.At.Equal(g.At) {
				d = append(d, fmt.Sprintf("Notes[%d]: want %+v, got %+v", i, w, g))
			}
		}
	}
	return strings.Join(d, "\n")
}

// IdempotencyDiff describes how got differs from want ("" when equal).
func IdempotencyDiff(want, got *meldwijzer.Idempotency) string {
	if want == nil || got == nil {
		if want == got {
			return ""
		}
		return fmt.Sprintf("want %v, got %v", want, got)
	}
	var d []string
	if want.KeyHash != got.KeyHash {
		d = append(d, fmt.Sprintf("KeyHash: want %q, got %q", want.KeyHash, got.KeyHash))
	}
	if want.RequestHash != got.RequestHash {
		d = append(d, fmt.Sprintf("RequestHash: want %q, got %q", want.RequestHash, got.RequestHash))
	}
	if want.ReportID != got.ReportID {
		d = append(d, fmt.Sprintf("ReportID: want %q, got %q", want.ReportID, got.ReportID))
	}
	if !slices.Equal(want.Salt, got.Salt) {
		d = append(d, fmt.Sprintf("Salt: want %x, got %x", want.Salt, got.Salt))
	}
	if !want.CreatedAt.Equal(got.CreatedAt) {
		d = append(d, fmt.Sprintf("CreatedAt: want %v, got %v", want.CreatedAt, got.CreatedAt))
	}
	if !want.ExpiresAt.Equal(got.ExpiresAt) {
		d = append(d, fmt.Sprintf("ExpiresAt: want %v, got %v", want.ExpiresAt, got.ExpiresAt))
	}
	return strings.Join(d, "\n")
}

// CountMap returns the counts of inst for months from..to as a map, leaving out zero counts.
// It fails the test on an error or when a count of another institution or month is returned.
func CountMap(t testing.TB, s meldwijzer.ReportStore, inst, from, to string) map[meldwijzer.CountKey]int {
	t.Helper()
	counts, err := s.Counts(t.Context(), inst, from, to)
	if err != nil {
		t.Fatalf("Counts(%s, %s, %s): %v", inst, from, to, err)
	}
	m := map[meldwijzer.CountKey]int{}
	for _, c := range counts {
		if c.Institution != inst {
			t.Fatalf("Counts(%s) returned a count of institution %q: %+v", inst, c.Institution, c)
		}
		if c.Month < from || c.Month > to {
			t.Fatalf("Counts(%s, %s, %s) returned month %s", inst, from, to, c.Month)
		}
		if _, dup := m[c.CountKey]; dup {
			t.Fatalf("Counts(%s) returned %+v twice", inst, c.CountKey)
		}
		if c.N < 0 {
			t.Fatalf("Counts(%s) returned a negative count %+v", inst, c)
		}
		if c.N != 0 {
			m[c.CountKey] = c.N
		}
	}
	return m
}

// ExpectedCounts adds up the CountKeys of reports whose month is within from..to.
func ExpectedCounts(reports []*meldwijzer.Report, from, to string) map[meldwijzer.CountKey]int {
	m := map[meldwijzer.CountKey]int{}
	for _, r := range reports {
		for _, k := range r.CountKeys() {
			if k.Month >= from && k.Month <= to {
				m[k]++
			}
		}
	}
	return m
}

// AllReports pages through Reports(f) with f.Limit until the cursor is "" and returns every
// report. It fails the test on an error, a page over the limit, a repeated report or more
// pages than reports.
func AllReports(t testing.TB, s meldwijzer.ReportStore, f meldwijzer.ReportFilter) []*meldwijzer.Report {
	t.Helper()
	var all []*meldwijzer.Report
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page > 10_000 {
			t.Fatalf("Reports(%+v): no end after %d pages", f, page)
		}
		rs, next, err := s.Reports(t.Context(), f)
		if err != nil {
			t.Fatalf("Reports(%+v) page %d: %v", f, page, err)
		}
		if f.Limit > 0 && len(rs) > f.Limit {
			t.Fatalf("Reports(%+v) page %d: %d reports, over the limit", f, page, len(rs))
		}
		for _, r := range rs {
			if r.Institution != f.Institution {
				t.Fatalf("Reports(%+v) returned report %s of institution %q", f, r.ID, r.Institution)
			}
			if seen[r.ID] {
				t.Fatalf("Reports(%+v): report %s on two pages", f, r.ID)
			}
			seen[r.ID] = true
		}
		all = append(all, rs...)
		if next == "" {
			return all
		}
		if len(rs) == 0 {
			// An empty page is allowed only as the last one (cursor "").
			t.Fatalf("Reports(%+v) page %d: empty page with a next cursor", f, page)
		}
		f.Cursor = next
	}
}

// SortNewestFirst sorts reports in the contract's order: CreatedAt descending, then Seq
// descending, then ID descending (byte-wise).
func SortNewestFirst(rs []*meldwijzer.Report) {
	slices.SortFunc(rs, meldwijzer.NewestFirst)
}

// WantError fails the test unless err is want: the same code and the same message, so that
// every adapter answers a broken rule in the same words (the domain's errors, see rules.go).
func WantError(t testing.TB, what string, err error, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %v", what, want)
	}
	if gc, gm, wc, wm := meldwijzer.ErrorCode(err), meldwijzer.ErrorMessage(err), meldwijzer.ErrorCode(want), meldwijzer.ErrorMessage(want); gc != wc || gm != wm {
		t.Fatalf("%s: error %s %q, want %s %q", what, gc, gm, wc, wm)
	}
}

// WantCode fails the test unless err has the code (and, for a non-nil error, the report is nil).
func WantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %s", what, code)
	}
	if got := meldwijzer.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %s), want code %s", what, err, got, code)
	}
}

// MustReport returns the stored report or fails the test.
func MustReport(t testing.TB, s meldwijzer.ReportStore, inst, id string) *meldwijzer.Report {
	t.Helper()
	r, err := s.Report(t.Context(), inst, id)
	if err != nil {
		t.Fatalf("Report(%s, %s): %v", inst, id, err)
	}
	if r == nil {
		t.Fatalf("Report(%s, %s): nil, nil", inst, id)
	}
	return r
}
