package dynamo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// The single table's items (pk, sk):
//
//	INST#<inst>  REPORT#<id>                      the report, its messages inside (a list)
//	INST#<inst>  CREATED#<created>#<id>           list index: all reports, newest first
//	INST#<inst>  STATUS#<status>#<created>#<id>   list index per status (moved on a status change)
//	INST#<inst>  OPEN#<created>#<id>              list index of the open reports (received, in_progress)
//	INST#<inst>  NEXT#<deadline>#<created>#<id>   list index of the open reports by next deadline (moved when it changes)
//	INST#<inst>  SEQ                              the counter that orders reports within a day
//	INST#<inst>  COUNT#<YYYY-MM>#<dim>#<value>    a pre-aggregated count (ADD n 1)
//	INST#<inst>  DUE#<kind>#<deadline>            open reports waiting on a deadline (ADD n ±1)
//	RECEIPT#<hash>  RECEIPT                       receipt hash → institution + report id
//	IDEM#<keyhash>  IDEM                          idempotency record
//
// <created> is the creation day, fixed-width UTC, then '#' and the report's sequence number in
// 16 hex digits, so that the sort key orders by day and then by arrival, whatever the ids look
// like. Every item of a closed report carries expiresAt
// (epoch seconds), the table's TTL attribute; counts never expire.
const (
	attrPK      = "pk"
	attrSK      = "sk"
	attrTTL     = "expiresAt"
	skReceipt   = "RECEIPT"
	skIdem      = "IDEM"
	skSeq       = "SEQ"
	typeSeq     = "seq"
	tsLayout    = "2006-01-02T15:04:05.000000000Z"
	timeLayout  = time.RFC3339Nano
	typeReport  = "report"
	typeIndex   = "index"
	typeReceipt = "receipt"
	typeIdem    = "idempotency"
	typeCount   = "count"
	typeDue     = "due"
)

// Partition key prefixes: every item's pk starts with one of them, so that IAM can grant each
// function only the partitions it uses (dynamodb:LeadingKeys, infra/access.go).
const (
	PrefixInstitution = "INST#"     // reports, their list entries, counts and sequence
	PrefixReceipt     = "RECEIPT#"  // receipt index
	PrefixIdempotency = "IDEM#"     // idempotency records
	PrefixAudit       = "AUDIT#"    // audit entries
	PrefixAuditSeq    = "AUDITSEQ#" // the audit log's counter
)

func instPK(inst string) string    { return PrefixInstitution + inst }
func reportSK(id string) string    { return "REPORT#" + id }
func receiptPK(hash string) string { return PrefixReceipt + hash }
func idemPK(keyHash string) string { return PrefixIdempotency + keyHash }
func ts(t time.Time) string        { return t.UTC().Format(tsLayout) }
func created(t time.Time, seq int64) string {
	return fmt.Sprintf("%s#%016x", ts(t), seq)
}
func createdPrefix() string { return "CREATED#" }
func statusPrefix(s string) string {
	if s == meldwijzer.StatusOpen {
		return "OPEN#"
	}
	return "STATUS#" + s + "#"
}
func createdSK(r *reportItem) string { return createdPrefix() + r.Created + "#" + r.ID }
func openSK(r *reportItem) string {
	return statusPrefix(meldwijzer.StatusOpen) + r.Created + "#" + r.ID
}
func statusSK(status string, r *reportItem) string {
	return statusPrefix(status) + r.Created + "#" + r.ID
}
func duePrefix() string                { return "DUE#" }
func dueSK(k meldwijzer.DueKey) string { return duePrefix() + k.Kind + "#" + ts(k.By) }
func countSK(k meldwijzer.CountKey) string {
	return "COUNT#" + k.Month + "#" + k.Dimension + "#" + k.Value
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: pk},
		attrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

