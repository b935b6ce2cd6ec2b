package storetest

// The AuditLog contract (one file of about 560 lines: every rule of the log, run on every adapter). An adapter's test calls RunAudit with a function that opens a fresh,
// empty log (and closes and removes it with t.Cleanup). The rules it checks, beyond the comments
// on meldwijzer.AuditLog:
//
//   - AppendAudit keeps every entry it accepts, each once, even when many are appended at the
//     same time with the same At. It never changes or deletes an entry, and entries never expire.
//     Institution, Actor and Action are required and At must be set, else EINVALID (nothing is
//     written). Every field round-trips; At as the same instant (time.Time.Equal) with at least
//     millisecond precision, the location need not survive.
//   - Audit lists one institution's entries newest first: At descending, then the order in
//     which they were appended, newest first, between entries with the same At. Audit with an
//     empty institution is EINVALID; an institution without entries has an empty log.
//   - Paging: a page holds at most limit entries (limit <= 0: DefaultAuditLimit). Every page but
//     the last is full, and the page with the oldest entry has cursor "" (no empty page at the
//     end). Following the cursors gives every entry once, in order; entries appended while
//     paging are newer than the cursor and so never appear on a later page. A cursor that was
//     not returned by the log for this institution (altered, truncated, made up, or another
//     institution's) is EINVALID.
//   - Tenant isolation: an institution never sees another institution's entries, also when one
//     name is a prefix of the other.
//   - An error comes with nil entries and cursor "".

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"meldwijzer"
)

// DefaultAuditLimit is the page size of Audit when limit <= 0.
const DefaultAuditLimit = 50

