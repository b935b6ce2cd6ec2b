package storetest

// The institution store's contract, beyond the comments on meldwijzer.InstitutionStore:
//
//   - A record round-trips as written (Updated as the same instant; the suite uses UTC times
//     truncated to milliseconds). Institutions is sorted by id and is empty, not nil, when there
//     are none.
//   - PutInstitution replaces the whole record and its domain index at once: a domain the record
//     no longer lists finds nothing, and a domain it lists finds the new record.
//   - A domain that another institution registered is ECONFLICT (ErrDomainTaken): nothing is
//     written, neither the record nor any of its domains.
//   - A record that fails Validate is EINVALID; nothing is written.
//   - DeleteInstitution removes the record and its domains, which are then free for another.
//   - Concurrent puts of one institution leave one of the records, with exactly its domains.

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"meldwijzer"
)

// RunInstitutions runs the institution store's contract; open returns a fresh, empty store.
func RunInstitutions(t *testing.T, open func(t *testing.T) meldwijzer.InstitutionStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s meldwijzer.InstitutionStore)
	}{
		{"RoundTrip", testInstitutionRoundTrip},
		{"ReplaceDomains", testInstitutionReplaceDomains},
		{"DomainTaken", testInstitutionDomainTaken},
		{"Invalid", testInstitutionInvalid},
		{"NotFound", testInstitutionNotFound},
		{"Delete", testInstitutionDelete},
		{"Concurrent", testInstitutionConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// NewInstitution is a valid record with one domain (<id>.example) and two contacts.
func NewInstitution(id string) *meldwijzer.Institution {
	return &meldwijzer.Institution{
		ID: id, Name: "ROC " + id + " (test)", Domains: []string{id + ".example"},
		Groups:        map[string]string{"vertrouwenspersonen": "handler"},
		MeldpuntEmail: "meldpunt@" + id + ".example", Region: "Utrecht", Sector: true,
		Contacts: []meldwijzer.Contact{
			{Role: "vertrouwenspersoon", Name: meldwijzer.Text{NL: "Vertrouwenspersoon", EN: "Confidential adviser"},
				Email: "vp@" + id + ".example", Hours: &meldwijzer.Text{NL: "Maandag", EN: "Monday"}},
			{Role: "mentor", Name: meldwijzer.Text{NL: "Je mentor", EN: "Your mentor"},
				For: &meldwijzer.Text{NL: "In je rooster", EN: "In your timetable"}, Phone: "030 123 45 67", Tel: "0301234567",
				Website: "https://" + id + ".example/mentor"},
		},
		Updated: Ms(Base),
	}
}

// InstitutionDiff describes how got differs from want ("" when equal).
func InstitutionDiff(want, got *meldwijzer.Institution) string {
	if got == nil {
		return "got nil"
	}
	if !want.Updated.Equal(got.Updated) {
		return fmt.Sprintf("updated: got %v, want %v", got.Updated, want.Updated)
	}
	w, g := *want, *got
	w.Updated, g.Updated = w.Updated.UTC(), g.Updated.UTC()
	wj, _ := json.Marshal(w)
	gj, _ := json.Marshal(g)
	if string(wj) != string(gj) {
		return fmt.Sprintf("got %s\nwant %s", gj, wj)
	}
	return ""
}

func put(t *testing.T, s meldwijzer.InstitutionStore, inst *meldwijzer.Institution) {
	t.Helper()
	if err := s.PutInstitution(t.Context(), inst); err != nil {
		t.Fatalf("PutInstitution(%s): %v", inst.ID, err)
	}
}

func wantInstitution(t *testing.T, s meldwijzer.InstitutionStore, want *meldwijzer.Institution) {
	t.Helper()
	got, err := s.Institution(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("Institution(%s): %v", want.ID, err)
	}
	if d := InstitutionDiff(want, got); d != "" {
		t.Fatalf("Institution(%s): %s", want.ID, d)
	}
	for _, d := range want.Domains {
		got, err := s.InstitutionByDomain(t.Context(), d)
		if err != nil {
			t.Fatalf("InstitutionByDomain(%s): %v", d, err)
		}
		if diff := InstitutionDiff(want, got); diff != "" {
			t.Fatalf("InstitutionByDomain(%s): %s", d, diff)
		}
	}
}

func wantNoDomain(t *testing.T, s meldwijzer.InstitutionStore, domain string) {
	t.Helper()
	got, err := s.InstitutionByDomain(t.Context(), domain)
	WantCode(t, "InstitutionByDomain("+domain+")", err, meldwijzer.ENOTFOUND)
	if got != nil {
		t.Fatalf("InstitutionByDomain(%s): a record with the error", domain)
	}
}

func ids(t *testing.T, s meldwijzer.InstitutionStore) []string {
	t.Helper()
	list, err := s.Institutions(t.Context())
	if err != nil {
		t.Fatalf("Institutions: %v", err)
	}
	if list == nil {
		t.Fatal("Institutions: nil, want an empty list")
	}
	out := []string{}
	for _, inst := range list {
		out = append(out, inst.ID)
	}
	return out
}

func testInstitutionRoundTrip(t *testing.T, s meldwijzer.InstitutionStore) {
	if got := ids(t, s); len(got) != 0 {
		t.Fatalf("a fresh store lists %v", got)
	}
	minimal := &meldwijzer.Institution{ID: "mbo-minimaal", Name: "Minimaal", Contacts: []meldwijzer.Contact{}, Updated: Ms(Base)}
	for _, inst := range []*meldwijzer.Institution{NewInstitution("roc-bravo"), NewInstitution("roc-alfa"), minimal} {
		put(t, s, inst)
		wantInstitution(t, s, inst)
	}
	if got, want := ids(t, s), []string{"mbo-minimaal", "roc-alfa", "roc-bravo"}; !slices.Equal(got, want) {
		t.Fatalf("Institutions: %v, want %v (sorted by id)", got, want)
	}
	list, _ := s.Institutions(t.Context())
	if d := InstitutionDiff(NewInstitution("roc-alfa"), list[1]); d != "" {
		t.Fatalf("Institutions[1]: %s", d)
	}
}

func testInstitutionReplaceDomains(t *testing.T, s meldwijzer.InstitutionStore) {
	inst := NewInstitution(instA)
	inst.Domains = []string{"alfa.example", "oud.alfa.example"}
	put(t, s, inst)
	next := NewInstitution(instA)
	next.Name = "ROC Alfa, renamed"
	next.Domains = []string{"alfa.example", "nieuw.alfa.example"}
	next.Contacts = next.Contacts[:1]
	next.Updated = Ms(Base.Add(24 * time.Hour))
	put(t, s, next)
	wantInstitution(t, s, next)
	wantNoDomain(t, s, "oud.alfa.example")
	next.Domains = nil
	put(t, s, next)
	wantInstitution(t, s, next)
	wantNoDomain(t, s, "alfa.example")
	wantNoDomain(t, s, "nieuw.alfa.example")
}

func testInstitutionDomainTaken(t *testing.T, s meldwijzer.InstitutionStore) {
	a := NewInstitution(instA)
	put(t, s, a)
	b := NewInstitution(instB)
	b.Domains = []string{instB + ".example", a.Domains[0]}
	err := s.PutInstitution(t.Context(), b)
	WantError(t, "PutInstitution with A's domain", err, meldwijzer.ErrDomainTaken(a.Domains[0], instA))
	if got := ids(t, s); !slices.Equal(got, []string{instA}) {
		t.Fatalf("after the conflict the store lists %v, want only %s", got, instA)
	}
	wantNoDomain(t, s, instB+".example")
	wantInstitution(t, s, a)

	// B exists; taking A's domain in a replacement changes nothing of B either.
	b.Domains = []string{instB + ".example"}
	put(t, s, b)
	changed := NewInstitution(instB)
	changed.Name = "changed"
	changed.Domains = []string{"other.example", a.Domains[0]}
	WantCode(t, "replacing B with A's domain", s.PutInstitution(t.Context(), changed), meldwijzer.ECONFLICT)
	wantInstitution(t, s, b)
	wantNoDomain(t, s, "other.example")
	wantInstitution(t, s, a)
}

func testInstitutionInvalid(t *testing.T, s meldwijzer.InstitutionStore) {
	for name, change := range map[string]func(*meldwijzer.Institution){
		"id":           func(i *meldwijzer.Institution) { i.ID = "ROC Alfa" },
		"empty name":   func(i *meldwijzer.Institution) { i.Name = " " },
		"domain":       func(i *meldwijzer.Institution) { i.Domains = []string{"Alfa.Example"} },
		"domain twice": func(i *meldwijzer.Institution) { i.Domains = []string{"a.example", "a.example"} },
		"email":        func(i *meldwijzer.Institution) { i.MeldpuntEmail = "Meldpunt <m@a.example>" },
	} {
		t.Run(name, func(t *testing.T) {
			inst := NewInstitution(instA)
			change(inst)
			WantCode(t, "PutInstitution", s.PutInstitution(t.Context(), inst), meldwijzer.EINVALID)
			if got := ids(t, s); len(got) != 0 {
				t.Fatalf("an invalid record was written: %v", got)
			}
		})
	}
}

func testInstitutionNotFound(t *testing.T, s meldwijzer.InstitutionStore) {
	put(t, s, NewInstitution(instA))
	for _, id := range []string{instB, "", "ROC"} {
		got, err := s.Institution(t.Context(), id)
		WantError(t, "Institution("+id+")", err, meldwijzer.ErrInstitutionNotFound(id))
		if got != nil {
			t.Fatal("a record with the error")
		}
		WantError(t, "DeleteInstitution("+id+")", s.DeleteInstitution(t.Context(), id), meldwijzer.ErrInstitutionNotFound(id))
	}
	wantNoDomain(t, s, "unknown.example")
	wantNoDomain(t, s, "")
}

func testInstitutionDelete(t *testing.T, s meldwijzer.InstitutionStore) {
	a, b := NewInstitution(instA), NewInstitution(instB)
	put(t, s, a)
	put(t, s, b)
	if err := s.DeleteInstitution(t.Context(), instA); err != nil {
		t.Fatalf("DeleteInstitution: %v", err)
	}
	WantCode(t, "Institution after delete", func() error { _, err := s.Institution(t.Context(), instA); return err }(), meldwijzer.ENOTFOUND)
	wantNoDomain(t, s, a.Domains[0])
	wantInstitution(t, s, b)
	if got := ids(t, s); !slices.Equal(got, []string{instB}) {
		t.Fatalf("after delete: %v", got)
	}
	b.Domains = append(b.Domains, a.Domains[0]) // free again
	put(t, s, b)
	wantInstitution(t, s, b)
}

func testInstitutionConcurrent(t *testing.T, s meldwijzer.InstitutionStore) {
	const writers = 6
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst := NewInstitution(instA)
			inst.Name = fmt.Sprintf("writer %d", w)
			inst.Domains = []string{fmt.Sprintf("w%d.alfa.example", w), "alfa.example"}
			errs[w] = s.PutInstitution(t.Context(), inst)
		}()
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}
	final, err := s.Institution(t.Context(), instA)
	if err != nil {
		t.Fatal(err)
	}
	wantInstitution(t, s, final)
	for w := range writers {
		d := fmt.Sprintf("w%d.alfa.example", w)
		if !slices.Contains(final.Domains, d) {
			wantNoDomain(t, s, d)
		}
	}
}
