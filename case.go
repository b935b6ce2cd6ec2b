package meldwijzer

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Case work: who handles a report (its assignee), the handlers' internal notes, and the inbox
// ordered by the next deadline. Whistleblowing case teams work from these: a case has one
// owner, notes stay inside the team, and what is due first is at the top.

// Note is an internal note of the institution's handlers on a report. It is never shown to the
// reporter nor to a viewer, and it is deleted with the report's text (Forget, retention). Notes
// are kept beside the messages in the report's record, so that whatever protects the messages'
// text protects theirs.
type Note struct {
	// Author is the handler's token subject.
	Author string
	Text   string
	// At is the day it was written.
	At time.Time
}

// Limits of notes and assignees. Notes share the report's item with the conversation, so their
// bytes count towards MaxConversationBytes.
const (
	MaxNoteLength     = 2000
	MaxNotes          = 40
	MaxAssigneeLength = 200
)

// Audit actions of case work.
const (
	AuditAssign = "assign" // detail: the new assignee ("" unassigned)
	AuditNote   = "note"   // never the note's text
)

// Inbox orders (ReportFilter.Sort).
const (
	SortNewest   = ""         // newest first: the day it arrived, then the order of arrival
	SortDeadline = "deadline" // the next deadline first (NextDeadline); only open reports have one
)

// The errors of case work.
var (
	ErrNotesFull      = &Error{Code: ECONFLICT, Message: "this report has the most notes it can hold: no more notes can be added"}
	ErrBadAssignee    = Errorf(EINVALID, "assignee is a handler's name of at most %d characters, or empty to unassign", MaxAssigneeLength)
	ErrBadSort        = Errorf(EINVALID, "sort must be %q or left out", SortDeadline)
	ErrClosedDeadline = Errorf(EINVALID, "closed reports have no deadline: sort by deadline or ask for overdue reports with status open, received or in_progress")
)

// CaseStore is the part of ReportStore that case work writes.
type CaseStore interface {
	// SetAssignee sets the report's assignee ("" unassigns) as of the day at. ECONFLICT
	// (ErrReportExpired) when its retention period has ended at at.
	SetAssignee(ctx context.Context, institution, id, assignee string, at time.Time) (*Report, error)
	// AddNote appends an internal note (Report.AddNote's rules, with n.At as the time).
	AddNote(ctx context.Context, institution, id string, n Note) (*Report, error)
}

// CheckAssignee says whether a is a valid assignee: empty (nobody), or a printable name of at
// most MaxAssigneeLength characters without leading or trailing spaces.
func CheckAssignee(a string) error {
	if a == "" {
		return nil
	}
	if !utf8.ValidString(a) || utf8.RuneCountInString(a) > MaxAssigneeLength || strings.TrimSpace(a) != a {
		return ErrBadAssignee
	}
	for _, r := range a {
		if !unicode.IsPrint(r) {
			return ErrBadAssignee
		}
	}
	return nil
}

// SetAssignee makes a the report's assignee at time at and says whether anything changed. A
// report past its retention cannot change (ErrReportExpired).
func (r *Report) SetAssignee(a string, at time.Time) (changed bool, err error) {
	if err := CheckAssignee(a); err != nil {
		return false, err
	}
	if r.Expired(at) {
		return false, ErrReportExpired
	}
	if r.Assignee == a {
		return false, nil
	}
	r.Assignee = a
	return true, nil
}

// CanAddNote says why n cannot be added (nil when it can): a report past its retention at n.At
// keeps no text, and the notes share the item's bytes with the conversation. A closed report
// still takes notes: a team writes down how it ended.
func (r *Report) CanAddNote(n Note) error {
	switch {
	case n.Author == "" || n.Text == "" || n.At.IsZero():
		return Errorf(EINVALID, "a note needs an author, a text and a time")
	case r.Expired(n.At):
		return ErrReportExpired
	case len(r.Notes) >= MaxNotes:
		return ErrNotesFull
	case r.ConversationBytes()+len(n.Text) > MaxConversationBytes:
		return ErrConversationFull
	}
	return nil
}

// AddNote appends n to the report's notes. It changes nothing the reporter sees (not even
// UpdatedAt) and no deadline.
func (r *Report) AddNote(n Note) error {
	if err := r.CanAddNote(n); err != nil {
		return err
	}
	r.Notes = append(r.Notes, n)
	return nil
}

// NextDeadline is the deadline the report waits on first: acknowledging while it is
// unacknowledged, else feedback. A closed report has none (ok is false).
func (r *Report) NextDeadline() (by time.Time, ok bool) {
	w := r.Waiting()
	if len(w) == 0 {
		return time.Time{}, false
	}
	return w[0].By, true
}

// Who a case waits on (Report.WaitingOn).
const (
	WaitingOnInstitution = "institution" // the reporter wrote last, or nobody answered yet
	WaitingOnReporter    = "reporter"    // the institution answered last
)

// WaitingOn says who the open report waits on: the institution when the reporter wrote last or
// the institution has not answered yet, the reporter when the institution answered last and the
// reporter can come back (FollowUp). "" for a closed report, or when nobody can answer.
func (r *Report) WaitingOn() string {
	if !Open(r.Status) {
		return ""
	}
	n := len(r.Messages)
	if n == 0 || r.Messages[n-1].From == FromReporter {
		return WaitingOnInstitution
	}
	if r.FollowUp {
		return WaitingOnReporter
	}
	return ""
}

// ValidateSort checks a listing's order: SortDeadline lists open reports only, and DueBefore
// (the overdue ones) belongs to it.
func (f ReportFilter) ValidateSort() error {
	switch f.Sort {
	case SortNewest:
		if !f.DueBefore.IsZero() {
			return Errorf(EINVALID, "overdue reports are listed by deadline")
		}
	case SortDeadline:
		if f.Status == StatusClosed {
			return ErrClosedDeadline
		}
	default:
		return ErrBadSort
	}
	return nil
}

// NextDeadlineFirst orders the deadline listing: the next deadline ascending, then the order
// they arrived in (oldest first: it has waited longest).
func NextDeadlineFirst(a, b *Report) int {
	da, _ := a.NextDeadline()
	db, _ := b.NextDeadline()
	if c := da.Compare(db); c != 0 {
		return c
	}
	return NewestFirst(b, a)
}