// RunAudit runs the AuditLog contract suite. open returns a fresh, empty log for each subtest.
func RunAudit(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog)
	}{
		{"RoundTrip", testAuditRoundTrip},
		{"NewestFirst", testAuditNewestFirst},
		{"Paging", testAuditPaging},
		{"PagingWhileAppending", testAuditPagingWhileAppending},
		{"TenantIsolation", testAuditTenantIsolation},
		{"TamperedCursor", testAuditTamperedCursor},
		{"DefaultLimit", testAuditDefaultLimit},
		{"ConcurrentAppends", testAuditConcurrent},
		{"Invalid", testAuditInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// NewAuditEntry returns an entry of institution inst at time at (truncated to milliseconds,
// UTC): a status change of a report by a handler, with n in the report id and in Detail.
func NewAuditEntry(inst string, n int, at time.Time) meldwijzer.AuditEntry {
	return meldwijzer.AuditEntry{
		Institution: inst,
		At:          Ms(at),
		Actor:       "staff-" + strconv.Itoa(n%7),
		Role:        "handler",
		Action:      meldwijzer.AuditStatus,
		ReportID:    ID(n),
		Detail:      strconv.Itoa(n),
	}
}

// Append appends the entries in order and fails the test on an error.
func Append(t testing.TB, l meldwijzer.AuditLog, entries ...meldwijzer.AuditEntry) {
	t.Helper()
	for _, e := range entries {
		if err := l.AppendAudit(t.Context(), e); err != nil {
			t.Fatalf("AppendAudit(%+v): %v", e, err)
		}
	}
}

// AuditDiff describes how got differs from want ("" when equal; At compared with Equal).
func AuditDiff(want, got meldwijzer.AuditEntry) string {
	var d []string
	str := func(name, w, g string) {
		if w != g {
			d = append(d, fmt.Sprintf("%s: want %q, got %q", name, w, g))
		}
	}
	str("Institution", want.Institution, got.Institution)
	if !want.At.Equal(got.At) {
		d = append(d, fmt.Sprintf("At: want %v, got %v", want.At, got.At))
	}
	str("Actor", want.Actor, got.Actor)
	str("Role", want.Role, got.Role)
	str("Action", want.Action, got.Action)
	str("ReportID", want.ReportID, got.ReportID)
	str("Detail", want.Detail, got.Detail)
	return strings.Join(d, "\n")
}

// AuditListDiff describes how the list got differs from want, entry by entry.
func AuditListDiff(want, got []meldwijzer.AuditEntry) string {
	if len(want) != len(got) {
		return fmt.Sprintf("want %d entries (details %s), got %d (details %s)", len(want), details(want), len(got), details(got))
	}
	for i := range want {
		if d := AuditDiff(want[i], got[i]); d != "" {
			return fmt.Sprintf("entry %d (want details %s, got %s):\n%s", i, details(want), details(got), d)
		}
	}
	return ""
}

func details(es []meldwijzer.AuditEntry) string {
	ds := make([]string, len(es))
	for i, e := range es {
		ds[i] = e.Detail
	}
	return "[" + strings.Join(ds, " ") + "]"
}

// AllAudit pages through Audit(inst) with limit until the cursor is "" and returns every entry.
// It fails the test on an error, an entry of another institution, a page over the limit (or
// over DefaultAuditLimit when limit <= 0), a page short of it that is not the last, an empty page
// that is not the only one, or more pages than entries.
func AllAudit(t testing.TB, l meldwijzer.AuditLog, inst string, limit int) []meldwijzer.AuditEntry {
	t.Helper()
	size := limit
	if size <= 0 {
		size = DefaultAuditLimit
	}
	var all []meldwijzer.AuditEntry
	cursor := ""
	for page := 0; ; page++ {
		if page > 10_000 {
			t.Fatalf("Audit(%s, limit %d): no end after %d pages", inst, limit, page)
		}
		es, next, err := l.Audit(t.Context(), inst, cursor, limit)
		if err != nil {
			t.Fatalf("Audit(%s, limit %d) page %d: %v", inst, limit, page, err)
		}
		if len(es) > size {
			t.Fatalf("Audit(%s, limit %d) page %d: %d entries, over the limit %d", inst, limit, page, len(es), size)
		}
		for _, e := range es {
			if e.Institution != inst {
				t.Fatalf("Audit(%s) page %d returned an entry of institution %q: %+v", inst, page, e.Institution, e)
			}
		}
		all = append(all, es...)
		if next == "" {
			if len(es) == 0 && page > 0 {
				t.Fatalf("Audit(%s, limit %d): page %d is empty; the page before it should have had cursor \"\"", inst, limit, page)
			}
			return all
		}
		if len(es) != size {
			t.Fatalf("Audit(%s, limit %d) page %d: %d entries and a next cursor; every page but the last is full", inst, limit, page, len(es))
		}
		cursor = next
	}
}

// SortAuditNewestFirst returns the entries, given in the order they were appended, in the
// contract's order: At descending, then the later appended first.
func SortAuditNewestFirst(appended []meldwijzer.AuditEntry) []meldwijzer.AuditEntry {
	out := slices.Clone(appended)
	slices.Reverse(out) // the later appended first, which the stable sort keeps within equal times
	slices.SortStableFunc(out, func(a, b meldwijzer.AuditEntry) int { return b.At.Compare(a.At) })
	return out
}

// wantAuditError fails the test unless err has code and the results are empty.
func wantAuditError(t testing.TB, what string, es []meldwijzer.AuditEntry, next string, err error, want error) {
	t.Helper()
	WantError(t, what, err, want)
	if es != nil || next != "" {
		t.Fatalf("%s: %d entries and cursor %q with an error", what, len(es), next)
	}
}

func testAuditRoundTrip(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	amsterdam := time.FixedZone("CET", 3600)
	cases := []struct {
		name string
		e    meldwijzer.AuditEntry
	}{
		{"list", meldwijzer.AuditEntry{Institution: instA, At: Ms(Base), Actor: "auth0|5f1c", Role: "handler", Action: meldwijzer.AuditList}},
		{"read", meldwijzer.AuditEntry{Institution: instA, At: Ms(Base.Add(time.Millisecond)), Actor: "staff-1", Role: "confidant", Action: meldwijzer.AuditRead, ReportID: ID(1)}},
		{"reply", meldwijzer.AuditEntry{Institution: instA, At: Ms(Base.Add(-40 * 24 * time.Hour)), Actor: "staff-2", Role: "handler", Action: meldwijzer.AuditReply, ReportID: ID(2)}},
		{"status with detail", meldwijzer.AuditEntry{Institution: instA, At: Ms(Base.Add(999 * time.Millisecond)), Actor: "staff-3", Role: "handler", Action: meldwijzer.AuditStatus, ReportID: ID(3), Detail: meldwijzer.StatusClosed}},
		{"no role", meldwijzer.AuditEntry{Institution: instA, At: Ms(Base), Actor: "staff-4", Action: meldwijzer.AuditRead, ReportID: ID(4)}},
		{"time in another zone", meldwijzer.AuditEntry{Institution: instA, At: Ms(Base).In(amsterdam), Actor: "staff-5", Role: "handler", Action: meldwijzer.AuditList}},
		{"before 1970", meldwijzer.AuditEntry{Institution: instA, At: time.Date(1969, 12, 31, 23, 59, 59, 1_000_000, time.UTC), Actor: "staff-6", Role: "handler", Action: meldwijzer.AuditList}},
		{"multi-byte and separators", meldwijzer.AuditEntry{Institution: "roc-ëlf#1", At: Ms(Base), Actor: "mevrouw Ørsted#|0", Role: "vertrouwens­persoon", Action: meldwijzer.AuditStatus, ReportID: "r#1\x00x", Detail: "in_progress 😟"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t)
			Append(t, l, tc.e)
			es, next, err := l.Audit(t.Context(), tc.e.Institution, "", 10)
			if err != nil {
				t.Fatalf("Audit: %v", err)
			}
			if next != "" {
				t.Fatalf("Audit of one entry: cursor %q, want \"\"", next)
			}
			if len(es) != 1 {
				t.Fatalf("Audit: %d entries, want 1", len(es))
			}
			if d := AuditDiff(tc.e, es[0]); d != "" {
				t.Fatalf("entry after append:\n%s", d)
			}
		})
	}
}

func testAuditNewestFirst(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	ms := func(n int) time.Time { return Base.Add(time.Duration(n) * time.Millisecond) }
	cases := []struct {
		name  string
		times []time.Time // in the order appended
	}{
		{"appended oldest first", []time.Time{ms(0), ms(1), ms(2), ms(3), ms(4)}},
		{"appended newest first", []time.Time{ms(4), ms(3), ms(2), ms(1), ms(0)}},
		{"all at the same time", []time.Time{ms(0), ms(0), ms(0), ms(0), ms(0), ms(0)}},
		{"mixed, with ties", []time.Time{ms(2), ms(0), ms(2), Base.Add(time.Hour), ms(0), Base.Add(-24 * time.Hour), ms(2), ms(1)}},
		{"a second apart, before and after 1970", []time.Time{
			time.Unix(1, 0), time.Unix(-1, 0), time.Unix(0, 0), time.Unix(-1, 0), time.Unix(0, 1_000_000),
		}},
		{"years apart", []time.Time{Base.AddDate(-30, 0, 0), Base.AddDate(30, 0, 0), Base, Base.AddDate(-30, 0, 0)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t)
			var appended []meldwijzer.AuditEntry
			for i, at := range tc.times {
				appended = append(appended, NewAuditEntry(instA, i, at))
			}
			Append(t, l, appended...)
			want := SortAuditNewestFirst(appended)
			es, next, err := l.Audit(t.Context(), instA, "", 100)
			if err != nil || next != "" {
				t.Fatalf("Audit: cursor %q, %v", next, err)
			}
			if d := AuditListDiff(want, es); d != "" {
				t.Fatalf("one page:\n%s", d)
			}
			if d := AuditListDiff(want, AllAudit(t, l, instA, 2)); d != "" {
				t.Fatalf("pages of 2:\n%s", d)
			}
		})
	}
}

