package meldwijzer

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The report's rules. Every store calls them, so that each rule and its error are written
// once: the bbolt store applies them inside its transaction; the DynamoDB store renders them as
// one conditional write and, when the condition fails, asks them which error it was.

// The errors of the report's rules. Stores return exactly these values, so both adapters
// answer with the same code and message.
var (
	ErrReportNotFound     = &Error{Code: ENOTFOUND, Message: "report not found"}
	ErrReportClosed       = &Error{Code: ECONFLICT, Message: "this report is closed: no more messages can be added"}
	ErrConversationFull   = &Error{Code: ECONFLICT, Message: "this conversation is full: no more messages can be added"}
	ErrBadSender          = Errorf(EINVALID, "a message is from %s or %s", FromReporter, FromInstitution)
	ErrBadStatus          = Errorf(EINVALID, "status must be one of %s", strings.Join(Statuses, ", "))
	ErrReportTaken        = &Error{Code: ECONFLICT, Message: "the report id is taken"}
	ErrReceiptTaken       = &Error{Code: ECONFLICT, Message: "the receipt belongs to another report"}
	ErrIdempotencyKeyUsed = &Error{Code: ECONFLICT, Message: "this Idempotency-Key was already used for another report; use a new key for a new report"}
	ErrReportGone         = &Error{Code: ECONFLICT, Message: "this Idempotency-Key belongs to a report that no longer exists; use a new key for a new report"}
	ErrBadCursor          = &Error{Code: EINVALID, Message: "the cursor is not valid: start again from the first page"}
	ErrNoInstitution      = &Error{Code: EINVALID, Message: "an institution is required"}
	ErrReportExpired      = &Error{Code: ECONFLICT, Message: "this report has passed its retention period: its text is deleted and its status can no longer change"}
)

// CheckStatus says whether status is a report status.
func CheckStatus(status string) error {
	if !slices.Contains(Statuses, status) {
		return ErrBadStatus
	}
	return nil
}

// Validate checks a listing's filter: an institution, a status or StatusOpen when there is
// one, and its order (ValidateSort).
func (f ReportFilter) Validate() error {
	if f.Institution == "" {
		return ErrNoInstitution
	}
	if err := f.ValidateSort(); err != nil {
		return err
	}
	if f.Status != "" && f.Status != StatusOpen {
		return CheckStatus(f.Status)
	}
	return nil
}

// Matches says whether a report with status belongs in the listing.
func (f ReportFilter) Matches(status string) bool {
	switch f.Status {
	case "":
		return true
	case StatusOpen:
		return Open(status)
	}
	return status == f.Status
}

// Open says whether a report with status is open: not closed.
func Open(status string) bool { return status != StatusClosed }

// ValidateNew checks a report and its idempotency record before they are first stored.
func (r *Report) ValidateNew(idem *Idempotency) error {
	switch {
	case r == nil || idem == nil:
		return Errorf(EINVALID, "a report and its idempotency record are required")
	case r.ID == "" || r.Institution == "" || idem.KeyHash == "":
		return Errorf(EINVALID, "a report needs an id and an institution, and its idempotency record a key hash")
	case idem.ReportID != r.ID:
		return Errorf(EINVALID, "the idempotency record belongs to another report")
	case r.CreatedAt.IsZero():
		return Errorf(EINVALID, "a report needs a creation time")
	}
	return CheckStatus(r.Status)
}

// Validate checks the sender of a message.
func (m Message) Validate() error {
	if m.From != FromReporter && m.From != FromInstitution {
		return ErrBadSender
	}
	return nil
}

// ConversationBytes is the size of the description, all messages and all notes, in bytes: the
// part of the report's item that grows.
func (r *Report) ConversationBytes() int {
	n := len(r.Description)
	for _, m := range r.Messages {
		n += len(m.Text)
	}
	for _, x := range r.Notes {
		n += len(x.Text)
	}
	return n
}

// CanAddMessage says why m cannot be added to the conversation (nil when it can): a closed
// report takes no messages, and a conversation holds at most MaxMessages messages and
// MaxConversationBytes bytes, the description included.
func (r *Report) CanAddMessage(m Message) error {
	switch err := m.Validate(); {
	case err != nil:
		return err
	case r.Status == StatusClosed:
		return ErrReportClosed
	case len(r.Messages) >= MaxMessages, r.ConversationBytes()+len(m.Text) > MaxConversationBytes:
		return ErrConversationFull
	}
	return nil
}

// AddMessage appends m to the conversation. The report is updated at m.At; the institution's
// first message acknowledges it, and its answer to a received report takes the case in
// progress (the store writes both with the message).
func (r *Report) AddMessage(m Message) error {
	if err := r.CanAddMessage(m); err != nil {
		return err
	}
	r.Messages = append(r.Messages, m)
	r.UpdatedAt = m.At
	if m.From == FromInstitution && r.AcknowledgedAt.IsZero() {
		r.AcknowledgedAt = m.At
	}
	if m.From == FromInstitution && r.Status == StatusReceived {
		r.Status = StatusInProgress
	}
	return nil
}

