// Listing: an institution's reports newest first, a page at a time, and its counts.

package bolt

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

// Reports lists an institution's reports newest first: CreatedAt descending, then Seq descending.
// The open reports (StatusOpen) come from their own index, one paged walk like the others.
func (s *Store) Reports(ctx context.Context, f meldwijzer.ReportFilter) ([]*meldwijzer.Report, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	limit := meldwijzer.PageSize(f.Limit, meldwijzer.MaxReportsPage)
	if f.Sort == meldwijzer.SortDeadline {
		return s.reportsByDeadline(f, limit)
	}
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
	err := s.read(func(tx *bbolt.Tx) error {
		ib := institution(tx, f.Institution)
		if ib == nil {
			return nil
		}
		// The open reports have their own index; the other statuses are a filter on all.
		index := ib.order
		if f.Status == meldwijzer.StatusOpen {
			index = ib.open
		}
		c := index.Cursor()
		k, v := lastBefore(c, start)
		var last []byte
		for ; k != nil; k, v = c.Prev() {
			if !f.Matches(string(v)) {
				continue
			}
			if len(out) == limit {
				// There is more: the next page starts after the last report of this one.
				next = s.cursors.Encode(reportsScope(f.Institution), last)
				return nil
			}
			if len(k) < orderPrefixLen {
				return fmt.Errorf("bad order key %x", k)
			}
			var rec reportRecord
			ok, err := getJSON(ib.reports, k[orderPrefixLen:], &rec)
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
	if err != nil || len(key) < orderPrefixLen {
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
	err := s.read(func(tx *bbolt.Tx) error {
		ib := institution(tx, inst)
		if ib == nil {
			return nil
		}
		var err error
		out, err = readCounts(ib.counts, inst, from, to)
		return err
	})
	if err != nil {
		return nil, wrap("counts", err)
	}
	return out, nil
}

// readCounts reads the counts of months from..to from a bucket of count keys (countKey).
func readCounts(b *bbolt.Bucket, inst, from, to string) ([]meldwijzer.Count, error) {
	var out []meldwijzer.Count
	c := b.Cursor()
	for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
		parts := bytes.SplitN(k, []byte{0}, 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("bad count key %q", k)
		}
		month := string(parts[0])
		if month > to {
			break
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return nil, fmt.Errorf("bad count %q: %w", v, err)
		}
		out = append(out, meldwijzer.Count{
			CountKey: meldwijzer.CountKey{Institution: inst, Month: month, Dimension: string(parts[1]), Value: string(parts[2])},
			N:        n,
		})
	}
	return out, nil
}

// Due returns inst's deadline counts (see meldwijzer.ReportStore.Due).
func (s *Store) Due(ctx context.Context, inst string) ([]meldwijzer.Due, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if inst == "" {
		return nil, meldwijzer.ErrNoInstitution
	}
	var out []meldwijzer.Due
	err := s.read(func(tx *bbolt.Tx) error {
		ib := institution(tx, inst)
		if ib == nil {
			return nil
		}
		return ib.due.ForEach(func(k, v []byte) error {
			key, err := parseDueKey(k)
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return fmt.Errorf("bad deadline count %q: %w", v, err)
			}
			out = append(out, meldwijzer.Due{DueKey: key, N: n})
			return nil
		})
	})
	if err != nil {
		return nil, wrap("due", err)
	}
	return out, nil
}
