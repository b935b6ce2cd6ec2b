package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"meldwijzer"
)

// The contract of case work: assignees, internal notes, the institution's answer taking a case
// in progress, and the open reports by next deadline (with the overdue ones).

func testAssignee(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	r := Create(t, s, NewReport(instA, 1, Base), NewIdempotency(NewReport(instA, 1, Base), "key"))
	at := Base.Add(time.Hour)
	want := *r
	for _, a := range []string{"vp-anna", "Jan de Vries (meldpunt)", "vp-anna", ""} {
		got, err := s.SetAssignee(t.Context(), instA, r.ID, a, at)
		if err != nil {
			t.Fatalf("SetAssignee(%q): %v", a, err)
		}
		want.Assignee = a
		if d := ReportDiff(&want, got); d != "" {
			t.Fatalf("SetAssignee(%q) returned:\n%s", a, d)
		}
		if d := ReportDiff(&want, MustReport(t, s, instA, r.ID)); d != "" {
			t.Fatalf("Report() after SetAssignee(%q):\n%s", a, d)
		}
	}
	for _, bad := range []string{" vp", "vp\n", strings.Repeat("a", meldwijzer.MaxAssigneeLength+1), "\xff"} {
		_, err := s.SetAssignee(t.Context(), instA, r.ID, bad, at)
		WantError(t, "SetAssignee(bad)", err, meldwijzer.ErrBadAssignee)
	}
	_, err := s.SetAssignee(t.Context(), instA, "missing", "vp", at)
	WantError(t, "SetAssignee of an unknown report", err, meldwijzer.ErrReportNotFound)
	_, err = s.SetAssignee(t.Context(), instB, r.ID, "vp", at)
	WantError(t, "SetAssignee of another institution's report", err, meldwijzer.ErrReportNotFound)
	// A closed report can be handed over until its retention ends.
	if _, err := s.SetStatus(t.Context(), instA, r.ID, meldwijzer.StatusClosed, at, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SetAssignee(t.Context(), instA, r.ID, "vp-bob", at.Add(time.Hour)); err != nil || got.Assignee != "vp-bob" {
		t.Fatalf("SetAssignee on a closed report = %v, %v", got, err)
	}
	_, err = s.SetAssignee(t.Context(), instA, r.ID, "vp-anna", at.Add(25*time.Hour))
	WantError(t, "SetAssignee past retention", err, meldwijzer.ErrReportExpired)
	if got := MustReport(t, s, instA, r.ID); got.Assignee != "vp-bob" {
		t.Fatalf("a refused SetAssignee changed the assignee to %q", got.Assignee)
	}
}

func testNotes(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	r := NewReport(instA, 1, Base)
	r = Create(t, s, r, NewIdempotency(r, "key"))
	want := *r
	for i, n := range []meldwijzer.Note{
		{Author: "vp-anna", Text: "Gebeld met de stagebegeleider.", At: Base.Add(time.Hour)},
		{Author: "vp-bob", Text: "Tweede notitie — \"vrijdag\" 😟\n<b>", At: Base.Add(2 * time.Hour)},
	} {
		got, err := s.AddNote(t.Context(), instA, r.ID, n)
		if err != nil {
			t.Fatalf("AddNote %d: %v", i, err)
		}
		want.Notes = append(want.Notes, n)
		for what, g := range map[string]*meldwijzer.Report{"AddNote": got, "Report": MustReport(t, s, instA, r.ID)} {
			// A note changes nothing the reporter sees, not even when the report was updated.
			if d := ReportDiff(&want, g); d != "" {
				t.Fatalf("%s after note %d:\n%s", what, i, d)
			}
		}
	}
	// The reporter's read (by receipt) carries the notes as stored; the service never shows them.
	byReceipt, err := s.ReportByReceipt(t.Context(), r.ReceiptHash)
	if err != nil || len(byReceipt.Notes) != 2 || len(byReceipt.Messages) != 0 {
		t.Fatalf("ReportByReceipt = %+v, %v", byReceipt, err)
	}
	_, err = s.AddNote(t.Context(), instA, "missing", meldwijzer.Note{Author: "vp", Text: "x", At: Base})
	WantError(t, "AddNote to an unknown report", err, meldwijzer.ErrReportNotFound)
	_, err = s.AddNote(t.Context(), instB, r.ID, meldwijzer.Note{Author: "vp", Text: "x", At: Base})
	WantError(t, "AddNote to another institution's report", err, meldwijzer.ErrReportNotFound)
	_, err = s.AddNote(t.Context(), instA, r.ID, meldwijzer.Note{Author: "vp", At: Base})
	WantCode(t, "AddNote without text", err, meldwijzer.EINVALID)

	// A closed report takes notes until its retention ends; then they are gone with the text.
	closedAt := Base.Add(24 * time.Hour)
	if _, err := s.SetStatus(t.Context(), instA, r.ID, meldwijzer.StatusClosed, closedAt, 48*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AddNote(t.Context(), instA, r.ID, meldwijzer.Note{Author: "vp", Text: "Afgesloten na gesprek.", At: closedAt}); err != nil || len(got.Notes) != 3 {
		t.Fatalf("AddNote on a closed report = %v, %v", got, err)
	}
	_, err = s.AddNote(t.Context(), instA, r.ID, meldwijzer.Note{Author: "vp", Text: "Te laat.", At: closedAt.Add(48 * time.Hour)})
	WantError(t, "AddNote past retention", err, meldwijzer.ErrReportExpired)
	got := MustReport(t, s, instA, r.ID)
	if len(got.Notes) != 3 {
		t.Fatalf("%d notes after a refused note, want 3", len(got.Notes))
	}
	if !got.Forget(closedAt.Add(48*time.Hour)) || got.Notes != nil || got.Description != "" {
		t.Fatalf("Forget past retention left notes %v", got.Notes)
	}
}

func testNoteLimits(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	r := NewReport(instA, 1, Base)
	r = Create(t, s, r, NewIdempotency(r, "key"))
	for i := range meldwijzer.MaxNotes {
		if _, err := s.AddNote(t.Context(), instA, r.ID, meldwijzer.Note{Author: "vp", Text: "Notitie " + ID(i), At: Base}); err != nil {
			t.Fatalf("note %d: %v", i, err)
		}
	}
	_, err := s.AddNote(t.Context(), instA, r.ID, meldwijzer.Note{Author: "vp", Text: "Eén te veel.", At: Base})
	WantError(t, "one note past MaxNotes", err, meldwijzer.ErrNotesFull)

	// Notes share the item's bytes with the conversation: a full item takes neither.
	r2 := NewReport(instA, 2, Base)
	r2 = Create(t, s, r2, NewIdempotency(r2, "key-2"))
	room := meldwijzer.MaxConversationBytes - len(r2.Description)
	// Each text differs: a store may take the same text twice in a row for a retry.
	big := func(i int) string { return fmt.Sprintf("%04d", i) + strings.Repeat("ü", meldwijzer.MaxNoteLength-4) } // 3996 bytes
	for i := 0; room >= len(big(i)); i++ {
		if i%2 == 0 {
			_, err = s.AddNote(t.Context(), instA, r2.ID, meldwijzer.Note{Author: "vp", Text: big(i), At: Base})
		} else {
			_, err = s.AddMessage(t.Context(), instA, r2.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: big(i), At: Base})
		}
		if err != nil {
			t.Fatalf("write %d with %d bytes of room: %v", i, room, err)
		}
		room -= len(big(i))
	}
	_, err = s.AddNote(t.Context(), instA, r2.ID, meldwijzer.Note{Author: "vp", Text: strings.Repeat("x", room+1), At: Base})
	WantError(t, "a note past the item's bytes", err, meldwijzer.ErrConversationFull)
	_, err = s.AddMessage(t.Context(), instA, r2.ID, meldwijzer.Message{From: meldwijzer.FromReporter, Text: strings.Repeat("x", room+1), At: Base})
	WantError(t, "a message past the item's bytes with notes", err, meldwijzer.ErrConversationFull)
}

// testAnswerTakesInProgress: the institution's answer to a received report takes it in
// progress in the same write, and the listings by status follow; the reporter's does not.
func testAnswerTakesInProgress(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	var ids []string
	for n := 1; n <= 3; n++ {
		r := NewReport(instA, n, Base.Add(time.Duration(n)*time.Minute))
		Create(t, s, r, NewIdempotency(r, "key-"+r.ID))
		ids = append(ids, r.ID)
	}
	at := Base.Add(time.Hour)
	got, err := s.AddMessage(t.Context(), instA, ids[0], meldwijzer.Message{From: meldwijzer.FromReporter, Text: "Hallo?", At: at})
	if err != nil || got.Status != meldwijzer.StatusReceived {
		t.Fatalf("a reporter's message: %v, %v; want received", got, err)
	}
	got, err = s.AddMessage(t.Context(), instA, ids[1], meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "We lezen je melding.", At: at})
	if err != nil || got.Status != meldwijzer.StatusInProgress || !got.AcknowledgedAt.Equal(at) {
		t.Fatalf("the institution's answer: %+v, %v; want in_progress, acknowledged", got, err)
	}
	// Reopened as received while acknowledged: the next answer takes it in progress again.
	for _, st := range []string{meldwijzer.StatusClosed, meldwijzer.StatusReceived} {
		if _, err := s.SetStatus(t.Context(), instA, ids[2], st, at, 24*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	got, err = s.AddMessage(t.Context(), instA, ids[2], meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "We gaan verder.", At: at})
	if err != nil || got.Status != meldwijzer.StatusInProgress {
		t.Fatalf("the answer to a reopened report: %+v, %v; want in_progress", got, err)
	}
	ids2 := func(rs []*meldwijzer.Report) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		slices.Sort(out)
		return out
	}
	for status, want := range map[string][]string{
		meldwijzer.StatusReceived:   {ids[0]},
		meldwijzer.StatusInProgress: {ids[1], ids[2]},
		meldwijzer.StatusOpen:       {ids[0], ids[1], ids[2]},
	} {
		for _, sort := range []string{meldwijzer.SortNewest, meldwijzer.SortDeadline} {
			got := ids2(AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Status: status, Sort: sort, Limit: 1}))
			if !slices.Equal(got, want) {
				t.Fatalf("status %s sort %q = %v, want %v", status, sort, got, want)
			}
		}
	}
	if got := MustReport(t, s, instA, ids[1]); got.Status != meldwijzer.StatusInProgress || len(got.Messages) != 1 {
		t.Fatalf("stored after the answer: %+v", got)
	}
}

