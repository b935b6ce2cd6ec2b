package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/store/bolt"
	"meldwijzer/store/storetest"
)

func TestAuditContract(t *testing.T) {
	storetest.RunAudit(t, func(t *testing.T) meldwijzer.AuditLog {
		s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	})
}

func TestAuditDefaultLimit(t *testing.T) {
	if bolt.DefaultLimit != storetest.DefaultAuditLimit {
		t.Fatalf("bolt.DefaultLimit %d, the contract's default %d", bolt.DefaultLimit, storetest.DefaultAuditLimit)
	}
}

// TestAuditRestart: entries and cursors survive closing and opening the file, and appends after
// the restart keep their order after the entries from before (the sequence is in the file).
func TestAuditRestart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "meldwijzer.db")
	s := open(t, path)
	var appended []meldwijzer.AuditEntry
	for i := range 7 {
		appended = append(appended, storetest.NewAuditEntry("roc-alfa", i, storetest.Base))
	}
	storetest.Append(t, s, appended...)
	storetest.Append(t, s, storetest.NewAuditEntry("roc-bravo", 99, storetest.Base))
	first, cursor, err := s.Audit(ctx, "roc-alfa", "", 3)
	if err != nil || cursor == "" {
		t.Fatalf("first page: cursor %q, %v", cursor, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	defer s.Close()
	want := storetest.SortAuditNewestFirst(appended)
	if d := storetest.AuditListDiff(want, storetest.AllAudit(t, s, "roc-alfa", 2)); d != "" {
		t.Fatalf("entries after restart:\n%s", d)
	}
	// A cursor from before the restart continues where it was.
	rest, _, err := s.Audit(ctx, "roc-alfa", cursor, 3)
	if err != nil {
		t.Fatalf("a cursor from before the restart: %v", err)
	}
	if d := storetest.AuditListDiff(want[:3], first); d != "" {
		t.Fatalf("first page:\n%s", d)
	}
	if d := storetest.AuditListDiff(want[3:6], rest); d != "" {
		t.Fatalf("page after restart:\n%s", d)
	}
	// Entries appended after the restart at the same time come before the older ones.
	more := storetest.NewAuditEntry("roc-alfa", 7, storetest.Base)
	storetest.Append(t, s, more)
	appended = append(appended, more)
	if d := storetest.AuditListDiff(storetest.SortAuditNewestFirst(appended), storetest.AllAudit(t, s, "roc-alfa", 100)); d != "" {
		t.Fatalf("entries after an append after the restart:\n%s", d)
	}
	if got := storetest.AllAudit(t, s, "roc-bravo", 10); len(got) != 1 {
		t.Fatalf("roc-bravo has %d entries after restart, want 1", len(got))
	}
}

// TestAuditOutlivesSweep: deleting reports at the end of their retention leaves the audit log
// of those reports as it was.
func TestAuditOutlivesSweep(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	defer s.Close()
	r := storetest.CreateN(t, s, "roc-alfa", 1, 1, storetest.Base)[0]
	closeAt := storetest.Base.Add(time.Hour)
	if _, err := s.SetStatus(ctx, "roc-alfa", r.ID, meldwijzer.StatusClosed, closeAt, time.Hour); err != nil {
		t.Fatal(err)
	}
	entries := []meldwijzer.AuditEntry{
		{Institution: "roc-alfa", At: storetest.Base, Actor: "staff-1", Role: "handler", Action: meldwijzer.AuditRead, ReportID: r.ID},
		{Institution: "roc-alfa", At: closeAt, Actor: "staff-1", Role: "handler", Action: meldwijzer.AuditStatus, ReportID: r.ID, Detail: meldwijzer.StatusClosed},
	}
	storetest.Append(t, s, entries...)
	if n, err := s.Sweep(closeAt.Add(100 * 365 * 24 * time.Hour)); err != nil || n != 1 {
		t.Fatalf("Sweep: %d, %v; want 1", n, err)
	}
	if d := storetest.AuditListDiff(storetest.SortAuditNewestFirst(entries), storetest.AllAudit(t, s, "roc-alfa", 10)); d != "" {
		t.Fatalf("audit log after Sweep:\n%s", d)
	}
}

// TestAuditCursorKinds: a Reports cursor is no audit cursor, and an audit cursor no Reports
// cursor, though the store signs both with one key.
func TestAuditCursorKinds(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	defer s.Close()
	storetest.CreateN(t, s, "roc-alfa", 1, 3, storetest.Base)
	for i := range 3 {
		storetest.Append(t, s, storetest.NewAuditEntry("roc-alfa", i, storetest.Base))
	}
	_, reportsCursor, err := s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-alfa", Limit: 1})
	if err != nil || reportsCursor == "" {
		t.Fatalf("Reports: cursor %q, %v", reportsCursor, err)
	}
	_, auditCursor, err := s.Audit(ctx, "roc-alfa", "", 1)
	if err != nil || auditCursor == "" {
		t.Fatalf("Audit: cursor %q, %v", auditCursor, err)
	}
	_, _, err = s.Audit(ctx, "roc-alfa", reportsCursor, 1)
	storetest.WantCode(t, "Audit with a Reports cursor", err, meldwijzer.EINVALID)
	_, _, err = s.Reports(ctx, meldwijzer.ReportFilter{Institution: "roc-alfa", Limit: 1, Cursor: auditCursor})
	storetest.WantCode(t, "Reports with an audit cursor", err, meldwijzer.EINVALID)
}

func TestAuditClosedStore(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "meldwijzer.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err := s.AppendAudit(t.Context(), storetest.NewAuditEntry("roc-alfa", 1, storetest.Base))
	if code := meldwijzer.ErrorCode(err); err == nil || code != meldwijzer.EINTERNAL {
		t.Fatalf("AppendAudit on a closed store: %v (code %s), want internal", err, code)
	}
	if _, _, err := s.Audit(t.Context(), "roc-alfa", "", 10); meldwijzer.ErrorCode(err) != meldwijzer.EINTERNAL {
		t.Fatalf("Audit on a closed store: %v, want internal", err)
	}
}