// reportItem is a report as stored. Times are RFC 3339 strings in UTC with nanoseconds ("" for
// zero); ExpiresAtTTL is the same instant as Expires, in epoch seconds rounded up, for TTL.
type reportItem struct {
	PK          string        `dynamodbav:"pk"`
	SK          string        `dynamodbav:"sk"`
	Type        string        `dynamodbav:"type"`
	ID          string        `dynamodbav:"id"`
	Institution string        `dynamodbav:"institution"`
	Audience    string        `dynamodbav:"audience"`
	Lang        string        `dynamodbav:"lang"`
	Theme       string        `dynamodbav:"theme"`
	Where       string        `dynamodbav:"where"`
	Grounds     []string      `dynamodbav:"grounds,omitempty"`
	When        string        `dynamodbav:"when,omitempty"`
	Description string        `dynamodbav:"description"`
	FollowUp    bool          `dynamodbav:"followUp"`
	ReceiptHash string        `dynamodbav:"receiptHash,omitempty"`
	Status      string        `dynamodbav:"status"`
	Created     string        `dynamodbav:"created"` // created(CreatedAt, Seq), the list indexes' sort part
	CreatedAt   string        `dynamodbav:"createdAt"`
	Seq         int64         `dynamodbav:"seq"`
	AckBy       string        `dynamodbav:"acknowledgeBy,omitempty"`
	FeedbackBy  string        `dynamodbav:"feedbackBy,omitempty"`
	AckAt       string        `dynamodbav:"acknowledgedAt,omitempty"`
	UpdatedAt   string        `dynamodbav:"updatedAt,omitempty"`
	ClosedAt    string        `dynamodbav:"closedAt,omitempty"`
	Expires     string        `dynamodbav:"expires,omitempty"`
	ExpiresTTL  int64         `dynamodbav:"expiresAt,omitempty"`
	Messages    []messageItem `dynamodbav:"messages"`
	// Notes are the handlers' internal notes, kept beside the messages (their text likewise);
	// LastNote is a hash of the last note appended (see AddNote).
	Notes    []noteItem `dynamodbav:"notes,omitempty"`
	LastNote string     `dynamodbav:"lastNote,omitempty"`
	Assignee string     `dynamodbav:"assignee,omitempty"`
	// ConvBytes is the size in bytes of the description and all messages.
	ConvBytes int `dynamodbav:"convBytes"`
	// LastMessage is a hash of the last message appended (see AddMessage).
	LastMessage string `dynamodbav:"lastMessage,omitempty"`
	// The report's idempotency record, so that closing can set its TTL too.
	IdemKeyHash string `dynamodbav:"idemKeyHash,omitempty"`
	IdemExpires string `dynamodbav:"idemExpires,omitempty"`
}

type noteItem struct {
	Author string `dynamodbav:"author"`
	Text   string `dynamodbav:"text"`
	At     string `dynamodbav:"at"`
}

type messageItem struct {
	From string `dynamodbav:"from"`
	Text string `dynamodbav:"text"`
	At   string `dynamodbav:"at"`
}

// indexItem is a list index entry: it points at REPORT#<id> in the same partition.
type indexItem struct {
	PK         string `dynamodbav:"pk"`
	SK         string `dynamodbav:"sk"`
	Type       string `dynamodbav:"type"`
	ID         string `dynamodbav:"id"`
	ExpiresTTL int64  `dynamodbav:"expiresAt,omitempty"`
}

type receiptItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Type        string `dynamodbav:"type"`
	Institution string `dynamodbav:"institution"`
	ReportID    string `dynamodbav:"reportId"`
	ExpiresTTL  int64  `dynamodbav:"expiresAt,omitempty"`
}

type idemItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Type        string `dynamodbav:"type"`
	KeyHash     string `dynamodbav:"keyHash"`
	RequestHash string `dynamodbav:"requestHash"`
	Institution string `dynamodbav:"institution"`
	ReportID    string `dynamodbav:"reportId"`
	Salt        []byte `dynamodbav:"salt"`
	CreatedAt   string `dynamodbav:"createdAt"`
	// Expires is the record's own expiry (Idempotency.ExpiresAt); ExpiresTTL is the earlier of
	// it and the closed report's expiry.
	Expires    string `dynamodbav:"expires,omitempty"`
	ExpiresTTL int64  `dynamodbav:"expiresAt,omitempty"`
}

type countItem struct {
	Institution string `dynamodbav:"institution"`
	Month       string `dynamodbav:"month"`
	Dimension   string `dynamodbav:"dimension"`
	Value       string `dynamodbav:"value"`
	N           int    `dynamodbav:"n"`
}

