package bolt_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/store/bolt"
	"meldwijzer/store/storetest"
)

func open(t *testing.T, path string) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) meldwijzer.ReportStore {
		s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	})
}

func TestFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "meldwijzer.db")
	s := open(t, path)
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Fatalf("file mode %o, want 600", mode)
	}
}

func TestRestart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "meldwijzer.db")
	s := open(t, path)
	reports := storetest.CreateN(t, s, "roc-alfa", 1, 5, storetest.Base)
	first := reports[0]
	msg := meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "We kijken ernaar.", At: storetest.Base.Add(time.Hour)}
	want, err := s.AddMessage(ctx, "roc-alfa", first.ID, msg)
	if err != nil {
		t.Fatal(err)
	}
	closed, err := s.SetStatus(ctx, "roc-alfa", reports[1].ID, meldwijzer.StatusClosed, storetest.Base.Add(2*time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	month := storetest.Base.Format("2006-01")
	counts := storetest.CountMap(t, s, "roc-alfa", month, month)
	_, cursor, err := s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-alfa", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	defer s.Close()
	if d := storetest.ReportDiff(want, storetest.MustReport(t, s, "roc-alfa", first.ID)); d != "" {
		t.Fatalf("report after restart:\n%s", d)
	}
	if d := storetest.ReportDiff(closed, storetest.MustReport(t, s, "roc-alfa", closed.ID)); d != "" {
		t.Fatalf("closed report after restart:\n%s", d)
	}
	byReceipt, err := s.ReportByReceipt(ctx, first.ReceiptHash)
	if err != nil || byReceipt.ID != first.ID {
		t.Fatalf("ReportByReceipt after restart: %v", err)
	}
	// A retry of the first request after the restart creates nothing.
	retry := storetest.NewReport("roc-alfa", 99, storetest.Base.Add(3*time.Hour))
	idem := storetest.NewIdempotency(retry, "key-1")
	stored, record, created, err := s.CreateReport(ctx, retry, idem)
	if err != nil || created {
		t.Fatalf("retry after restart: created %v, %v", created, err)
	}
	if stored.ID != first.ID || record.ReportID != first.ID {
		t.Fatalf("retry after restart returned %s (record %s), want %s", stored.ID, record.ReportID, first.ID)
	}
	if d := storetest.IdempotencyDiff(storetest.NewIdempotency(first, "key-1"), record); d != "" {
		t.Fatalf("record after restart:\n%s", d)
	}
	if got := storetest.AllReports(t, s, meldwijzer.ReportFilter{Institution: "roc-alfa", Limit: 2}); len(got) != 5 {
		t.Fatalf("%d reports after restart, want 5", len(got))
	}
	if d := countsDiff(counts, storetest.CountMap(t, s, "roc-alfa", month, month)); d != "" {
		t.Fatalf("counts after restart:\n%s", d)
	}
	// Cursors outlive a restart (the cursor key is in the file).
	if rs, _, err := s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-alfa", Limit: 2, Cursor: cursor}); err != nil || len(rs) != 2 {
		t.Fatalf("a cursor from before the restart: %d reports, %v", len(rs), err)
	}
}

func TestSweep(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "meldwijzer.db")
	s := open(t, path)
	defer s.Close()
	const inst = "roc-alfa"
	reports := storetest.CreateN(t, s, inst, 1, 4, storetest.Base)
	closeAt := storetest.Base.Add(time.Hour)
	// Report 1 closes with a day of retention, report 2 with a week, report 3 closes and is
	// reopened, report 4 stays open.
	for _, c := range []struct {
		i         int
		retention time.Duration
	}{{0, 24 * time.Hour}, {1, 7 * 24 * time.Hour}, {2, 24 * time.Hour}} {
		if _, err := s.SetStatus(ctx, inst, reports[c.i].ID, meldwijzer.StatusClosed, closeAt, c.retention); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetStatus(ctx, inst, reports[2].ID, meldwijzer.StatusInProgress, closeAt.Add(time.Minute), 0); err != nil {
		t.Fatal(err)
	}
	all := "0000-00"
	counts := storetest.CountMap(t, s, inst, all, "9999-99")

	steps := []struct {
		name    string
		now     time.Time
		deleted int
		gone    []int
	}{
		{"before any expiry", closeAt.Add(time.Hour), 0, nil},
		{"exactly at the first expiry", closeAt.Add(24 * time.Hour), 0, nil},
		{"after the first expiry", closeAt.Add(24*time.Hour + time.Millisecond), 1, []int{0}},
		{"again: nothing more", closeAt.Add(25 * time.Hour), 0, []int{0}},
		{"after the second expiry", closeAt.Add(8 * 24 * time.Hour), 1, []int{0, 1}},
		{"much later: open reports stay", closeAt.Add(10 * 365 * 24 * time.Hour), 0, []int{0, 1}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			n, err := s.Sweep(st.now)
			if err != nil {
				t.Fatal(err)
			}
			if n != st.deleted {
				t.Fatalf("Sweep deleted %d, want %d", n, st.deleted)
			}
			gone := map[int]bool{}
			for _, i := range st.gone {
				gone[i] = true
			}
			for i, r := range reports {
				_, err := s.Report(ctx, inst, r.ID)
				_, rerr := s.ReportByReceipt(ctx, r.ReceiptHash)
				if gone[i] {
					storetest.WantCode(t, "Report of a swept report", err, meldwijzer.ENOTFOUND)
					storetest.WantCode(t, "ReportByReceipt of a swept report", rerr, meldwijzer.ENOTFOUND)
				} else if err != nil || rerr != nil {
					t.Fatalf("report %d was swept too early: %v, %v", i, err, rerr)
				}
			}
			if got := storetest.AllReports(t, s, meldwijzer.ReportFilter{Institution: inst, Limit: 3}); len(got) != len(reports)-len(st.gone) {
				t.Fatalf("%d reports listed, want %d", len(got), len(reports)-len(st.gone))
			}
			if d := countsDiff(counts, storetest.CountMap(t, s, inst, all, "9999-99")); d != "" {
				t.Fatalf("Sweep changed the counts:\n%s", d)
			}
		})
	}

}

