package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"meldwijzer"
)

// RunIncidents is the contract of meldwijzer.IncidentStore, beside Run's rules:
//
//   - CreateIncident writes the incident, one increment per IncidentCountKeys key and the
//     idempotency record in one atomic write; an existing idem.KeyHash returns the stored
//     incident and the FIRST record's RequestHash with created == false, and writes nothing; an
//     incident with the same Day and ID is ErrIncidentTaken.
//   - Incidents lists newest first (NewestIncidentFirst); Author selects one employee's, Serious
//     the serious ones; paging and cursors as Reports' (a cursor is bound to the institution
//     and the listing).
//   - IncidentCounts are the same Count items as Counts, from the incidents only: a report never
//     adds to them, nor an incident to Counts.
func RunIncidents(t *testing.T, open func(t *testing.T) meldwijzer.IncidentStore) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, s meldwijzer.IncidentStore)
	}{
		{"RoundTrip", testIncidentRoundTrip},
		{"Retry", testIncidentRetry},
		{"Taken", testIncidentTaken},
		{"Counts", testIncidentCounts},
		{"Listings", testIncidentListings},
		{"Paging", testIncidentPaging},
		{"TenantIsolation", testIncidentTenants},
		{"Invalid", testIncidentInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

// NewIncident returns incident n of inst on the day at (UTC midnight), by author; what it holds
// varies with n, and every third one is serious.
func NewIncident(inst, author string, n int, at time.Time) *meldwijzer.Incident {
	day := at.UTC().Truncate(24 * time.Hour)
	in := &meldwijzer.Incident{
		ID: fmt.Sprintf("i%020d", n), Institution: inst, Day: day,
		Theme:      meldwijzer.Themes[n%len(meldwijzer.Themes)],
		Where:      meldwijzer.Wheres[n%len(meldwijzer.Wheres)],
		Involved:   []string{"student", meldwijzer.IncidentInvolved[1+n%(len(meldwijzer.IncidentInvolved)-1)]},
		Categories: []string{meldwijzer.IncidentCategories[n%len(meldwijzer.IncidentCategories)]},
		Serious:    n%3 == 0,
		Actions:    []string{"manager", "safety"},
		FollowUp:   "aftercare",
		Note:       fmt.Sprintf("sealed note %d ✓", n),
		Author:     author,
		Registered: day.Add(24 * time.Hour),
		ExpiresAt:  day.Add(366 * 24 * time.Hour),
	}
	if in.Theme == "discriminatie" {
		in.Grounds = []string{"herkomst", "religie"}
	}
	return in
}

// NewIncidentIdempotency is the record of in for the client key key.
func NewIncidentIdempotency(in *meldwijzer.Incident, key string) *meldwijzer.IncidentIdempotency {
	return &meldwijzer.IncidentIdempotency{KeyHash: Hash("incident", in.Institution, key), RequestHash: Hash("request", key), ExpiresAt: in.ExpiresAt}
}

// CreateIncident stores in with its own key and fails the test unless it was created as given.
func CreateIncident(t testing.TB, s meldwijzer.IncidentStore, in *meldwijzer.Incident) *meldwijzer.Incident {
	t.Helper()
	stored, hash, created, err := s.CreateIncident(t.Context(), in, NewIncidentIdempotency(in, in.ID))
	if err != nil || !created {
		t.Fatalf("CreateIncident(%s) = created %v, %v", in.ID, created, err)
	}
	if d := IncidentDiff(in, stored); d != "" || hash != Hash("request", in.ID) {
		t.Fatalf("CreateIncident(%s) returned another incident or hash: %s", in.ID, d)
	}
	return stored
}

// IncidentDiff describes how got differs from want ("" when equal).
func IncidentDiff(want, got *meldwijzer.Incident) string {
	if want == nil || got == nil {
		return fmt.Sprintf("want %v, got %v", want, got)
	}
	w, g := *want, *got
	for _, p := range []*meldwijzer.Incident{&w, &g} {
		for _, l := range []*[]string{&p.Involved, &p.Grounds, &p.Categories, &p.Actions} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		p.Day, p.Registered, p.ExpiresAt = p.Day.UTC(), p.Registered.UTC(), p.ExpiresAt.UTC()
	}
	if fmt.Sprintf("%+v", w) != fmt.Sprintf("%+v", g) {
		return fmt.Sprintf("want %+v\n got %+v", w, g)
	}
	return ""
}

// AllIncidents pages through Incidents(f) and returns every incident.
func AllIncidents(t testing.TB, s meldwijzer.IncidentStore, f meldwijzer.IncidentFilter) []*meldwijzer.Incident {
	t.Helper()
	var all []*meldwijzer.Incident
	for pages := 0; ; pages++ {
		page, next, err := s.Incidents(t.Context(), f)
		if err != nil {
			t.Fatalf("Incidents(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page) > f.Limit {
			t.Fatalf("Incidents: a page of %d, limit %d", len(page), f.Limit)
		}
		if pages > 1000 {
			t.Fatal("Incidents: the cursors never end")
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		f.Cursor = next
	}
}

func incidentIDs(in []*meldwijzer.Incident) []string {
	out := []string{}
	for _, i := range in {
		out = append(out, i.ID)
	}
	return out
}

func testIncidentRoundTrip(t *testing.T, s meldwijzer.IncidentStore) {
	in := NewIncident("inst-a", "author-1", 3, Base)
	in.Grounds = []string{"gender"}
	in.Categories = []string{"discrimination", "physical"}
	CreateIncident(t, s, in)
	got := AllIncidents(t, s, meldwijzer.IncidentFilter{Institution: "inst-a"})
	if len(got) != 1 {
		t.Fatalf("listed %d incidents, want 1", len(got))
	}
	if d := IncidentDiff(in, got[0]); d != "" {
		t.Fatalf("the listed incident differs from the stored one:\n%s", d)
	}
	// Without optional fields.
	bare := NewIncident("inst-a", "author-1", 4, Base.AddDate(0, 0, -1))
	bare.Grounds, bare.Actions, bare.FollowUp, bare.Note = nil, nil, "", ""
	CreateIncident(t, s, bare)
	got = AllIncidents(t, s, meldwijzer.IncidentFilter{Institution: "inst-a", Author: "author-1"})
	if len(got) != 2 || IncidentDiff(bare, got[1]) != "" {
		t.Fatalf("listed %v, want the bare incident second and unchanged", incidentIDs(got))
	}
}

func testIncidentRetry(t *testing.T, s meldwijzer.IncidentStore) {
	in := NewIncident("inst-a", "author-1", 1, Base)
	first := CreateIncident(t, s, in)
	again := NewIncident("inst-a", "author-1", 2, Base) // another id, the same key
	idem := NewIncidentIdempotency(in, in.ID)
	idem.RequestHash = Hash("another body")
	stored, hash, created, err := s.CreateIncident(t.Context(), again, idem)
	if err != nil || created {
		t.Fatalf("a retry: created %v, %v; want the stored incident", created, err)
	}
	if d := IncidentDiff(first, stored); d != "" || hash != Hash("request", in.ID) {
		t.Fatalf("a retry returned another incident or the new hash %q: %s", hash, d)
	}
	if got := AllIncidents(t, s, meldwijzer.IncidentFilter{Institution: "inst-a"}); len(got) != 1 {
		t.Fatalf("a retry stored a second incident: %v", incidentIDs(got))
	}
	if got := incidentCountMap(t, s, "inst-a", "2025-01", "2025-12"); got[meldwijzer.CountKey{Institution: "inst-a", Month: "2025-03", Dimension: "total", Value: "all"}] != 1 {
		t.Fatalf("a retry counted twice: %v", got)
	}
}

func testIncidentTaken(t *testing.T, s meldwijzer.IncidentStore) {
	in := NewIncident("inst-a", "author-1", 1, Base)
	CreateIncident(t, s, in)
	_, _, _, err := s.CreateIncident(t.Context(), in, NewIncidentIdempotency(in, "another key"))
	WantError(t, "CreateIncident with a taken id", err, meldwijzer.ErrIncidentTaken)
	if got := incidentCountMap(t, s, "inst-a", "2025-03", "2025-03"); got[meldwijzer.CountKey{Institution: "inst-a", Month: "2025-03", Dimension: "total", Value: "all"}] != 1 {
		t.Fatalf("a refused incident was counted: %v", got)
	}
}

func incidentCountMap(t testing.TB, s meldwijzer.IncidentStore, inst, from, to string) map[meldwijzer.CountKey]int {
	t.Helper()
	counts, err := s.IncidentCounts(t.Context(), inst, from, to)
	if err != nil {
		t.Fatalf("IncidentCounts: %v", err)
	}
	m := map[meldwijzer.CountKey]int{}
	for _, c := range counts {
		if c.Institution != inst || c.Month < from || c.Month > to {
			t.Fatalf("IncidentCounts(%s, %s, %s) returned %+v", inst, from, to, c)
		}
		if _, dup := m[c.CountKey]; dup {
			t.Fatalf("IncidentCounts returned %+v twice", c.CountKey)
		}
		if c.N != 0 {
			m[c.CountKey] = c.N
		}
	}
	return m
}

func testIncidentCounts(t *testing.T, s meldwijzer.IncidentStore) {
	var all []*meldwijzer.Incident
	for n := range 14 {
		in := NewIncident("inst-a", "author-1", n, Base.AddDate(0, -n%3, -n))
		if n == 5 {
			in.Involved = []string{"parent", "staff", "student", "workplace"}
			in.Categories = []string{"damage", "physical", "police", "weapon"}
		}
		all = append(all, CreateIncident(t, s, in))
	}
	for _, period := range [][2]string{{"2024-12", "2025-03"}, {"2025-02", "2025-02"}, {"2025-03", "2025-04"}} {
		want := map[meldwijzer.CountKey]int{}
		for _, in := range all {
			for _, k := range in.IncidentCountKeys() {
				if k.Month >= period[0] && k.Month <= period[1] {
					want[k]++
				}
			}
		}
		if d := mapDiff(want, incidentCountMap(t, s, "inst-a", period[0], period[1])); d != "" {
			t.Errorf("IncidentCounts %v:\n%s", period, d)
		}
	}
	if c := incidentCountMap(t, s, "inst-a", "2025-03", "2025-03"); c[meldwijzer.CountKey{Institution: "inst-a", Month: "2025-03", Dimension: "serious", Value: meldwijzer.SeriousYes}] == 0 {
		t.Errorf("no serious count in March: %v", c)
	}
	// A report store's counts are not the incidents': the same store adds no report counts.
	if rs, ok := s.(meldwijzer.ReportStore); ok {
		if got := CountMap(t, rs, "inst-a", "2024-01", "2025-12"); len(got) != 0 {
			t.Errorf("incidents added report counts: %v", got)
		}
	}
}

func testIncidentListings(t *testing.T, s meldwijzer.IncidentStore) {
	var all []*meldwijzer.Incident
	for n := range 12 {
		author := []string{"author-1", "author-2"}[n%2]
		all = append(all, CreateIncident(t, s, NewIncident("inst-a", author, n, Base.AddDate(0, 0, -(n*7)%11))))
	}
	for _, f := range []meldwijzer.IncidentFilter{
		{Institution: "inst-a"},
		{Institution: "inst-a", Author: "author-2"},
		{Institution: "inst-a", Serious: true},
		{Institution: "inst-a", Author: "author-1", Serious: true},
		{Institution: "inst-a", Author: "nobody"},
	} {
		var want []*meldwijzer.Incident
		for _, in := range all {
			if (f.Author == "" || in.Author == f.Author) && (!f.Serious || in.Serious) {
				want = append(want, in)
			}
		}
		slices.SortFunc(want, meldwijzer.NewestIncidentFirst)
		for _, limit := range []int{0, 1, 4} {
			f.Limit = limit
			if got := AllIncidents(t, s, f); !slices.Equal(incidentIDs(got), incidentIDs(want)) {
				t.Errorf("Incidents(%+v) = %v, want %v", f, incidentIDs(got), incidentIDs(want))
			}
		}
	}
}

func testIncidentPaging(t *testing.T, s meldwijzer.IncidentStore) {
	for n := range 5 {
		CreateIncident(t, s, NewIncident("inst-a", "author-1", n, Base))
	}
	page, next, err := s.Incidents(t.Context(), meldwijzer.IncidentFilter{Institution: "inst-a", Limit: 2})
	if err != nil || len(page) != 2 || next == "" {
		t.Fatalf("first page: %d incidents, cursor %q, %v", len(page), next, err)
	}
	for _, f := range []meldwijzer.IncidentFilter{
		{Institution: "inst-b", Cursor: next},                     // another institution's
		{Institution: "inst-a", Cursor: next, Author: "author-1"}, // another listing's
		{Institution: "inst-a", Cursor: next + "x"},
		{Institution: "inst-a", Cursor: "made-up"},
	} {
		_, _, err := s.Incidents(t.Context(), f)
		WantError(t, fmt.Sprintf("Incidents(%+v)", f), err, meldwijzer.ErrBadCursor)
	}
}

func testIncidentTenants(t *testing.T, s meldwijzer.IncidentStore) {
	CreateIncident(t, s, NewIncident("inst-a", "author-1", 1, Base))
	if got := AllIncidents(t, s, meldwijzer.IncidentFilter{Institution: "inst-b"}); len(got) != 0 {
		t.Fatalf("inst-b lists inst-a's incidents: %v", incidentIDs(got))
	}
	if got := incidentCountMap(t, s, "inst-b", "2025-01", "2025-12"); len(got) != 0 {
		t.Fatalf("inst-b sees inst-a's counters: %v", got)
	}
	// The same client key at another institution is another registration.
	in := NewIncident("inst-b", "author-1", 1, Base)
	CreateIncident(t, s, in)
}

func testIncidentInvalid(t *testing.T, s meldwijzer.IncidentStore) {
	good := NewIncident("inst-a", "author-1", 1, Base)
	for name, change := range map[string]func(in *meldwijzer.Incident, idem *meldwijzer.IncidentIdempotency){
		"no id":          func(in *meldwijzer.Incident, _ *meldwijzer.IncidentIdempotency) { in.ID = "" },
		"no institution": func(in *meldwijzer.Incident, _ *meldwijzer.IncidentIdempotency) { in.Institution = "" },
		"no author":      func(in *meldwijzer.Incident, _ *meldwijzer.IncidentIdempotency) { in.Author = "" },
		"no day":         func(in *meldwijzer.Incident, _ *meldwijzer.IncidentIdempotency) { in.Day = time.Time{} },
		"no key":         func(_ *meldwijzer.Incident, idem *meldwijzer.IncidentIdempotency) { idem.KeyHash = "" },
	} {
		in := *good
		idem := NewIncidentIdempotency(&in, "k")
		change(&in, idem)
		_, _, _, err := s.CreateIncident(t.Context(), &in, idem)
		WantCode(t, name, err, meldwijzer.EINVALID)
	}
	if _, _, err := s.Incidents(t.Context(), meldwijzer.IncidentFilter{}); meldwijzer.ErrorCode(err) != meldwijzer.EINVALID {
		t.Fatalf("Incidents without an institution: %v, want invalid", err)
	}
	if got := AllIncidents(t, s, meldwijzer.IncidentFilter{Institution: "inst-a"}); len(got) != 0 {
		t.Fatalf("a refused incident was stored: %v", incidentIDs(got))
	}
}
