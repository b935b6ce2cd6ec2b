// Package bolt is the embedded meldwijzer.ReportStore on a bbolt file, for the local binary and
// self-hosted mode. Every write is one bbolt Update transaction; values are JSON.
//
// Layout (bucket → key → value):
//
//	meta        "cursor-key"                     → 32 random bytes (authenticates cursors)
//	inst        <institution> (nested bucket):
//	  reports   <report id>                      → report JSON (with its messages)
//	  order     <created>(12) <report id>        → status      (Reports: newest first, by status)
//	  counts    <YYYY-MM> 0 <dimension> 0 <value> → count as a JSON number
//	receipts    <receipt hash>                   → {"institution","id"}
//	idempotency <key hash>                       → record JSON (with its institution)
//	expiry      <expires>(12) 'r' <inst> 0 <id>  → ""   (reports to delete by Sweep)
//	            <expires>(12) 'i' <key hash>     → ""   (idempotency records to delete by Sweep)
//
// A time key is 12 bytes: the Unix seconds with the sign bit flipped (8 bytes, big-endian),
// then the nanoseconds (4 bytes), so byte order is time order for every time.
package bolt

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

// OpenTimeout is how long Open waits for the file lock that another process holds.
const OpenTimeout = time.Second

// Page sizes of Reports.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

var (
	bucketMeta        = []byte("meta")
	bucketInst        = []byte("inst")
	bucketReports     = []byte("reports")
	bucketOrder       = []byte("order")
	bucketCounts      = []byte("counts")
	bucketReceipts    = []byte("receipts")
	bucketIdempotency = []byte("idempotency")
	bucketExpiry      = []byte("expiry")
	keyCursorKey      = []byte("cursor-key")
)

const (
	expiryReport      = 'r'
	expiryIdempotency = 'i'
	timeKeyLen        = 12
)

// Store is a ReportStore in one bbolt file. It is safe for concurrent use; one process at a
// time may open the file.
type Store struct {
	db      *bbolt.DB
	cursors cursor.Codec
}

var _ meldwijzer.ReportStore = (*Store)(nil)

// Open opens or creates the store file at path (mode 0600; its directory is created with mode
// 0700 when missing). It fails after OpenTimeout when another process has the file open.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("bolt store: create directory: %w", err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: OpenTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt store: open %s: the file is locked: another meldwijzer process has this store open (waited %s)", path, OpenTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt store: open %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt store: %w", err)
	}
	s := &Store{db: db}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketInst, bucketReceipts, bucketIdempotency, bucketExpiry} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if k := meta.Get(keyCursorKey); k != nil {
			s.cursors = cursor.New(bytes.Clone(k))
			return nil
		}
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return err
		}
		s.cursors = cursor.New(k)
		return meta.Put(keyCursorKey, k)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt store: initialise %s: %w", path, err)
	}
	return s, nil
}

// Close releases the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt store: close: %w", err)
	}
	return nil
}

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
	AcknowledgeBy  time.Time       `json:"acknowledgeBy,omitzero"`
	FeedbackBy     time.Time       `json:"feedbackBy,omitzero"`
	AcknowledgedAt time.Time       `json:"acknowledgedAt,omitzero"`
	UpdatedAt      time.Time       `json:"updatedAt,omitzero"`
	ClosedAt       time.Time       `json:"closedAt,omitzero"`
	ExpiresAt      time.Time       `json:"expiresAt,omitzero"`
	Messages       []messageRecord `json:"messages,omitempty"`
	// IdempotencyKey is the key hash of the request that created the report, so that Sweep
	// deletes its record with it.
	IdempotencyKey string `json:"idempotencyKey"`
}

