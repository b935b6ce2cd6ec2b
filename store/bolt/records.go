// The stored forms of reports and idempotency records, the key layouts (see bolt.go), and the
// helpers every transaction uses.

package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
)

// reportRecord is a report as stored.
type reportRecord struct {
	ID             string          `json:"id"`
	Institution    string          `json:"institution"`
	Audience       string          `json:"audience"`
	Lang           string          `json:"lang"`
	Theme          string          `json:"theme"`
	Where          string          `json:"where"`
	Grounds        []string        `json:"grounds,omitempty"`
	When           string          `json:"when,omitempty"`
	Description    string          `json:"description"`
	FollowUp       bool            `json:"followUp"`
	ReceiptHash    string          `json:"receiptHash,omitempty"`
	Status         string          `json:"status"`
	CreatedAt      time.Time       `json:"createdAt"`
	Seq            int64           `json:"seq,omitempty"`
	AcknowledgeBy  time.Time       `json:"acknowledgeBy,omitzero"`
	FeedbackBy     time.Time       `json:"feedbackBy,omitzero"`
	AcknowledgedAt time.Time       `json:"acknowledgedAt,omitzero"`
	UpdatedAt      time.Time       `json:"updatedAt,omitzero"`
	ClosedAt       time.Time       `json:"closedAt,omitzero"`
	ExpiresAt      time.Time       `json:"expiresAt,omitzero"`
	Messages       []messageRecord `json:"messages,omitempty"`
	// Notes are the handlers' internal notes, kept beside the messages (their text likewise).
	Notes    []noteRecord `json:"notes,omitempty"`
	Assignee string       `json:"assignee,omitempty"`
	// IdempotencyKey is the key hash of the request that created the report, so that Sweep
	// deletes its record with it.
	IdempotencyKey string `json:"idempotencyKey"`
}

type messageRecord struct {
	From string    `json:"from"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

type noteRecord struct {
	Author string    `json:"author"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

type idempotencyRecord struct {
	Institution string    `json:"institution"`
	KeyHash     string    `json:"keyHash"`
	RequestHash string    `json:"requestHash"`
	ReportID    string    `json:"reportId"`
	Salt        []byte    `json:"salt"`
	CreatedAt   time.Time `json:"createdAt"`
	ExpiresAt   time.Time `json:"expiresAt,omitzero"`
}

type receiptRecord struct {
	Institution string `json:"institution"`
	ID          string `json:"id"`
}

func toRecord(r *meldwijzer.Report, idemKey string) *reportRecord {
	rec := &reportRecord{
		ID: r.ID, Institution: r.Institution, Audience: r.Audience, Lang: r.Lang, Theme: r.Theme,
		Where: r.Where, Grounds: r.Grounds, When: r.When, Description: r.Description,
		FollowUp: r.FollowUp, ReceiptHash: r.ReceiptHash, Status: r.Status, CreatedAt: r.CreatedAt, Seq: r.Seq,
		AcknowledgeBy: r.AcknowledgeBy, FeedbackBy: r.FeedbackBy, AcknowledgedAt: r.AcknowledgedAt,
		UpdatedAt: r.UpdatedAt, ClosedAt: r.ClosedAt, ExpiresAt: r.ExpiresAt, IdempotencyKey: idemKey,
		Assignee: r.Assignee,
	}
	for _, m := range r.Messages {
		rec.Messages = append(rec.Messages, messageRecord(m))
	}
	for _, n := range r.Notes {
		rec.Notes = append(rec.Notes, noteRecord(n))
	}
	return rec
}

func (rec *reportRecord) report() *meldwijzer.Report {
	r := &meldwijzer.Report{
		ID: rec.ID, Institution: rec.Institution, Audience: rec.Audience, Lang: rec.Lang,
		Theme: rec.Theme, Where: rec.Where, Grounds: rec.Grounds, When: rec.When,
		Description: rec.Description, FollowUp: rec.FollowUp, ReceiptHash: rec.ReceiptHash,
		Status: rec.Status, CreatedAt: rec.CreatedAt, Seq: rec.Seq, AcknowledgeBy: rec.AcknowledgeBy,
		FeedbackBy: rec.FeedbackBy, AcknowledgedAt: rec.AcknowledgedAt, UpdatedAt: rec.UpdatedAt,
		ClosedAt: rec.ClosedAt, ExpiresAt: rec.ExpiresAt, Assignee: rec.Assignee,
	}
	for _, m := range rec.Messages {
		r.Messages = append(r.Messages, meldwijzer.Message(m))
	}
	for _, n := range rec.Notes {
		r.Notes = append(r.Notes, meldwijzer.Note(n))
	}
	return r
}

func toIdempotencyRecord(inst string, i *meldwijzer.Idempotency) *idempotencyRecord {
	return &idempotencyRecord{
		Institution: inst, KeyHash: i.KeyHash, RequestHash: i.RequestHash, ReportID: i.ReportID,
		Salt: i.Salt, CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt,
	}
}

func (rec *idempotencyRecord) idempotency() *meldwijzer.Idempotency {
	return &meldwijzer.Idempotency{
		KeyHash: rec.KeyHash, RequestHash: rec.RequestHash, ReportID: rec.ReportID,
		Salt: rec.Salt, CreatedAt: rec.CreatedAt, ExpiresAt: rec.ExpiresAt,
	}
}

// timeKey is the 12-byte key of t: ordered like t.
func timeKey(t time.Time) []byte {
	k := make([]byte, timeKeyLen)
	binary.BigEndian.PutUint64(k, uint64(t.Unix())^(1<<63))
	binary.BigEndian.PutUint32(k[8:], uint32(t.Nanosecond()))
	return k
}

// orderKey lists reports by creation day, then by their sequence within the institution.
func orderKey(createdAt time.Time, seq int64, id string) []byte {
	return append(binary.BigEndian.AppendUint64(timeKey(createdAt), uint64(seq)), id...)
}

func reportExpiryKey(expires time.Time, inst, id string) []byte {
	k := append(timeKey(expires), expiryReport)
	k = append(k, inst...)
	k = append(k, 0)
	return append(k, id...)
}

func idempotencyExpiryKey(expires time.Time, keyHash string) []byte {
	k := append(timeKey(expires), expiryIdempotency)
	return append(k, keyHash...)
}

func countKey(k meldwijzer.CountKey) []byte {
	return []byte(k.Month + "\x00" + k.Dimension + "\x00" + k.Value)
}

// wrap returns err as it is when it is a *meldwijzer.Error, and else as an internal error
// whose details stay in the log.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *meldwijzer.Error
	if errors.As(err, &e) {
		return e
	}
	return fmt.Errorf("bolt store: %s: %w", op, err)
}

