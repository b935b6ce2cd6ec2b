// Deleting what has expired: closed reports after their retention, old idempotency records.

package bolt

import (
	"bytes"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
)

// Sweep deletes every report whose ExpiresAt is before now, with its messages, receipt index
// and idempotency record, every idempotency record whose own ExpiresAt is before now, and every
// incident whose ExpiresAt is before now. The counts stay. It returns the number of reports deleted.
func (s *Store) Sweep(now time.Time) (int, error) {
	deleted := 0
	err := s.write(func(tx *bbolt.Tx) error {
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
			case expiryIncident:
				if _, err := deleteIncident(tx, rest, now); err != nil {
					return err
				}
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
	if err := ib.order.Delete(orderKey(rec.CreatedAt, rec.Seq, id)); err != nil {
		return 0, err
	}
	if err := reindex(ib, rec.report(), nil); err != nil {
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
