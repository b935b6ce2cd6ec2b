package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/store/storetest"
)

func TestIncidentContract(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) meldwijzer.IncidentStore {
		s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestSweepIncidents: the sweep deletes an incident past its retention (and its idempotency
// record, so the key registers anew); its counters stay.
func TestSweepIncidents(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	defer s.Close()
	old := storetest.NewIncident("inst-a", "author-1", 1, storetest.Base)
	keep := storetest.NewIncident("inst-a", "author-1", 2, storetest.Base)
	keep.ExpiresAt = old.ExpiresAt.Add(48 * time.Hour)
	storetest.CreateIncident(t, s, old)
	storetest.CreateIncident(t, s, keep)
	if _, err := s.Sweep(old.ExpiresAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := storetest.AllIncidents(t, s, meldwijzer.IncidentFilter{Institution: "inst-a"})
	if len(got) != 1 || got[0].ID != keep.ID {
		t.Fatalf("after the sweep: %d incidents, want only %s", len(got), keep.ID)
	}
	counts, _ := s.IncidentCounts(t.Context(), "inst-a", "2025-03", "2025-03")
	for _, c := range counts {
		if c.Dimension == "total" && c.N != 2 {
			t.Fatalf("the sweep changed the counters: %+v", c)
		}
	}
	_, _, created, err := s.CreateIncident(t.Context(), old, storetest.NewIncidentIdempotency(old, old.ID))
	if err != nil || !created {
		t.Fatalf("the swept incident's key: created %v, %v", created, err)
	}
}