// SetStatus moves the report to status at time at and reports whether anything changed (setting
// the status it has changes nothing). Leaving received acknowledges the report; closing sets
// ClosedAt and ExpiresAt = at + retention (when its text is deleted); any other status clears
// them. A report past its ExpiresAt can never change status again (ErrReportExpired): reopening
// it would bring back a receipt and text that retention deleted.
func (r *Report) SetStatus(status string, at time.Time, retention time.Duration) (changed bool, err error) {
	if err := CheckStatus(status); err != nil {
		return false, err
	}
	if status == r.Status {
		return false, nil
	}
	if r.Expired(at) {
		return false, ErrReportExpired
	}
	r.Status, r.UpdatedAt = status, at
	if status != StatusReceived && r.AcknowledgedAt.IsZero() {
		r.AcknowledgedAt = at
	}
	if status == StatusClosed {
		r.ClosedAt, r.ExpiresAt = at, at.Add(retention)
	} else {
		r.ClosedAt, r.ExpiresAt = time.Time{}, time.Time{}
	}
	return true, nil
}

// Expired reports whether the report's retention period has ended at now: its text is then
// gone for everyone (whether or not a sweep has deleted it yet) and it can never be reopened.
func (r *Report) Expired(now time.Time) bool {
	return !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)
}

// Forget removes the report's text (description, messages and notes) once it has expired at now,
// so that no reader sees what retention deleted, and says whether it did.
func (r *Report) Forget(now time.Time) bool {
	if !r.Expired(now) {
		return false
	}
	r.Description, r.Messages, r.Notes = "", nil, nil
	return true
}

// The deadlines a report can be past.
const (
	OverdueAcknowledge = "acknowledge" // not acknowledged within AcknowledgeWithin
	OverdueFeedback    = "feedback"    // not closed within FeedbackMonths
)

// Overdue names the deadlines the report has passed at now, in order (none: an empty list).
func (r *Report) Overdue(now time.Time) []string {
	out := []string{}
	if r.AcknowledgedAt.IsZero() && now.After(r.AcknowledgeBy) {
		out = append(out, OverdueAcknowledge)
	}
	if r.Status != StatusClosed && now.After(r.FeedbackBy) {
		out = append(out, OverdueFeedback)
	}
	return out
}

// A DueKey is a deadline that open reports wait on: Kind is OverdueAcknowledge or
// OverdueFeedback, By the deadline. The stores count the reports that wait on each (Due), in
// the write that changes what a report waits on, so that the open and overdue cases are a sum
// over deadlines, never a walk over reports. Deadlines are days (a report is received on a
// day), so an institution has one key of each kind per day at most.
type DueKey struct {
	Kind string
	By   time.Time
}

// Due is the number of reports that wait on one deadline.
type Due struct {
	DueKey
	N int
}

// Waiting returns the deadlines an open report waits on: acknowledging until it is
// acknowledged, and feedback until it is closed. A closed report waits on none.
func (r *Report) Waiting() []DueKey {
	if !Open(r.Status) {
		return nil
	}
	var out []DueKey
	if r.AcknowledgedAt.IsZero() {
		out = append(out, DueKey{OverdueAcknowledge, r.AcknowledgeBy.UTC()})
	}
	return append(out, DueKey{OverdueFeedback, r.FeedbackBy.UTC()})
}

// DueChange is what a write that turns before into after (nil: none, as for a new or deleted
// report) adds to each deadline's count, without zeros.
func DueChange(before, after *Report) map[DueKey]int {
	d := map[DueKey]int{}
	if before != nil {
		for _, k := range before.Waiting() {
			d[k]--
		}
	}
	if after != nil {
		for _, k := range after.Waiting() {
			d[k]++
		}
	}
	for k, n := range d {
		if n == 0 {
			delete(d, k)
		}
	}
	return d
}

// Cases counts an institution's open cases and those past a deadline.
type Cases struct {
	Open               int `json:"open"`
	OverdueAcknowledge int `json:"overdueAcknowledge"`
	OverdueFeedback    int `json:"overdueFeedback"`
}

// CountCases sums an institution's deadline counts at now, by Overdue's rule: every open report
// waits on its feedback deadline, and a deadline is passed when now is after it.
func CountCases(due []Due, now time.Time) Cases {
	var c Cases
	for _, d := range due {
		overdue := now.After(d.By)
		switch d.Kind {
		case OverdueFeedback:
			c.Open += d.N
			if overdue {
				c.OverdueFeedback += d.N
			}
		case OverdueAcknowledge:
			if overdue {
				c.OverdueAcknowledge += d.N
			}
		}
	}
	return c
}

// AwaitingAnswer reports whether the reporter wrote last on an open report.
func (r *Report) AwaitingAnswer() bool {
	n := len(r.Messages)
	return r.Status != StatusClosed && n > 0 && r.Messages[n-1].From == FromReporter
}

// NewestFirst orders reports as every listing does: CreatedAt (a day) descending, then Seq
// descending (the order they arrived in within a day), then ID descending.
func NewestFirst(a, b *Report) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Seq, a.Seq); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// Page sizes of the listings, the same for every store: a page holds DefaultPageSize items when
// no limit is asked, and never more than the listing's maximum.
const (
	DefaultPageSize = 50
	MaxReportsPage  = 100 // a page of reports is read with one DynamoDB BatchGetItem
	MaxAuditPage    = 500
)

// PageSize is the number of items a page holds for a requested limit (0: the default).
func PageSize(limit, max int) int {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	return min(limit, max)
}

// Validate checks an audit entry before it is appended: it names an institution, an actor, an
// action and a time within the years 1 to 9999.
func (e AuditEntry) Validate() error {
	if e.Institution == "" || e.Actor == "" || e.Action == "" || e.At.IsZero() {
		return Errorf(EINVALID, "an audit entry needs an institution, an actor, an action and a time")
	}
	if y := e.At.UTC().Year(); y < 1 || y > 9999 {
		return Errorf(EINVALID, "an audit entry's time must be within the years 1 to 9999")
	}
	return nil
}