type dueItem struct {
	Kind string `dynamodbav:"kind"`
	By   string `dynamodbav:"by"`
	N    int    `dynamodbav:"n"`
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// ttl is t in epoch seconds, rounded up so that the item never expires before t.
func ttl(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

func newReportItem(r *meldwijzer.Report, idem *meldwijzer.Idempotency) *reportItem {
	it := &reportItem{
		PK: instPK(r.Institution), SK: reportSK(r.ID), Type: typeReport,
		ID: r.ID, Institution: r.Institution, Audience: r.Audience, Lang: r.Lang, Theme: r.Theme,
		Where: r.Where, Grounds: r.Grounds, When: r.When, Description: r.Description,
		FollowUp: r.FollowUp, ReceiptHash: r.ReceiptHash, Status: r.Status,
		Created: created(r.CreatedAt, r.Seq), CreatedAt: fmtTime(r.CreatedAt), Seq: r.Seq,
		AckBy: fmtTime(r.AcknowledgeBy), FeedbackBy: fmtTime(r.FeedbackBy), AckAt: fmtTime(r.AcknowledgedAt),
		UpdatedAt: fmtTime(r.UpdatedAt), ClosedAt: fmtTime(r.ClosedAt),
		Expires: fmtTime(r.ExpiresAt), ExpiresTTL: ttl(r.ExpiresAt),
		Messages:  []messageItem{},
		ConvBytes: len(r.Description),
	}
	if len(it.Grounds) == 0 {
		it.Grounds = nil
	}
	for _, m := range r.Messages {
		it.Messages = append(it.Messages, messageItem{From: m.From, Text: m.Text, At: fmtTime(m.At)})
		it.ConvBytes += len(m.Text)
	}
	it.Assignee = r.Assignee
	for _, n := range r.Notes {
		it.Notes = append(it.Notes, noteItem{Author: n.Author, Text: n.Text, At: fmtTime(n.At)})
		it.ConvBytes += len(n.Text)
	}
	if idem != nil {
		it.IdemKeyHash, it.IdemExpires = idem.KeyHash, fmtTime(idem.ExpiresAt)
	}
	return it
}

func (it *reportItem) report() (*meldwijzer.Report, error) {
	r := &meldwijzer.Report{
		ID: it.ID, Institution: it.Institution, Audience: it.Audience, Lang: it.Lang, Theme: it.Theme,
		Where: it.Where, When: it.When, Description: it.Description, FollowUp: it.FollowUp,
		ReceiptHash: it.ReceiptHash, Status: it.Status, Seq: it.Seq, Assignee: it.Assignee,
	}
	if len(it.Grounds) > 0 {
		r.Grounds = append([]string(nil), it.Grounds...)
	}
	var err error
	for _, f := range []struct {
		dst *time.Time
		src string
	}{
		{&r.CreatedAt, it.CreatedAt}, {&r.AcknowledgeBy, it.AckBy}, {&r.FeedbackBy, it.FeedbackBy},
		{&r.AcknowledgedAt, it.AckAt}, {&r.UpdatedAt, it.UpdatedAt}, {&r.ClosedAt, it.ClosedAt},
		{&r.ExpiresAt, it.Expires},
	} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, fmt.Errorf("report %s: %w", it.ID, err)
		}
	}
	for _, m := range it.Messages {
		at, err := parseTime(m.At)
		if err != nil {
			return nil, fmt.Errorf("report %s: message: %w", it.ID, err)
		}
		r.Messages = append(r.Messages, meldwijzer.Message{From: m.From, Text: m.Text, At: at})
	}
	for _, n := range it.Notes {
		at, err := parseTime(n.At)
		if err != nil {
			return nil, fmt.Errorf("report %s: note: %w", it.ID, err)
		}
		r.Notes = append(r.Notes, meldwijzer.Note{Author: n.Author, Text: n.Text, At: at})
	}
	return r, nil
}

func newIdemItem(idem *meldwijzer.Idempotency, institution string) *idemItem {
	return &idemItem{
		PK: idemPK(idem.KeyHash), SK: skIdem, Type: typeIdem,
		KeyHash: idem.KeyHash, RequestHash: idem.RequestHash, Institution: institution,
		ReportID: idem.ReportID, Salt: idem.Salt, CreatedAt: fmtTime(idem.CreatedAt),
		Expires: fmtTime(idem.ExpiresAt), ExpiresTTL: ttl(idem.ExpiresAt),
	}
}

func (it *idemItem) record() (*meldwijzer.Idempotency, error) {
	created, err := parseTime(it.CreatedAt)
	if err != nil {
		return nil, err
	}
	expires, err := parseTime(it.Expires)
	if err != nil {
		return nil, err
	}
	return &meldwijzer.Idempotency{
		KeyHash: it.KeyHash, RequestHash: it.RequestHash, ReportID: it.ReportID,
		Salt: it.Salt, CreatedAt: created, ExpiresAt: expires,
	}, nil
}