func testAuditPaging(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	// 23 entries: distinct times with runs of equal times, so that pages end within a run.
	const n = 23
	var appended []meldwijzer.AuditEntry
	for i := range n {
		appended = append(appended, NewAuditEntry(instA, i, Base.Add(time.Duration(i/4)*time.Second)))
	}
	// And one run of 7 entries with one time, appended between the others.
	var tied []meldwijzer.AuditEntry
	for i := range 7 {
		tied = append(tied, NewAuditEntry(instA, 100+i, Base.Add(90*time.Second)))
	}
	cases := []struct {
		name    string
		entries []meldwijzer.AuditEntry
		limits  []int
	}{
		{"distinct and tied times", appended, []int{1, 2, 3, 4, 5, 22, 23, 24, 100}},
		{"one time only", tied, []int{1, 2, 3, 6, 7, 8}},
		{"both", append(append(slices.Clone(appended[:10]), tied...), appended[10:]...), []int{1, 4, 7, 29, 30, 31}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t)
			Append(t, l, tc.entries...)
			want := SortAuditNewestFirst(tc.entries)
			for _, limit := range tc.limits {
				if d := AuditListDiff(want, AllAudit(t, l, instA, limit)); d != "" {
					t.Fatalf("pages of %d:\n%s", limit, d)
				}
			}
			// The same cursor gives the same page again.
			first, next, err := l.Audit(t.Context(), instA, "", 3)
			if err != nil || next == "" || len(first) != 3 {
				t.Fatalf("first page: %d entries, cursor %q, %v", len(first), next, err)
			}
			a, nextA, errA := l.Audit(t.Context(), instA, next, 3)
			b, nextB, errB := l.Audit(t.Context(), instA, next, 3)
			if errA != nil || errB != nil {
				t.Fatalf("second page: %v, %v", errA, errB)
			}
			if d := AuditListDiff(a, b); d != "" || nextA != nextB {
				t.Fatalf("a cursor used twice gave two pages:\n%s", d)
			}
			if d := AuditListDiff(want[3:6], a); d != "" {
				t.Fatalf("second page:\n%s", d)
			}
		})
	}
}