// testReportsByDeadline: the open reports by next deadline, paged, with the overdue ones at
// several times and each open status, after answers, status changes and reopening.
func testReportsByDeadline(t *testing.T, open func(t *testing.T) meldwijzer.ReportStore) {
	s := open(t)
	day := 24 * time.Hour
	var ids []string
	for n := 1; n <= 14; n++ {
		// Seven days, two reports each: reports share deadlines.
		r := NewReport(instA, n, Base.Add(time.Duration(n%7)*day+time.Duration(n)*time.Minute))
		Create(t, s, r, NewIdempotency(r, "key-"+r.ID))
		ids = append(ids, r.ID)
	}
	rb := NewReport(instB, 100, Base)
	Create(t, s, rb, NewIdempotency(rb, "key-b"))
	at := Base.Add(3 * day)
	for i, id := range ids {
		var err error
		switch i % 5 {
		case 1:
			_, err = s.AddMessage(t.Context(), instA, id, meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "Gelezen.", At: at})
		case 2:
			_, err = s.SetStatus(t.Context(), instA, id, meldwijzer.StatusClosed, at, 365*day)
		case 3:
			_, err = s.SetStatus(t.Context(), instA, id, meldwijzer.StatusInProgress, at, 365*day)
		case 4:
			if _, err = s.SetStatus(t.Context(), instA, id, meldwijzer.StatusClosed, at, 365*day); err == nil {
				_, err = s.SetStatus(t.Context(), instA, id, meldwijzer.StatusReceived, at, 365*day)
			}
		}
		if err != nil {
			t.Fatalf("report %d: %v", i, err)
		}
	}
	var all []*meldwijzer.Report
	for _, id := range ids {
		all = append(all, MustReport(t, s, instA, id))
	}
	for _, status := range []string{"", meldwijzer.StatusOpen, meldwijzer.StatusReceived, meldwijzer.StatusInProgress} {
		for _, now := range []time.Time{{}, Base, Base.Add(8 * day), Base.Add(12 * day), Base.Add(100 * day)} {
			f := meldwijzer.ReportFilter{Institution: instA, Status: status, Sort: meldwijzer.SortDeadline, DueBefore: now, Limit: 3}
			var want []*meldwijzer.Report
			for _, r := range all {
				by, ok := r.NextDeadline()
				if ok && f.Matches(r.Status) && (now.IsZero() || by.Before(now)) {
					if !now.IsZero() && len(r.Overdue(now)) == 0 {
						t.Fatalf("test bug: %s listed as overdue at %s but Overdue says none", r.ID, now)
					}
					want = append(want, r)
				}
			}
			slices.SortFunc(want, meldwijzer.NextDeadlineFirst)
			got := AllReports(t, s, f)
			if len(got) != len(want) {
				t.Fatalf("status %q before %s: %d reports, want %d", status, now, len(got), len(want))
			}
			for i := range want {
				if d := ReportDiff(want[i], got[i]); d != "" {
					t.Fatalf("status %q before %s, report %d (want %s, got %s):\n%s", status, now, i, want[i].ID, got[i].ID, d)
				}
			}
		}
	}
	if len(AllReports(t, s, meldwijzer.ReportFilter{Institution: instA, Sort: meldwijzer.SortDeadline, DueBefore: Base.Add(-day)})) != 0 {
		t.Fatal("reports overdue before any was created")
	}
	// Cursors are bound to the listing and the institution; closed reports have no deadline.
	_, next, err := s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, Sort: meldwijzer.SortDeadline, Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first deadline page: cursor %q, %v", next, err)
	}
	_, _, err = s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instB, Sort: meldwijzer.SortDeadline, Cursor: next, Limit: 1})
	WantError(t, "another institution's deadline cursor", err, meldwijzer.ErrBadCursor)
	_, _, err = s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, Cursor: next, Limit: 1})
	WantError(t, "a deadline cursor in the newest-first listing", err, meldwijzer.ErrBadCursor)
	_, _, err = s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, Status: meldwijzer.StatusClosed, Sort: meldwijzer.SortDeadline})
	WantError(t, "closed by deadline", err, meldwijzer.ErrClosedDeadline)
	_, _, err = s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, Sort: "oldest"})
	WantError(t, "an unknown sort", err, meldwijzer.ErrBadSort)
	_, _, err = s.Reports(t.Context(), meldwijzer.ReportFilter{Institution: instA, DueBefore: Base})
	WantCode(t, "overdue without the deadline order", err, meldwijzer.EINVALID)
	if got := AllReports(t, s, meldwijzer.ReportFilter{Institution: instB, Sort: meldwijzer.SortDeadline}); len(got) != 1 || got[0].ID != rb.ID {
		t.Fatalf("%s by deadline = %v, want its one report", instB, got)
	}
}
