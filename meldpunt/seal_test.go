package meldpunt_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
)

// recordingKeys is the real key store, recording which keys were made and deleted.
type recordingKeys struct {
	*bolt.Keys
	mu           sync.Mutex
	put, deleted []meldwijzer.KeyRef
}

func (k *recordingKeys) PutKey(ctx context.Context, ref meldwijzer.KeyRef, w []byte) error {
	k.mu.Lock()
	k.put = append(k.put, ref)
	k.mu.Unlock()
	return k.Keys.PutKey(ctx, ref, w)
}

func (k *recordingKeys) DeleteKey(ctx context.Context, ref meldwijzer.KeyRef) error {
	k.mu.Lock()
	k.deleted = append(k.deleted, ref)
	k.mu.Unlock()
	return k.Keys.DeleteKey(ctx, ref)
}

type fixture struct {
	svc   *meldpunt.Service
	store *bolt.Store
	keys  *recordingKeys
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := bolt.Open(filepath.Join(dir, "meldwijzer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	bk, err := bolt.OpenKeys(filepath.Join(dir, "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bk.Close() })
	w, err := keyfile.Load(filepath.Join(dir, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := meldpunt.NewKeys(meldpunt.NewMasterSecret())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, keys: &recordingKeys{Keys: bk}, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	f.svc = meldpunt.New(meldpunt.Config{Store: store, AuditLog: store, Keys: keys, Sealer: seal.New(w, f.keys),
		Institution: func(string) bool { return true }, Now: func() time.Time { return f.now }})
	return f
}

var handler = meldpunt.Staff{Institution: "roc-a", Subject: "h1", Role: auth.RoleHandler}

func submission(text string) meldpunt.Submission {
	return meldpunt.Submission{Audience: "student", Lang: "nl", Theme: "pesten", Where: "school", Description: text, FollowUp: true}
}

// The store keeps only ciphertext; the service reads it back as written.
func TestStoredTextIsSealed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.svc.Submit(ctx, "roc-a", "key-0000000000000001", submission("ze schelden me uit"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Description != "ze schelden me uit" {
		t.Errorf("Submit answers with %q", res.Report.Description)
	}
	if _, _, err := f.svc.Reply(ctx, handler, res.Report.ID, "we bellen je"); err != nil {
		t.Fatal(err)
	}
	n, withNote, err := f.svc.AddNote(ctx, handler, res.Report.ID, "mentor gebeld")
	if err != nil || n.Text != "mentor gebeld" || withNote.Notes[0].Text != "mentor gebeld" {
		t.Fatalf("AddNote = %+v, %+v, %v", n, withNote, err)
	}
	raw, err := f.store.Report(ctx, "roc-a", res.Report.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !seal.Sealed(raw.Description) || len(raw.Messages) != 1 || !seal.Sealed(raw.Messages[0].Text) ||
		len(raw.Notes) != 1 || !seal.Sealed(raw.Notes[0].Text) {
		t.Fatalf("stored: %q, %+v, %+v", raw.Description, raw.Messages, raw.Notes)
	}
	got, err := f.svc.Case(ctx, handler, res.Report.ID)
	if err != nil || got.Description != "ze schelden me uit" || got.Messages[0].Text != "we bellen je" || got.Notes[0].Text != "mentor gebeld" {
		t.Fatalf("Case = %+v, %v", got, err)
	}
	self, err := f.svc.Self(ctx, res.Receipt)
	if err != nil || self.Messages[0].Text != "we bellen je" {
		t.Fatalf("Self = %+v, %v", self, err)
	}
	page, _, err := f.svc.Inbox(ctx, handler, meldpunt.InboxQuery{})
	if err != nil || len(page) != 1 || page[0].Description != "" || page[0].Messages[0].Text != "" || page[0].Notes[0].Text != "" {
		t.Errorf("the inbox carries text: %+v, %v", page, err)
	}
}

// A retry with the same Idempotency-Key gets the first report; the key made for the retry is
// deleted, the first report's key stays.
func TestRetryLeavesNoStrayKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first, err := f.svc.Submit(ctx, "roc-a", "key-0000000000000002", submission("eerste"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.Submit(ctx, "roc-a", "key-0000000000000002", submission("eerste"))
	if err != nil || again.Created || again.Report.ID != first.Report.ID || again.Report.Description != "eerste" {
		t.Fatalf("retry = %+v, %v", again, err)
	}
	if len(f.keys.put) != 2 || len(f.keys.deleted) != 1 || f.keys.deleted[0] != f.keys.put[1] || f.keys.put[1].ID == first.Report.ID {
		t.Fatalf("keys made %v, deleted %v: want the retry's key deleted", f.keys.put, f.keys.deleted)
	}
	if _, err := f.keys.Key(ctx, meldpunt.ReportKey("roc-a", first.Report.ID)); err != nil {
		t.Fatalf("the first report's key: %v", err)
	}
}

// A report stored before sealing existed reads as it was; its first new message is sealed under
// a key made then.
func TestUnsealedReportStillWorks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	old := &meldwijzer.Report{ID: "old1", Institution: "roc-a", Audience: "student", Lang: "nl", Theme: "pesten", Where: "school",
		Description: "oude melding", Status: meldwijzer.StatusReceived, CreatedAt: day, UpdatedAt: day,
		AcknowledgeBy: day.Add(meldwijzer.AcknowledgeWithin), FeedbackBy: day.AddDate(0, 3, 0)}
	if _, _, _, err := f.store.CreateReport(ctx, old, &meldwijzer.Idempotency{KeyHash: "h-old1", ReportID: "old1", CreatedAt: day}); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Case(ctx, handler, "old1")
	if err != nil || got.Description != "oude melding" {
		t.Fatalf("Case of an unsealed report = %+v, %v", got, err)
	}
	if _, _, err := f.svc.Reply(ctx, handler, "old1", "nieuw antwoord"); err != nil {
		t.Fatal(err)
	}
	raw, _ := f.store.Report(ctx, "roc-a", "old1")
	if raw.Description != "oude melding" || !seal.Sealed(raw.Messages[0].Text) {
		t.Fatalf("stored after the reply: %q, %q", raw.Description, raw.Messages[0].Text)
	}
	got, err = f.svc.Case(ctx, handler, "old1")
	if err != nil || got.Description != "oude melding" || got.Messages[0].Text != "nieuw antwoord" {
		t.Fatalf("Case after the reply = %+v, %v", got, err)
	}
}

// Closing gives the key the report's expiry; reopening takes it away; once the key is swept a
// report (say, restored from a backup) shows no text.
func TestClosingExpiresTheKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.svc.Submit(ctx, "roc-a", "key-0000000000000003", submission("tekst"))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Report.ID
	closed, err := f.svc.SetStatus(ctx, handler, id, meldwijzer.StatusClosed)
	if err != nil || closed.ExpiresAt.IsZero() || closed.Description != "tekst" {
		t.Fatalf("close = %+v, %v", closed, err)
	}
	if _, err := f.svc.SetStatus(ctx, handler, id, meldwijzer.StatusInProgress); err != nil {
		t.Fatal(err)
	}
	if n, err := f.keys.SweepKeys(ctx, closed.ExpiresAt.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("after reopening the sweep deleted %d keys (%v), want 0", n, err)
	}
	closed, err = f.svc.SetStatus(ctx, handler, id, meldwijzer.StatusClosed)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.keys.SweepKeys(ctx, closed.ExpiresAt.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("the sweep after closing deleted %d keys (%v), want 1", n, err)
	}
	if _, err := f.keys.Key(ctx, meldpunt.ReportKey("roc-a", id)); !errors.Is(err, meldwijzer.ErrKeyNotFound) {
		t.Fatalf("key after the sweep: %v", err)
	}
	// Before retention ends the report is still there (the clock has not moved), but its text
	// cannot be opened: the service shows none rather than failing.
	got, err := f.svc.Case(ctx, handler, id)
	if err != nil || got.Description != "" {
		t.Fatalf("Case without a key = %q, %v; want no text", got.Description, err)
	}
}

// An incident's note is sealed with a key of the incident's own, which expires with it: the
// store keeps ciphertext, the employee reads the note, a retry leaves no stray key, and once the
// key is gone (retention, or a copy from a backup) the note is gone too.
func TestIncidentNoteIsSealed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	keys, err := meldpunt.NewKeys(meldpunt.NewMasterSecret())
	if err != nil {
		t.Fatal(err)
	}
	w, err := keyfile.Load(filepath.Join(t.TempDir(), "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	svc := meldpunt.New(meldpunt.Config{Store: f.store, AuditLog: f.store, Keys: keys, Sealer: seal.New(w, f.keys), Incidents: f.store,
		Institution: func(string) bool { return true }, Now: func() time.Time { return f.now }})
	employee := meldpunt.Staff{Institution: "roc-a", Subject: "e1", Role: auth.RoleStaff}
	serious := false
	reg := meldpunt.Registration{Day: "2026-03-02", Theme: "agressie", Where: "school", Involved: []string{"student"},
		Categories: []string{"threat"}, Serious: &serious, Actions: []string{}, Note: "Notitie-ooievaar-771 geen namen"}
	in, created, err := svc.RegisterIncident(ctx, employee, "incident-key-000000001", reg)
	if err != nil || !created || in.Note != reg.Note {
		t.Fatalf("RegisterIncident = %+v, %v, %v", in, created, err)
	}
	raw, _, err := f.store.Incidents(ctx, meldwijzer.IncidentFilter{Institution: "roc-a"})
	if err != nil || len(raw) != 1 || !seal.Sealed(raw[0].Note) {
		t.Fatalf("the store keeps %+v, %v; want the note sealed", raw, err)
	}
	ref := meldpunt.IncidentKey("roc-a", in.ID)
	// The key expires with the incident: a sweep the day before keeps it, one after deletes it.
	if n, err := f.keys.SweepKeys(ctx, in.ExpiresAt.Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("a sweep before the incident expires deleted %d keys (%v)", n, err)
	}
	if _, created, err := svc.RegisterIncident(ctx, employee, "incident-key-000000001", reg); err != nil || created {
		t.Fatalf("a retry: created %v, %v", created, err)
	}
	if len(f.keys.deleted) != 1 || f.keys.deleted[0].Kind != meldwijzer.KeyKindIncident || f.keys.deleted[0].ID == in.ID {
		t.Errorf("the retry's stray key: deleted %v", f.keys.deleted)
	}
	mine, _, err := svc.Incidents(ctx, employee, meldpunt.IncidentQuery{})
	if err != nil || len(mine) != 1 || mine[0].Note != reg.Note {
		t.Fatalf("the employee reads %+v, %v", mine, err)
	}
	if n, err := f.keys.SweepKeys(ctx, in.ExpiresAt.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("a sweep after the incident expires deleted %d keys (%v), want its note's key", n, err)
	}
	if _, err := f.keys.Key(ctx, ref); !errors.Is(err, meldwijzer.ErrKeyNotFound) {
		t.Fatalf("the note's key is still there: %v", err)
	}
	mine, _, err = svc.Incidents(ctx, employee, meldpunt.IncidentQuery{})
	if err != nil || len(mine) != 1 || mine[0].Note != "" {
		t.Fatalf("after the key is deleted the employee reads %+v, %v; want no note", mine, err)
	}
}