func testAuditPagingWhileAppending(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	cases := []struct {
		name string
		// later returns the time of the i-th entry appended after the first page was read.
		later func(i int) time.Time
	}{
		{"newer entries", func(i int) time.Time { return Base.Add(time.Hour + time.Duration(i)*time.Millisecond) }},
		{"at the same time as the newest", func(int) time.Time { return Base.Add(9 * time.Second) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t)
			var appended []meldwijzer.AuditEntry
			for i := range 10 {
				appended = append(appended, NewAuditEntry(instA, i, Base.Add(time.Duration(i)*time.Second)))
			}
			Append(t, l, appended...)
			want := SortAuditNewestFirst(appended)
			page, cursor, err := l.Audit(t.Context(), instA, "", 3)
			if err != nil {
				t.Fatal(err)
			}
			got := page
			for i := range 5 {
				Append(t, l, NewAuditEntry(instA, 50+i, tc.later(i)))
			}
			for cursor != "" {
				if page, cursor, err = l.Audit(t.Context(), instA, cursor, 3); err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
			}
			if d := AuditListDiff(want, got); d != "" {
				t.Fatalf("pages read while appending:\n%s", d)
			}
			if all := AllAudit(t, l, instA, 4); len(all) != 15 {
				t.Fatalf("%d entries in the end, want 15", len(all))
			}
		})
	}
}

