package meldpunt

import (
	"context"
	"strings"

	"meldwijzer"
	"meldwijzer/seal"
)

// Case work: a case's assignee and its internal notes. Like every other read and write of a
// report by staff, each is audited before it is written, and a request that fails its checks
// changes nothing, not even the audit log.

// Assign makes assignee (a handler's name as their token gives it; "" for nobody) the
// report's handler. A handover when a handler leaves is an Assign per open case, each in the
// audit log.
func (s *Service) Assign(ctx context.Context, who Staff, id, assignee string) (*meldwijzer.Report, error) {
	if err := meldwijzer.CheckAssignee(assignee); err != nil {
		return nil, err
	}
	r, err := s.store.Report(ctx, who.Institution, id)
	if err != nil {
		return nil, err
	}
	if r.Expired(s.now()) {
		return nil, meldwijzer.ErrReportExpired
	}
	if err := s.audit(ctx, who, meldwijzer.AuditAssign, id, assignee); err != nil {
		return nil, err
	}
	r, err = s.store.SetAssignee(ctx, who.Institution, id, assignee, s.now().UTC())
	if err != nil {
		return nil, err
	}
	if err := s.openReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// CheckNote says what is wrong with a note's text, if anything, before any other work.
func CheckNote(text string) error {
	return validText("text", strings.TrimSpace(text), meldwijzer.MaxNoteLength)
}

// AddNote adds a handler's internal note to a report: it is kept beside the messages and
// deleted with them, and never shown to the reporter. It returns the note and the report as it
// is now.
func (s *Service) AddNote(ctx context.Context, who Staff, id, text string) (*meldwijzer.Note, *meldwijzer.Report, error) {
	text = strings.TrimSpace(text)
	if err := CheckNote(text); err != nil {
		return nil, nil, err
	}
	r, err := s.store.Report(ctx, who.Institution, id)
	if err != nil {
		return nil, nil, err
	}
	n := meldwijzer.Note{Author: who.Subject, Text: text, At: Day(s.now())}
	if r.Expired(s.now()) {
		return nil, nil, meldwijzer.ErrReportExpired
	}
	if err := r.CanAddNote(n); err != nil {
		return nil, nil, err
	}
	if err := s.audit(ctx, who, meldwijzer.AuditNote, id, ""); err != nil {
		return nil, nil, err
	}
	sealed := n
	var box *seal.Box
	if sealed.Text, box, err = s.sealText(ctx, who.Institution, id, seal.FieldNote, n.Text); err != nil {
		return nil, nil, err
	}
	r, err = s.store.AddNote(ctx, who.Institution, id, sealed)
	if err != nil {
		return nil, nil, err
	}
	if err := s.openReportWith(ctx, r, box); err != nil {
		return nil, nil, err
	}
	return &n, r, nil
}

// inboxFilter is the store's filter for an inbox query at the service's now: overdue lists the
// cases past their next deadline, by deadline.
func (s *Service) inboxFilter(who Staff, q InboxQuery) (meldwijzer.ReportFilter, error) {
	f := meldwijzer.ReportFilter{Institution: who.Institution, Status: q.Status, Cursor: q.Cursor, Limit: q.Limit, Sort: q.Sort}
	if q.Overdue {
		f.Sort, f.DueBefore = meldwijzer.SortDeadline, s.now().UTC()
	}
	return f, f.ValidateSort()
}
