// Writing and reading one report: create, read, add a message, set the status. The rules are
// the domain's (meldwijzer.Report); this file keeps the indexes in step.

package bolt

import (
	"context"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
)

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
	err := s.write(func(tx *bbolt.Tx) error {
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
		seq, err := ib.order.NextSequence()
		if err != nil {
			return err
		}
		rec := toRecord(r, idem.KeyHash)
		rec.Seq = int64(seq)
		if err := putJSON(ib.reports, []byte(r.ID), rec); err != nil {
			return err
		}
		if err := ib.order.Put(orderKey(r.CreatedAt, rec.Seq, r.ID), []byte(r.Status)); err != nil {
			return err
		}
		if err := reindex(ib, nil, rec.report()); err != nil {
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
		if err := addCounts(ib.counts, r.CountKeys()); err != nil {
			return err
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
	err := s.read(func(tx *bbolt.Tx) error {
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
	err := s.read(func(tx *bbolt.Tx) error {
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
// change left it, with its open index entry and deadline counts; change returns false when
// nothing changed (nothing is written).
func (s *Store) update(ctx context.Context, op, inst, id string, change func(tx *bbolt.Tx, ib *instBuckets, r *meldwijzer.Report) (bool, error)) (*meldwijzer.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r *meldwijzer.Report
	err := s.write(func(tx *bbolt.Tx) error {
		ib, rec, err := load(tx, inst, id)
		if err != nil {
			return err
		}
		r = rec.report()
		changed, err := change(tx, ib, r)
		if err != nil || !changed {
			return err
		}
		if err := reindex(ib, rec.report(), r); err != nil {
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
// keeps its expiry, order and open keys in step.
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
		return true, nil // update's reindex moves the order, open and deadline entries
	})
}