func testAuditTenantIsolation(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	l := open(t)
	// instA+"-2" has instA as a prefix; all three log at the same times.
	insts := []string{instA, instB, instA + "-2"}
	want := map[string][]meldwijzer.AuditEntry{}
	for i := range 12 {
		for j, inst := range insts {
			e := NewAuditEntry(inst, i*10+j, Base.Add(time.Duration(i/3)*time.Millisecond))
			Append(t, l, e)
			want[inst] = append(want[inst], e)
		}
	}
	for _, inst := range insts {
		for _, limit := range []int{1, 5, 12, 13} {
			if d := AuditListDiff(SortAuditNewestFirst(want[inst]), AllAudit(t, l, inst, limit)); d != "" {
				t.Fatalf("%s, pages of %d:\n%s", inst, limit, d)
			}
		}
	}
	if es := AllAudit(t, l, "roc-zonder-log", 5); len(es) != 0 {
		t.Fatalf("an institution without entries has %d", len(es))
	}
	es, next, err := l.Audit(t.Context(), "", "", 5)
	wantAuditError(t, `Audit("")`, es, next, err, meldwijzer.ErrNoInstitution)

	_, cursorA, err := l.Audit(t.Context(), instA, "", 5)
	if err != nil || cursorA == "" {
		t.Fatalf("first page of %s: cursor %q, %v", instA, cursorA, err)
	}
	for _, other := range []string{instB, instA + "-2", "roc-zonder-log", "roc"} {
		es, next, err := l.Audit(t.Context(), other, cursorA, 5)
		wantAuditError(t, fmt.Sprintf("Audit(%s) with a cursor of %s", other, instA), es, next, err, meldwijzer.ErrBadCursor)
	}
	// The cursor still works for its own institution.
	if es, _, err := l.Audit(t.Context(), instA, cursorA, 5); err != nil || len(es) != 5 {
		t.Fatalf("Audit(%s) with its own cursor: %d entries, %v", instA, len(es), err)
	}
}

func testAuditTamperedCursor(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	l := open(t)
	for i := range 6 {
		Append(t, l, NewAuditEntry(instA, i, Base.Add(time.Duration(i)*time.Millisecond)))
	}
	_, cursor, err := l.Audit(t.Context(), instA, "", 2)
	if err != nil || cursor == "" {
		t.Fatalf("first page: cursor %q, %v", cursor, err)
	}
	flip := func(i int) string {
		b := []byte(cursor)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	cases := []struct{ name, cursor string }{
		{"first character changed", flip(0)},
		{"middle character changed", flip(len(cursor) / 2)},
		{"last character changed", flip(len(cursor) - 1)},
		{"truncated by one", cursor[:len(cursor)-1]},
		{"truncated by half", cursor[:len(cursor)/2]},
		{"one character more", cursor + "A"},
		{"four characters more", cursor + "AAAA"},
		{"upper case", strings.ToUpper(cursor)},
		{"padded", cursor + "=="},
		{"made up", "eyJ2IjoxLCJpIjoicm9jLWFsZmEifQ"},
		{"not base64", "%%% not a cursor %%%"},
		{"one character", "A"},
		{"very long", strings.Repeat(cursor, 200)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cursor == cursor {
				t.Fatal("test bug: the cursor did not change")
			}
			es, next, err := l.Audit(t.Context(), instA, tc.cursor, 2)
			wantAuditError(t, "Audit with a tampered cursor", es, next, err, meldwijzer.ErrBadCursor)
		})
	}
}

func testAuditDefaultLimit(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	l := open(t)
	var appended []meldwijzer.AuditEntry
	for i := range DefaultAuditLimit + 1 {
		appended = append(appended, NewAuditEntry(instA, i, Base.Add(time.Duration(i)*time.Millisecond)))
	}
	Append(t, l, appended...)
	want := SortAuditNewestFirst(appended)
	for _, limit := range []int{0, -1, -1000} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			es, next, err := l.Audit(t.Context(), instA, "", limit)
			if err != nil {
				t.Fatal(err)
			}
			if next == "" {
				t.Fatalf("limit %d: no cursor after the first page of %d entries", limit, len(es))
			}
			if d := AuditListDiff(want[:DefaultAuditLimit], es); d != "" {
				t.Fatalf("limit %d, first page:\n%s", limit, d)
			}
			rest, next, err := l.Audit(t.Context(), instA, next, limit)
			if err != nil || next != "" {
				t.Fatalf("limit %d, second page: cursor %q, %v", limit, next, err)
			}
			if d := AuditListDiff(want[DefaultAuditLimit:], rest); d != "" {
				t.Fatalf("limit %d, second page:\n%s", limit, d)
			}
		})
	}
}

