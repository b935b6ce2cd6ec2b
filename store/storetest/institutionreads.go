package storetest

// The institution readers' contract (meldwijzer.InstitutionReader): a reader returns exactly what
// the store that wrote the records returns for the same calls.
//
//   - A record reads back as written; a replaced record reads as its last write.
//   - Institutions lists every record sorted by id, empty and not nil when there are none, and
//     all of them however many pages the reader reads them in.
//   - A missing id (the empty one too) and a deleted record are ENOTFOUND.

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"meldwijzer"
)

// RunInstitutionReads runs the readers' contract. open returns a fresh, empty store and a reader
// of the same records (the store itself, or a reader of its table); ListSize records are written
// for the list, enough for a reader with a small page size to read several pages.
func RunInstitutionReads(t *testing.T, open func(t *testing.T) (meldwijzer.InstitutionStore, meldwijzer.InstitutionReader)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader)
	}{
		{"Empty", testReadEmpty},
		{"RoundTrip", testReadRoundTrip},
		{"List", testReadList},
		{"Deleted", testReadDeleted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, r := open(t)
			tc.fn(t, w, r)
		})
	}
}

// ListSize is how many records the list test writes.
const ListSize = 7

// sameRead fails unless the reader answers Institution(id) as the store does: the same record,
// or an error with the same code.
func sameRead(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader, id string) {
	t.Helper()
	want, werr := w.Institution(t.Context(), id)
	got, gerr := r.Institution(t.Context(), id)
	if meldwijzer.ErrorCode(werr) != meldwijzer.ErrorCode(gerr) || (werr == nil) != (gerr == nil) {
		t.Fatalf("Institution(%q): the reader's error %v, the store's %v", id, gerr, werr)
	}
	if werr != nil {
		if got != nil {
			t.Fatalf("Institution(%q): a record with the error", id)
		}
		return
	}
	if d := InstitutionDiff(want, got); d != "" {
		t.Fatalf("Institution(%q): the reader's differs from the store's: %s", id, d)
	}
}

// sameList fails unless the reader lists what the store lists, and returns the ids.
func sameList(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader) []string {
	t.Helper()
	want, err := w.Institutions(t.Context())
	if err != nil {
		t.Fatalf("the store's Institutions: %v", err)
	}
	got, err := r.Institutions(t.Context())
	if err != nil {
		t.Fatalf("the reader's Institutions: %v", err)
	}
	if got == nil {
		t.Fatal("Institutions: nil, want an empty list")
	}
	if len(got) != len(want) {
		t.Fatalf("Institutions: the reader lists %d records, the store %d", len(got), len(want))
	}
	ids := []string{}
	for i := range want {
		if d := InstitutionDiff(want[i], got[i]); d != "" {
			t.Fatalf("Institutions[%d]: the reader's differs from the store's: %s", i, d)
		}
		ids = append(ids, got[i].ID)
	}
	return ids
}

func testReadEmpty(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader) {
	if ids := sameList(t, w, r); len(ids) != 0 {
		t.Fatalf("a fresh store lists %v", ids)
	}
	for _, id := range []string{"roc-nergens", ""} {
		_, err := r.Institution(t.Context(), id)
		WantCode(t, fmt.Sprintf("Institution(%q)", id), err, meldwijzer.ENOTFOUND)
		sameRead(t, w, r, id)
	}
}

func testReadRoundTrip(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader) {
	inst := NewInstitution("roc-alfa")
	put(t, w, inst)
	got, err := r.Institution(t.Context(), inst.ID)
	if err != nil {
		t.Fatalf("Institution: %v", err)
	}
	if d := InstitutionDiff(inst, got); d != "" {
		t.Fatalf("Institution: %s", d)
	}
	sameRead(t, w, r, inst.ID)

	// Replaced: the last write, every field of it.
	next := *inst
	next.Name, next.Region, next.Sector, next.Demo = "ROC Alfa (nieuw)", "Noord-Holland", false, true
	next.Contacts = next.Contacts[:1]
	next.Updated = Ms(Base.Add(1))
	put(t, w, &next)
	got, err = r.Institution(t.Context(), inst.ID)
	if err != nil {
		t.Fatalf("Institution after a replace: %v", err)
	}
	if d := InstitutionDiff(&next, got); d != "" {
		t.Fatalf("Institution after a replace: %s", d)
	}
	sameRead(t, w, r, inst.ID)
	if ids := sameList(t, w, r); len(ids) != 1 || ids[0] != inst.ID {
		t.Fatalf("Institutions: %v, want [%s]", ids, inst.ID)
	}
}

// listIDs sort in an order that differs from the order they are written in, with ids that are
// prefixes of others.
var listIDs = [ListSize]string{"roc-zuid", "ab", "roc-alfa-2", "roc-alfa", "mbo-9", "roc-alfa-10", "roc-midden"}

func testReadList(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader) {
	order := listIDs
	rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, id := range order {
		put(t, w, NewInstitution(id))
	}
	ids := sameList(t, w, r)
	want := []string{"ab", "mbo-9", "roc-alfa", "roc-alfa-10", "roc-alfa-2", "roc-midden", "roc-zuid"}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("Institutions: %v, want %v (sorted by id)", ids, want)
	}
	for _, id := range want {
		sameRead(t, w, r, id)
	}
}

func testReadDeleted(t *testing.T, w meldwijzer.InstitutionStore, r meldwijzer.InstitutionReader) {
	for _, id := range []string{"roc-alfa", "roc-bravo", "roc-charlie"} {
		put(t, w, NewInstitution(id))
	}
	if err := w.DeleteInstitution(t.Context(), "roc-bravo"); err != nil {
		t.Fatalf("DeleteInstitution: %v", err)
	}
	_, err := r.Institution(t.Context(), "roc-bravo")
	WantCode(t, "Institution(deleted)", err, meldwijzer.ENOTFOUND)
	sameRead(t, w, r, "roc-bravo")
	if ids := sameList(t, w, r); fmt.Sprint(ids) != "[roc-alfa roc-charlie]" {
		t.Fatalf("Institutions after a delete: %v", ids)
	}
}