func TestSweepTakesIdempotencyRecord(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	defer s.Close()
	r := storetest.NewReport("roc-alfa", 1, storetest.Base)
	idem := storetest.NewIdempotency(r, "key")
	storetest.Create(t, s, r, idem)
	closeAt := storetest.Base.Add(time.Hour)
	if _, err := s.SetStatus(ctx, "roc-alfa", r.ID, meldwijzer.StatusClosed, closeAt, time.Hour); err != nil {
		t.Fatal(err)
	}
	now := closeAt.Add(2 * time.Hour)
	if !now.Before(idem.ExpiresAt) {
		t.Fatal("test bug: the record's own expiry must be later")
	}
	if n, err := s.Sweep(now); err != nil || n != 1 {
		t.Fatalf("Sweep: %d, %v; want 1", n, err)
	}
	// The record went with the report, although its own expiry is later: the key is free.
	r2 := storetest.NewReport("roc-alfa", 2, now)
	if _, _, created, err := s.CreateReport(ctx, r2, storetest.NewIdempotency(r2, "key")); err != nil || !created {
		t.Fatalf("CreateReport with the swept key: created %v, %v", created, err)
	}
}

func TestSweepIdempotencyOwnExpiry(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	defer s.Close()
	r := storetest.NewReport("roc-alfa", 1, storetest.Base)
	idem := storetest.NewIdempotency(r, "key")
	storetest.Create(t, s, r, idem)
	retry := func(n int) bool {
		t.Helper()
		r2 := storetest.NewReport("roc-alfa", n, storetest.Base.Add(40*24*time.Hour))
		_, _, created, err := s.CreateReport(ctx, r2, storetest.NewIdempotency(r2, "key"))
		if err != nil {
			t.Fatal(err)
		}
		return created
	}
	if n, err := s.Sweep(idem.ExpiresAt.Add(-time.Millisecond)); err != nil || n != 0 {
		t.Fatalf("Sweep before expiry: %d, %v", n, err)
	}
	if retry(2) {
		t.Fatal("a retry within the key's lifetime created a report")
	}
	if n, err := s.Sweep(idem.ExpiresAt.Add(time.Millisecond)); err != nil || n != 0 {
		t.Fatalf("Sweep after the key's expiry: %d reports deleted, %v; want 0 (the report stays)", n, err)
	}
	storetest.MustReport(t, s, "roc-alfa", r.ID)
	if !retry(3) {
		t.Fatal("the key's record was not deleted at its own expiry")
	}
	// The first report, closed and swept later, does not take the new record with it.
	if _, err := s.SetStatus(ctx, "roc-alfa", r.ID, meldwijzer.StatusClosed, storetest.Base.Add(50*24*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Sweep(storetest.Base.Add(51 * 24 * time.Hour)); err != nil || n != 1 {
		t.Fatalf("Sweep: %d, %v; want 1", n, err)
	}
	if retry(4) {
		t.Fatal("sweeping the old report deleted the key's new record")
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meldwijzer.db")
	s := open(t, path)
	defer s.Close()
	start := time.Now()
	s2, err := bolt.Open(path)
	elapsed := time.Since(start)
	if err == nil {
		s2.Close()
		t.Fatal("a second Open of an open store succeeded")
	}
	if elapsed > 3*time.Second {
		t.Fatalf("the second Open took %s", elapsed)
	}
	if !strings.Contains(err.Error(), "another meldwijzer process has this store open") || !strings.Contains(err.Error(), path) {
		t.Fatalf("unclear error: %v", err)
	}
	t.Logf("second Open failed after %s: %v", elapsed.Round(time.Millisecond), err)
}

func TestClosedStore(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Report(t.Context(), "roc-alfa", "r1")
	if err == nil {
		t.Fatal("no error from a closed store")
	}
	if code := meldwijzer.ErrorCode(err); code != meldwijzer.EINTERNAL {
		t.Fatalf("code %s, want internal", code)
	}
	if msg := meldwijzer.ErrorMessage(err); strings.Contains(msg, "bolt") || strings.Contains(msg, "database") {
		t.Fatalf("the message shown leaks the store: %q", msg)
	}
}

func TestCreateInvalid(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	defer s.Close()
	ok := func() (*meldwijzer.Report, *meldwijzer.Idempotency) {
		r := storetest.NewReport("roc-alfa", 1, storetest.Base)
		return r, storetest.NewIdempotency(r, "key")
	}
	cases := []struct {
		name   string
		change func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency)
	}{
		{"nil report", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			return nil, i
		}},
		{"nil record", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			return r, nil
		}},
		{"no id", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			r.ID, i.ReportID = "", ""
			return r, i
		}},
		{"no institution", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			r.Institution = ""
			return r, i
		}},
		{"no key", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			i.KeyHash = ""
			return r, i
		}},
		{"record of another report", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			i.ReportID = "other"
			return r, i
		}},
		{"no creation time", func(r *meldwijzer.Report, i *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency) {
			r.CreatedAt = time.Time{}
			return r, i
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, i := tc.change(ok())
			_, _, _, err := s.CreateReport(t.Context(), r, i)
			storetest.WantCode(t, "CreateReport", err, meldwijzer.EINVALID)
		})
	}
	if got := storetest.AllReports(t, s, meldwijzer.ReportFilter{Institution: "roc-alfa", Limit: 10}); len(got) != 0 {
		t.Fatalf("%d reports after invalid creates", len(got))
	}
}

