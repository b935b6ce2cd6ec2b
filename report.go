package meldwijzer

import (
	"context"
	"time"
)

// Report statuses: received → in_progress → closed.
const (
	StatusReceived   = "received"
	StatusInProgress = "in_progress"
	StatusClosed     = "closed"
)

// StatusOpen is the listing filter for every report that is not closed (received and
// in_progress); it is not a status a report can have.
const StatusOpen = "open"

// Statuses lists the report statuses in their order.
var Statuses = []string{StatusReceived, StatusInProgress, StatusClosed}

// Message senders.
const (
	FromReporter    = "reporter"
	FromInstitution = "institution"
)

// When a report says it happened.
var Whens = []string{"week", "month", "longer"}

// Deadlines counted from a report's creation (the EU whistleblower directive's timelines, which
// the Dutch Wet bescherming klokkenluiders follows): acknowledge within 7 days, give feedback
// within 3 months.
const (
	AcknowledgeWithin = 7 * 24 * time.Hour
	FeedbackMonths    = 3
)

// Report is a melding filed at an institution's meldpunt. It holds nothing about the reporter's
// phone or network: only what they chose to write and the choices they made.
type Report struct {
	ID          string
	Institution string
	Audience    string
	Lang        string
	Theme       string
	Where       string
	Grounds     []string
	When        string
	Description string
	FollowUp    bool
	// ReceiptHash is the keyed hash (HMAC) of the receipt; empty when FollowUp is false.
	ReceiptHash string

	Status string
	// CreatedAt is the day the report arrived (midnight UTC: no report time is kept finer than
	// a day). Seq orders the reports of one institution within a day; the store assigns it.
	CreatedAt time.Time
	Seq       int64
	// AcknowledgeBy and FeedbackBy are the deadlines; AcknowledgedAt is when the institution
	// first answered or took the report in progress.
	AcknowledgeBy  time.Time
	FeedbackBy     time.Time
	AcknowledgedAt time.Time
	UpdatedAt      time.Time
	ClosedAt       time.Time
	// ExpiresAt is when the text and messages are deleted (retention after closing); zero while
	// the report is open. The counts stay.
	ExpiresAt time.Time

	Messages []Message

	// Assignee is the handler who has the case ("" for nobody); Notes are the handlers'
	// internal notes (case.go), never shown to the reporter.
	Assignee string
	Notes    []Note
}

// Message is one message in the conversation between the anonymous reporter and the institution.
// At is its day; the conversation keeps the messages in order.
type Message struct {
	From string
	Text string
	At   time.Time
}

// Idempotency is what a store keeps of a report request's Idempotency-Key, so that a retry gets
// the same answer and stores nothing new.
type Idempotency struct {
	// KeyHash is the keyed hash of the client's key, scoped to the institution.
	KeyHash string
	// RequestHash is a hash of the request body: the same key with another body is a conflict.
	RequestHash string
	ReportID    string
	// Salt is mixed with the client's key to derive the receipt again on a retry, so that the
	// receipt itself is never stored.
	Salt      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CountKey names one pre-aggregated count: reports in a month (YYYY-MM) with a value of a
// dimension (theme, where, audience, ground). Dimension "total" with value "all" counts all.
type CountKey struct {
	Institution string
	Month       string
	Dimension   string
	Value       string
}

// Count is the number of reports for a CountKey.
type Count struct {
	CountKey
	N int
}

// CountKeys returns the counts a report adds to: one per dimension value, plus the total.
func (r *Report) CountKeys() []CountKey {
	month := r.CreatedAt.UTC().Format("2006-01")
	key := func(dim, val string) CountKey {
		return CountKey{Institution: r.Institution, Month: month, Dimension: dim, Value: val}
	}
	keys := []CountKey{key("total", "all"), key("theme", r.Theme), key("where", r.Where), key("audience", r.Audience)}
	for _, g := range r.Grounds {
		keys = append(keys, key("ground", g))
	}
	return keys
}

// ReportFilter selects reports of one institution for the handler's inbox.
type ReportFilter struct {
	Institution string
	Status      string // a status, StatusOpen, or "" for all
	Cursor      string // opaque, from the previous page
	Limit       int
	// Sort is SortNewest or SortDeadline (open reports only, the next deadline first);
	// DueBefore, with SortDeadline, keeps only the reports whose next deadline is before it
	// (overdue at that time).
	Sort      string
	DueBefore time.Time
}

// ReportStore keeps reports, their conversations and their counts. Every method is atomic.
// Errors are *Error with ENOTFOUND for an unknown report, ECONFLICT for a broken condition and
// EUNAVAILABLE when the store cannot be reached (the caller answers 503 and nothing was written).
type ReportStore interface {
	CaseStore
	// CreateReport stores the report, its receipt index, its counts and the idempotency record
	// in one atomic write. When a record with idem.KeyHash exists already it writes nothing and
	// returns the stored report and record with created == false.
	CreateReport(ctx context.Context, r *Report, idem *Idempotency) (stored *Report, record *Idempotency, created bool, err error)
	// Report returns a report with its messages; ENOTFOUND if the institution has no such report.
	Report(ctx context.Context, institution, id string) (*Report, error)
	// ReportByReceipt returns the report whose ReceiptHash is hash; ENOTFOUND if none.
	ReportByReceipt(ctx context.Context, hash string) (*Report, error)
	// AddMessage appends a message; a message from the institution acknowledges the report.
	// ECONFLICT when the report is closed or its conversation is full.
	AddMessage(ctx context.Context, institution, id string, m Message) (*Report, error)
	// SetStatus changes the status at time at; closing sets ExpiresAt to at + retention.
	SetStatus(ctx context.Context, institution, id, status string, at time.Time, retention time.Duration) (*Report, error)
	// Reports lists an institution's reports, newest first (or by f.Sort), and the cursor of
	// the next page ("" at the end).
	Reports(ctx context.Context, f ReportFilter) ([]*Report, string, error)
	// Counts returns the institution's counts for months from..to (YYYY-MM, inclusive).
	Counts(ctx context.Context, institution, from, to string) ([]Count, error)
	// Due returns how many of the institution's open reports wait on each deadline (Waiting),
	// leaving out deadlines no report waits on; the write that changes what a report waits on
	// (creating it, its status, its first answer) changes these counts with it.
	Due(ctx context.Context, institution string) ([]Due, error)
	// Close releases the store.
	Close() error
}

// Conversation limits keep a report within one storage item (DynamoDB's 400 KB).
const (
	MaxDescriptionLength = 5000
	MaxMessageLength     = 2000
	MaxMessages          = 40
	// MaxConversationBytes bounds the description and all messages together, in bytes.
	MaxConversationBytes = 200_000
)