type messageRecord struct {
	From string    `json:"from"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
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
		FollowUp: r.FollowUp, ReceiptHash: r.ReceiptHash, Status: r.Status, CreatedAt: r.CreatedAt,
		AcknowledgeBy: r.AcknowledgeBy, FeedbackBy: r.FeedbackBy, AcknowledgedAt: r.AcknowledgedAt,
		UpdatedAt: r.UpdatedAt, ClosedAt: r.ClosedAt, ExpiresAt: r.ExpiresAt, IdempotencyKey: idemKey,
	}
	for _, m := range r.Messages {
		rec.Messages = append(rec.Messages, messageRecord(m))
	}
	return rec
}

func (rec *reportRecord) report() *meldwijzer.Report {
	r := &meldwijzer.Report{
		ID: rec.ID, Institution: rec.Institution, Audience: rec.Audience, Lang: rec.Lang,
		Theme: rec.Theme, Where: rec.Where, Grounds: rec.Grounds, When: rec.When,
		Description: rec.Description, FollowUp: rec.FollowUp, ReceiptHash: rec.ReceiptHash,
		Status: rec.Status, CreatedAt: rec.CreatedAt, AcknowledgeBy: rec.AcknowledgeBy,
		FeedbackBy: rec.FeedbackBy, AcknowledgedAt: rec.AcknowledgedAt, UpdatedAt: rec.UpdatedAt,
		ClosedAt: rec.ClosedAt, ExpiresAt: rec.ExpiresAt,
	}
	for _, m := range rec.Messages {
		r.Messages = append(r.Messages, meldwijzer.Message(m))
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

func orderKey(createdAt time.Time, id string) []byte {
	return append(timeKey(createdAt), id...)
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
type instBuckets struct{ reports, order, counts *bbolt.Bucket }

func institution(tx *bbolt.Tx, inst string) *instBuckets {
	if inst == "" {
		return nil
	}
	b := tx.Bucket(bucketInst).Bucket([]byte(inst))
	if b == nil {
		return nil
	}
	return &instBuckets{b.Bucket(bucketReports), b.Bucket(bucketOrder), b.Bucket(bucketCounts)}
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
	}{{bucketReports, &ib.reports}, {bucketOrder, &ib.order}, {bucketCounts, &ib.counts}} {
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

// CreateReport stores the report, its receipt index, counts and idempotency record in one
// transaction, or returns the stored report and record when idem.KeyHash is known.
func (s *Store) CreateReport(ctx context.Context, r *meldwijzer.Report, idem *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, false, err
	}
	if err := r.ValidateNew(idem); err != nil {
		return nil, nil, false, err
	}
	var (
		stored  *meldwijzer.Report
		record  *meldwijzer.Idempotency
		created bool
	)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		idb := tx.Bucket(bucketIdempotency)
		var known idempotencyRecord
		ok, err := getJSON(idb, []byte(idem.KeyHash), &known)
		if err != nil {
			return err
		}
		if ok {
			if known.Institution != r.Institution {
				return meldwijzer.ErrIdempotencyKeyUsed
			}
			_, rec, err := load(tx, known.Institution, known.ReportID)
			if err == meldwijzer.ErrReportNotFound {
				return meldwijzer.ErrReportGone
			}
			if err != nil {
				return err
			}
			stored, record = rec.report(), known.idempotency()
			return nil
		}

		ib, err := createInstitution(tx, r.Institution)
		if err != nil {
			return err
		}
		if ib.reports.Get([]byte(r.ID)) != nil {
			return meldwijzer.ErrReportTaken
		}
		receipts := tx.Bucket(bucketReceipts)
		if r.ReceiptHash != "" && receipts.Get([]byte(r.ReceiptHash)) != nil {
			return meldwijzer.ErrReceiptTaken
		}
		rec := toRecord(r, idem.KeyHash)
		if err := putJSON(ib.reports, []byte(r.ID), rec); err != nil {
			return err
		}
		if err := ib.order.Put(orderKey(r.CreatedAt, r.ID), []byte(r.Status)); err != nil {
			return err
		}
		if r.ReceiptHash != "" {
			if err := putJSON(receipts, []byte(r.ReceiptHash), receiptRecord{r.Institution, r.ID}); err != nil {
				return err
			}
		}
		if err := putJSON(idb, []byte(idem.KeyHash), toIdempotencyRecord(r.Institution, idem)); err != nil {
			return err
		}
		expiry := tx.Bucket(bucketExpiry)
		if !r.ExpiresAt.IsZero() {
			if err := expiry.Put(reportExpiryKey(r.ExpiresAt, r.Institution, r.ID), nil); err != nil {
				return err
			}
		}
		if !idem.ExpiresAt.IsZero() {
			if err := expiry.Put(idempotencyExpiryKey(idem.ExpiresAt, idem.KeyHash), nil); err != nil {
				return err
			}
		}
		for _, k := range r.CountKeys() {
			key := countKey(k)
			n := 0
			if _, err := getJSON(ib.counts, key, &n); err != nil {
				return err
			}
			if err := putJSON(ib.counts, key, n+1); err != nil {
				return err
			}
		}
		// Decode what was written, so that the caller gets the stored report, not its own.
		stored = rec.report()
		var i idempotencyRecord
		if _, err := getJSON(idb, []byte(idem.KeyHash), &i); err != nil {
			return err
		}
		record, created = i.idempotency(), true
		return nil
	})
	if err != nil {
		return nil, nil, false, wrap("create report", err)
	}
	if created {
		// The records share slices with r: give the caller copies.
		stored.Grounds = append([]string(nil), stored.Grounds...)
	}
	return stored, record, created, nil
}

// Report returns inst's report id with its messages.
func (s *Store) Report(ctx context.Context, inst, id string) (*meldwijzer.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r *meldwijzer.Report
	err := s.db.View(func(tx *bbolt.Tx) error {
		_, rec, err := load(tx, inst, id)
		if err != nil {
			return err
		}
		r = rec.report()
		return nil
	})
	if err != nil {
		return nil, wrap("report", err)
	}
	return r, nil
}

// ReportByReceipt returns the report whose receipt hash is hash.
func (s *Store) ReportByReceipt(ctx context.Context, hash string) (*meldwijzer.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r *meldwijzer.Report
	err := s.db.View(func(tx *bbolt.Tx) error {
		var ref receiptRecord
		ok, err := getJSON(tx.Bucket(bucketReceipts), []byte(hash), &ref)
		if err != nil {
			return err
		}
		if hash == "" || !ok {
			return meldwijzer.ErrReportNotFound
		}
		_, rec, err := load(tx, ref.Institution, ref.ID)
		if err != nil {
			return err
		}
		r = rec.report()
		return nil
	})
	if err != nil {
		return nil, wrap("report by receipt", err)
	}
	return r, nil
}

// update applies change to inst's report id in one transaction and stores the report as
// change left it; change returns false when nothing changed (nothing is written).
func (s *Store) update(ctx context.Context, op, inst, id string, change func(tx *bbolt.Tx, ib *instBuckets, r *meldwijzer.Report) (bool, error)) (*meldwijzer.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r *meldwijzer.Report
	err := s.db.Update(func(tx *bbolt.Tx) error {
		ib, rec, err := load(tx, inst, id)
		if err != nil {
			return err
		}
		r = rec.report()
		changed, err := change(tx, ib, r)
		if err != nil || !changed {
			return err
		}
		return putJSON(ib.reports, []byte(id), toRecord(r, rec.IdempotencyKey))
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return r, nil
}

// AddMessage appends m to the conversation of inst's report id (meldwijzer.Report.AddMessage).
func (s *Store) AddMessage(ctx context.Context, inst, id string, m meldwijzer.Message) (*meldwijzer.Report, error) {
	return s.update(ctx, "add message", inst, id, func(_ *bbolt.Tx, _ *instBuckets, r *meldwijzer.Report) (bool, error) {
		return true, r.AddMessage(m)
	})
}

// SetStatus moves inst's report id to status at time at (meldwijzer.Report.SetStatus) and
// keeps its expiry and order keys in step.
func (s *Store) SetStatus(ctx context.Context, inst, id, status string, at time.Time, retention time.Duration) (*meldwijzer.Report, error) {
	return s.update(ctx, "set status", inst, id, func(tx *bbolt.Tx, ib *instBuckets, r *meldwijzer.Report) (bool, error) {
		expiry := tx.Bucket(bucketExpiry)
		before := r.ExpiresAt
		changed, err := r.SetStatus(status, at, retention)
		if err != nil || !changed {
			return false, err
		}
		if !before.IsZero() {
			if err := expiry.Delete(reportExpiryKey(before, r.Institution, r.ID)); err != nil {
				return false, err
			}
		}
		if !r.ExpiresAt.IsZero() {
			if err := expiry.Put(reportExpiryKey(r.ExpiresAt, r.Institution, r.ID), nil); err != nil {
				return false, err
			}
		}
		return true, ib.order.Put(orderKey(r.CreatedAt, r.ID), []byte(status))
	})
}

// Reports lists an institution's reports newest first: CreatedAt descending, then ID descending.
func (s *Store) Reports(ctx context.Context, f meldwijzer.ReportFilter) ([]*meldwijzer.Report, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	var start []byte
	if f.Cursor != "" {
		var err error
		if start, err = s.decodeCursor(f.Institution, f.Cursor); err != nil {
			return nil, "", err
		}
	}
	var (
		out  []*meldwijzer.Report
		next string
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		ib := institution(tx, f.Institution)
		if ib == nil {
			return nil
		}
		c := ib.order.Cursor()
		k, v := lastBefore(c, start)
		var last []byte
		for ; k != nil; k, v = c.Prev() {
			if f.Status != "" && string(v) != f.Status {
				continue
			}
			if len(out) == limit {
				// There is more: the next page starts after the last report of this one.
				next = s.cursors.Encode(reportsScope(f.Institution), last)
				return nil
			}
			if len(k) < timeKeyLen {
				return fmt.Errorf("bad order key %x", k)
			}
			var rec reportRecord
			ok, err := getJSON(ib.reports, k[timeKeyLen:], &rec)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("order key %x has no report", k)
			}
			out = append(out, rec.report())
			last = bytes.Clone(k)
		}
		return nil
	})
	if err != nil {
		return nil, "", wrap("reports", err)
	}
	return out, next, nil
}

// lastBefore places c on the last key before start (the last key of all when start is nil), for
// listing newest first from a cursor.
func lastBefore(c *bbolt.Cursor, start []byte) (k, v []byte) {
	if start == nil {
		return c.Last()
	}
	if k, v = c.Seek(start); k == nil {
		k, v = c.Last()
	}
	for k != nil && bytes.Compare(k, start) >= 0 {
		k, v = c.Prev()
	}
	return k, v
}

// Reports cursors are bound to the institution and signed with the store's cursor key; the
// position is the order key of a page's last report.
func reportsScope(inst string) string { return cursor.Scope("reports", inst) }

func (s *Store) decodeCursor(inst, c string) ([]byte, error) {
	key, err := s.cursors.Decode(reportsScope(inst), c)
	if err != nil || len(key) < timeKeyLen {
		return nil, meldwijzer.ErrBadCursor
	}
	return key, nil
}

// Counts returns inst's counts for months from..to (YYYY-MM, inclusive).
func (s *Store) Counts(ctx context.Context, inst, from, to string) ([]meldwijzer.Count, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []meldwijzer.Count
	err := s.db.View(func(tx *bbolt.Tx) error {
		ib := institution(tx, inst)
		if ib == nil {
			return nil
		}
		c := ib.counts.Cursor()
		for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
			parts := bytes.SplitN(k, []byte{0}, 3)
			if len(parts) != 3 {
				return fmt.Errorf("bad count key %q", k)
			}
			month := string(parts[0])
			if month > to {
				break
			}
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return fmt.Errorf("bad count %q: %w", v, err)
			}
			out = append(out, meldwijzer.Count{
				CountKey: meldwijzer.CountKey{Institution: inst, Month: month, Dimension: string(parts[1]), Value: string(parts[2])},
				N:        n,
			})
		}
		return nil
	})
	if err != nil {
		return nil, wrap("counts", err)
	}
	return out, nil
}

// Sweep deletes every report whose ExpiresAt is before now, with its messages, receipt index
// and idempotency record, and every idempotency record whose own ExpiresAt is before now. The
// counts stay. It returns the number of reports deleted.
func (s *Store) Sweep(now time.Time) (int, error) {
	deleted := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		deleted = 0
		expiry := tx.Bucket(bucketExpiry)
		limit := timeKey(now)
		var due [][]byte
		c := expiry.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:min(len(k), timeKeyLen)], limit) < 0; k, _ = c.Next() {
			due = append(due, bytes.Clone(k))
		}
		for _, k := range due {
			if err := expiry.Delete(k); err != nil {
				return err
			}
			if len(k) <= timeKeyLen {
				continue
			}
			switch rest := k[timeKeyLen+1:]; k[timeKeyLen] {
			case expiryReport:
				inst, id, ok := bytes.Cut(rest, []byte{0})
				if !ok {
					continue
				}
				n, err := deleteReport(tx, string(inst), string(id), now)
				if err != nil {
					return err
				}
				deleted += n
			case expiryIdempotency:
				var rec idempotencyRecord
				ok, err := getJSON(tx.Bucket(bucketIdempotency), rest, &rec)
				if err != nil {
					return err
				}
				if ok && !rec.ExpiresAt.IsZero() && rec.ExpiresAt.Before(now) {
					if err := tx.Bucket(bucketIdempotency).Delete(rest); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, wrap("sweep", err)
	}
	return deleted, nil
}

// deleteReport deletes inst's report id, its order key, receipt index and idempotency record
// when its ExpiresAt is before now; it returns 1 when it did.
func deleteReport(tx *bbolt.Tx, inst, id string, now time.Time) (int, error) {
	ib, rec, err := load(tx, inst, id)
	if err == meldwijzer.ErrReportNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if rec.ExpiresAt.IsZero() || !rec.ExpiresAt.Before(now) {
		return 0, nil
	}
	if err := ib.reports.Delete([]byte(id)); err != nil {
		return 0, err
	}
	if err := ib.order.Delete(orderKey(rec.CreatedAt, id)); err != nil {
		return 0, err
	}
	if rec.ReceiptHash != "" {
		receipts := tx.Bucket(bucketReceipts)
		var ref receiptRecord
		ok, err := getJSON(receipts, []byte(rec.ReceiptHash), &ref)
		if err != nil {
			return 0, err
		}
		if ok && ref == (receiptRecord{inst, id}) {
			if err := receipts.Delete([]byte(rec.ReceiptHash)); err != nil {
				return 0, err
			}
		}
	}
	if rec.IdempotencyKey != "" {
		idb := tx.Bucket(bucketIdempotency)
		var i idempotencyRecord
		ok, err := getJSON(idb, []byte(rec.IdempotencyKey), &i)
		if err != nil {
			return 0, err
		}
		// The record may be a newer one for the same key, after the first had expired.
		if ok && i.Institution == inst && i.ReportID == id {
			if err := idb.Delete([]byte(rec.IdempotencyKey)); err != nil {
				return 0, err
			}
			if !i.ExpiresAt.IsZero() {
				if err := tx.Bucket(bucketExpiry).Delete(idempotencyExpiryKey(i.ExpiresAt, i.KeyHash)); err != nil {
					return 0, err
				}
			}
		}
	}
	return 1, nil
}