func testAuditConcurrent(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	const workers, each = 50, 2
	cases := []struct {
		name string
		at   func(w, i int) time.Time
	}{
		{"all at the same time", func(int, int) time.Time { return Base }},
		{"at different times", func(w, i int) time.Time { return Base.Add(time.Duration(w*each+i) * time.Millisecond) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t)
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				errs  = make(chan error, workers*each)
			)
			for w := range workers {
				wg.Go(func() {
					<-start
					for i := range each {
						e := NewAuditEntry(instA, w*each+i, tc.at(w, i))
						e.Actor = fmt.Sprintf("worker-%d", w)
						if err := l.AppendAudit(t.Context(), e); err != nil {
							errs <- fmt.Errorf("worker %d, entry %d: %w", w, i, err)
						}
					}
				})
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if t.Failed() {
				return
			}
			got := AllAudit(t, l, instA, 7)
			if len(got) != workers*each {
				t.Fatalf("%d entries kept, want exactly %d", len(got), workers*each)
			}
			seen := map[string]bool{}
			perWorker := map[string][]int{}
			for i, e := range got {
				if seen[e.Detail] {
					t.Fatalf("entry %s listed twice", e.Detail)
				}
				seen[e.Detail] = true
				if i > 0 && got[i-1].At.Before(e.At) {
					t.Fatalf("entry %d (%v) is newer than entry %d (%v)", i, e.At, i-1, got[i-1].At)
				}
				n, _ := strconv.Atoi(e.Detail)
				perWorker[e.Actor] = append(perWorker[e.Actor], n)
			}
			// Each worker appended its entries one after the other: newest first, its later
			// entry comes first.
			for actor, ns := range perWorker {
				if len(ns) != each || !slices.IsSortedFunc(ns, func(a, b int) int { return b - a }) {
					t.Fatalf("%s: entries %v, want %d in descending order", actor, ns, each)
				}
			}
		})
	}
}

func testAuditInvalid(t *testing.T, open func(t *testing.T) meldwijzer.AuditLog) {
	cases := []struct {
		name   string
		change func(e *meldwijzer.AuditEntry)
	}{
		{"no institution", func(e *meldwijzer.AuditEntry) { e.Institution = "" }},
		{"no actor", func(e *meldwijzer.AuditEntry) { e.Actor = "" }},
		{"no action", func(e *meldwijzer.AuditEntry) { e.Action = "" }},
		{"no time", func(e *meldwijzer.AuditEntry) { e.At = time.Time{} }},
		{"nothing", func(e *meldwijzer.AuditEntry) { *e = meldwijzer.AuditEntry{} }},
	}
	l := open(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := NewAuditEntry(instA, 1, Base)
			tc.change(&e)
			WantError(t, "AppendAudit", l.AppendAudit(t.Context(), e), e.Validate())
			if es := AllAudit(t, l, instA, 10); len(es) != 0 {
				t.Fatalf("%d entries after invalid appends", len(es))
			}
		})
	}
	// A valid entry after them is the only one.
	e := NewAuditEntry(instA, 2, Base)
	Append(t, l, e)
	if d := AuditListDiff([]meldwijzer.AuditEntry{e}, AllAudit(t, l, instA, 10)); d != "" {
		t.Fatalf("after invalid appends and a valid one:\n%s", d)
	}
}