// institution returns the buckets of inst, or nils when it has none.
type instBuckets struct{ reports, order, open, due, counts, deadline *bbolt.Bucket }

func institution(tx *bbolt.Tx, inst string) *instBuckets {
	if inst == "" {
		return nil
	}
	b := tx.Bucket(bucketInst).Bucket([]byte(inst))
	if b == nil {
		return nil
	}
	return &instBuckets{b.Bucket(bucketReports), b.Bucket(bucketOrder), b.Bucket(bucketOpen), b.Bucket(bucketDue), b.Bucket(bucketCounts), b.Bucket(bucketDeadline)}
}

func createInstitution(tx *bbolt.Tx, inst string) (*instBuckets, error) {
	b, err := tx.Bucket(bucketInst).CreateBucketIfNotExists([]byte(inst))
	if err != nil {
		return nil, err
	}
	var ib instBuckets
	for _, x := range []struct {
		name []byte
		b    **bbolt.Bucket
	}{{bucketReports, &ib.reports}, {bucketOrder, &ib.order}, {bucketOpen, &ib.open}, {bucketDue, &ib.due}, {bucketCounts, &ib.counts}, {bucketDeadline, &ib.deadline}} {
		if *x.b, err = b.CreateBucketIfNotExists(x.name); err != nil {
			return nil, err
		}
	}
	return &ib, nil
}

func getJSON(b *bbolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// load returns the stored record of inst's report id, or ENOTFOUND.
func load(tx *bbolt.Tx, inst, id string) (*instBuckets, *reportRecord, error) {
	ib := institution(tx, inst)
	if ib == nil || id == "" {
		return nil, nil, meldwijzer.ErrReportNotFound
	}
	var rec reportRecord
	ok, err := getJSON(ib.reports, []byte(id), &rec)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, meldwijzer.ErrReportNotFound
	}
	return ib, &rec, nil
}

// reindex keeps inst's open and deadline indexes, the status in its order index and the
// deadline counts in step with a report that was before and is now after (nil before: it is
// new; nil after: it is deleted), in the transaction that writes it.
func reindex(ib *instBuckets, before, after *meldwijzer.Report) error {
	if err := addDue(ib.due, meldwijzer.DueChange(before, after)); err != nil {
		return err
	}
	if err := reindexDeadline(ib, before, after); err != nil {
		return err
	}
	if before != nil && after != nil && before.Status != after.Status {
		if err := ib.order.Put(orderKey(after.CreatedAt, after.Seq, after.ID), []byte(after.Status)); err != nil {
			return err
		}
	}
	if before != nil && meldwijzer.Open(before.Status) && (after == nil || !meldwijzer.Open(after.Status)) {
		if err := ib.open.Delete(orderKey(before.CreatedAt, before.Seq, before.ID)); err != nil {
			return err
		}
	}
	if after != nil && meldwijzer.Open(after.Status) {
		return ib.open.Put(orderKey(after.CreatedAt, after.Seq, after.ID), []byte(after.Status))
	}
	return nil
}

// addDue adds change to the deadline counts in b; a count that reaches zero is deleted.
func addDue(b *bbolt.Bucket, change map[meldwijzer.DueKey]int) error {
	for k, d := range change {
		key := dueKey(k)
		n := 0
		if _, err := getJSON(b, key, &n); err != nil {
			return err
		}
		switch n += d; {
		case n < 0:
			return fmt.Errorf("deadline count %q below zero", key)
		case n == 0:
			if err := b.Delete(key); err != nil {
				return err
			}
		default:
			if err := putJSON(b, key, n); err != nil {
				return err
			}
		}
	}
	return nil
}

func dueKey(k meldwijzer.DueKey) []byte { return append([]byte(k.Kind+"\x00"), timeKey(k.By)...) }

func parseDueKey(key []byte) (meldwijzer.DueKey, error) {
	kind, t, ok := bytes.Cut(key, []byte{0})
	if !ok || len(t) != timeKeyLen {
		return meldwijzer.DueKey{}, fmt.Errorf("bad deadline key %q", key)
	}
	sec := int64(binary.BigEndian.Uint64(t) ^ (1 << 63))
	return meldwijzer.DueKey{Kind: string(kind), By: time.Unix(sec, int64(binary.BigEndian.Uint32(t[8:]))).UTC()}, nil
}
