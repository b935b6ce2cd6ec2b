package meldwijzer_test

import (
	"strings"
	"testing"
	"time"

	"meldwijzer"
)

func TestWaitingOn(t *testing.T) {
	rep := func(status string, follow bool, from ...string) *meldwijzer.Report {
		r := &meldwijzer.Report{Status: status, FollowUp: follow}
		for _, f := range from {
			r.Messages = append(r.Messages, meldwijzer.Message{From: f})
		}
		return r
	}
	for _, tc := range []struct {
		name string
		r    *meldwijzer.Report
		want string
	}{
		{"nobody answered yet", rep(meldwijzer.StatusReceived, true), meldwijzer.WaitingOnInstitution},
		{"the reporter wrote last", rep(meldwijzer.StatusInProgress, true, "institution", "reporter"), meldwijzer.WaitingOnInstitution},
		{"the institution answered last", rep(meldwijzer.StatusInProgress, true, "reporter", "institution"), meldwijzer.WaitingOnReporter},
		{"answered, but the reporter cannot come back", rep(meldwijzer.StatusInProgress, false, "institution"), ""},
		{"not answered, no follow-up", rep(meldwijzer.StatusReceived, false), meldwijzer.WaitingOnInstitution},
		{"closed", rep(meldwijzer.StatusClosed, true, "reporter"), ""},
	} {
		if got := tc.r.WaitingOn(); got != tc.want {
			t.Errorf("%s: WaitingOn = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNextDeadlineAndAnswer(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	r := &meldwijzer.Report{Status: meldwijzer.StatusReceived, FollowUp: true, CreatedAt: day,
		AcknowledgeBy: day.Add(meldwijzer.AcknowledgeWithin), FeedbackBy: day.AddDate(0, 3, 0)}
	if by, ok := r.NextDeadline(); !ok || !by.Equal(r.AcknowledgeBy) {
		t.Fatalf("unacknowledged: next deadline %v %v, want the acknowledge deadline", by, ok)
	}
	if err := r.AddMessage(meldwijzer.Message{From: meldwijzer.FromReporter, Text: "x", At: day}); err != nil || r.Status != meldwijzer.StatusReceived {
		t.Fatalf("the reporter's message changed the status to %s (%v)", r.Status, err)
	}
	if err := r.AddMessage(meldwijzer.Message{From: meldwijzer.FromInstitution, Text: "y", At: day.Add(time.Hour)}); err != nil || r.Status != meldwijzer.StatusInProgress {
		t.Fatalf("the institution's answer left the status %s (%v)", r.Status, err)
	}
	if by, ok := r.NextDeadline(); !ok || !by.Equal(r.FeedbackBy) {
		t.Fatalf("acknowledged: next deadline %v %v, want the feedback deadline", by, ok)
	}
	if _, err := r.SetStatus(meldwijzer.StatusClosed, day.Add(2*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.NextDeadline(); ok {
		t.Fatal("a closed report has a next deadline")
	}
}

func TestAssigneeAndNotes(t *testing.T) {
	for _, tc := range []struct {
		a  string
		ok bool
	}{{"", true}, {"vp-anna", true}, {"Jan de Vries", true}, {" x", false}, {"x ", false}, {"a\tb", false}, {"\xff", false}, {strings.Repeat("é", 200), true}, {strings.Repeat("é", 201), false}} {
		if err := meldwijzer.CheckAssignee(tc.a); (err == nil) != tc.ok {
			t.Errorf("CheckAssignee(%q) = %v", tc.a, err)
		}
	}
	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	r := &meldwijzer.Report{Status: meldwijzer.StatusClosed, Description: "d", ClosedAt: at, ExpiresAt: at.Add(24 * time.Hour)}
	if err := r.AddNote(meldwijzer.Note{Author: "vp", Text: "n", At: at}); err != nil {
		t.Fatalf("a note on a closed report: %v", err)
	}
	if err := r.AddNote(meldwijzer.Note{Author: "vp", Text: "n", At: at.Add(24 * time.Hour)}); err != meldwijzer.ErrReportExpired {
		t.Fatalf("a note past retention: %v", err)
	}
	if _, err := r.SetAssignee("vp", at.Add(24*time.Hour)); err != meldwijzer.ErrReportExpired {
		t.Fatalf("an assignee past retention: %v", err)
	}
	if !r.Forget(at.Add(24*time.Hour)) || r.Notes != nil {
		t.Fatal("Forget kept the notes")
	}
}

func TestFilterSort(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		f  meldwijzer.ReportFilter
		ok bool
	}{
		{meldwijzer.ReportFilter{Institution: "i"}, true},
		{meldwijzer.ReportFilter{Institution: "i", Sort: meldwijzer.SortDeadline}, true},
		{meldwijzer.ReportFilter{Institution: "i", Sort: meldwijzer.SortDeadline, Status: meldwijzer.StatusReceived, DueBefore: now}, true},
		{meldwijzer.ReportFilter{Institution: "i", Sort: meldwijzer.SortDeadline, Status: meldwijzer.StatusClosed}, false},
		{meldwijzer.ReportFilter{Institution: "i", DueBefore: now}, false},
		{meldwijzer.ReportFilter{Institution: "i", Sort: "newest"}, false},
	} {
		if err := tc.f.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v", tc.f, err)
		}
	}
}
