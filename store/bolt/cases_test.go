package bolt_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/store/storetest"
)

// TestMigrateDeadline: a file written before the deadline index gets it on open, from its
// reports, and then lists by deadline like a new one.
func TestMigrateDeadline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meldwijzer.db")
	s := open(t, path)
	var ids []string
	for n := 1; n <= 6; n++ {
		r := storetest.NewReport("roc-a", n, storetest.Base.Add(time.Duration(n)*24*time.Hour))
		storetest.Create(t, s, r, storetest.NewIdempotency(r, "key-"+r.ID))
		ids = append(ids, r.ID)
	}
	if _, err := s.SetStatus(t.Context(), "roc-a", ids[0], meldwijzer.StatusClosed, storetest.Base.Add(time.Hour), 365*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMessage(t.Context(), "roc-a", ids[3], meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Gelezen.", At: storetest.Base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	f := meldwijzer.ReportFilter{Institution: "roc-a", Sort: meldwijzer.SortDeadline, Limit: 2}
	want := storetest.AllReports(t, s, f)
	if len(want) != 5 {
		t.Fatalf("before: %d by deadline, want 5", len(want))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("inst")).Bucket([]byte("roc-a")).DeleteBucket([]byte("deadline"))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	defer s.Close()
	got := storetest.AllReports(t, s, f)
	if len(got) != len(want) {
		t.Fatalf("after: %d by deadline, want %d", len(got), len(want))
	}
	for i := range want {
		if d := storetest.ReportDiff(want[i], got[i]); d != "" {
			t.Fatalf("report %d:\n%s", i, d)
		}
	}
}