func countsDiff(want, got map[meldwijzer.CountKey]int) string {
	var d []string
	for k, w := range want {
		if got[k] != w {
			d = append(d, k.Month+" "+k.Dimension+" "+k.Value)
		}
	}
	if len(got) != len(want) {
		d = append(d, "different number of counts")
	}
	return strings.Join(d, "\n")
}

// TestMigrateOpenAndDue: a file written before the open index and the deadline counts gets
// both on open, from its reports, and then lists and counts like a new one.
func TestMigrateOpenAndDue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meldwijzer.db")
	s := open(t, path)
	var ids []string
	for n := 1; n <= 5; n++ {
		r := storetest.NewReport("roc-a", n, storetest.Base.Add(time.Duration(n)*24*time.Hour))
		storetest.Create(t, s, r, storetest.NewIdempotency(r, "key-"+r.ID))
		ids = append(ids, r.ID)
	}
	for i, status := range []string{meldwijzer.StatusClosed, meldwijzer.StatusInProgress} {
		if _, err := s.SetStatus(t.Context(), "roc-a", ids[i], status, storetest.Base.Add(time.Hour), 365*24*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	wantOpen := storetest.AllReports(t, s, meldwijzer.ReportFilter{Institution: "roc-a", Status: meldwijzer.StatusOpen})
	wantDue, err := s.Due(t.Context(), "roc-a")
	if err != nil || len(wantOpen) != 4 || len(wantDue) == 0 {
		t.Fatalf("before: %d open, due %v, %v", len(wantOpen), wantDue, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Make it an older file: no open index, no deadline counts.
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		inst := tx.Bucket([]byte("inst")).Bucket([]byte("roc-a"))
		return errors.Join(inst.DeleteBucket([]byte("open")), inst.DeleteBucket([]byte("due")))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	defer s.Close()
	gotOpen := storetest.AllReports(t, s, meldwijzer.ReportFilter{Institution: "roc-a", Status: meldwijzer.StatusOpen, Limit: 1})
	if len(gotOpen) != len(wantOpen) {
		t.Fatalf("after: %d open, want %d", len(gotOpen), len(wantOpen))
	}
	for i := range wantOpen {
		if d := storetest.ReportDiff(wantOpen[i], gotOpen[i]); d != "" {
			t.Fatalf("open report %d:\n%s", i, d)
		}
	}
	gotDue, err := s.Due(t.Context(), "roc-a")
	if err != nil {
		t.Fatal(err)
	}
	now := storetest.Base.Add(200 * 24 * time.Hour)
	if w, g := meldwijzer.CountCases(wantDue, now), meldwijzer.CountCases(gotDue, now); w != g || len(gotDue) != len(wantDue) {
		t.Fatalf("after: due %v (cases %+v), want %v (cases %+v)", gotDue, g, wantDue, w)
	}
}

func TestInstitutionContract(t *testing.T) {
	storetest.RunInstitutions(t, func(t *testing.T) meldwijzer.InstitutionStore {
		s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestInstitutionReadContract(t *testing.T) {
	storetest.RunInstitutionReads(t, func(t *testing.T) (meldwijzer.InstitutionStore, meldwijzer.InstitutionReader) {
		s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
		t.Cleanup(func() { s.Close() })
		return s, s
	})
}
