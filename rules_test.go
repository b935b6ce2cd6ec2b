package meldwijzer_test

import (
	"slices"
	"testing"
	"time"

	"meldwijzer"
)

func TestOverdue(t *testing.T) {
	created := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	r := func(change func(r *meldwijzer.Report)) *meldwijzer.Report {
		r := &meldwijzer.Report{Status: meldwijzer.StatusReceived, CreatedAt: created,
			AcknowledgeBy: created.Add(meldwijzer.AcknowledgeWithin), FeedbackBy: created.AddDate(0, meldwijzer.FeedbackMonths, 0)}
		if change != nil {
			change(r)
		}
		return r
	}
	cases := []struct {
		name string
		r    *meldwijzer.Report
		now  time.Time
		want []string
	}{
		{"new", r(nil), created.Add(time.Hour), []string{}},
		{"a week on", r(nil), created.Add(8 * 24 * time.Hour), []string{meldwijzer.OverdueAcknowledge}},
		{"acknowledged", r(func(r *meldwijzer.Report) { r.AcknowledgedAt = created.Add(time.Hour) }), created.Add(8 * 24 * time.Hour), []string{}},
		{"four months on", r(nil), created.AddDate(0, 4, 0), []string{meldwijzer.OverdueAcknowledge, meldwijzer.OverdueFeedback}},
		{"closed late", r(func(r *meldwijzer.Report) { r.Status, r.AcknowledgedAt = meldwijzer.StatusClosed, created }), created.AddDate(0, 4, 0), []string{}},
	}
	for _, tc := range cases {
		if got := tc.r.Overdue(tc.now); !slices.Equal(got, tc.want) || got == nil {
			t.Errorf("%s: Overdue = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}

func TestAwaitingAnswer(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	r := &meldwijzer.Report{Status: meldwijzer.StatusReceived}
	if r.AwaitingAnswer() {
		t.Fatal("no messages: awaiting an answer")
	}
	steps := []struct {
		from string
		want bool
	}{{meldwijzer.FromReporter, true}, {meldwijzer.FromInstitution, false}, {meldwijzer.FromReporter, true}}
	for i, st := range steps {
		if err := r.AddMessage(meldwijzer.Message{From: st.from, Text: "x", At: at}); err != nil {
			t.Fatal(err)
		}
		if got := r.AwaitingAnswer(); got != st.want {
			t.Fatalf("after message %d from %s: AwaitingAnswer = %v", i, st.from, got)
		}
	}
	if _, err := r.SetStatus(meldwijzer.StatusClosed, at, time.Hour); err != nil {
		t.Fatal(err)
	}
	if r.AwaitingAnswer() {
		t.Fatal("a closed report awaits an answer")
	}
	if err := r.AddMessage(meldwijzer.Message{From: meldwijzer.FromReporter, Text: "x", At: at}); err != meldwijzer.ErrReportClosed {
		t.Fatalf("a message on a closed report: %v", err)
	}
}
