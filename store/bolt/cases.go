// Case work: the assignee, internal notes, and the open reports by their next deadline.

package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

// deadlineKey orders the open reports by their next deadline, then as they arrived.
func deadlineKey(r *meldwijzer.Report) ([]byte, bool) {
	by, ok := r.NextDeadline()
	if !ok {
		return nil, false
	}
	return append(timeKey(by), orderKey(r.CreatedAt, r.Seq, r.ID)...), true
}

// reindexDeadline moves a report's deadline index entry from before's next deadline to after's
// (nil: none), with its status as the value.
func reindexDeadline(ib *instBuckets, before, after *meldwijzer.Report) error {
	var old, cur []byte
	if before != nil {
		old, _ = deadlineKey(before)
	}
	if after != nil {
		cur, _ = deadlineKey(after)
	}
	if old != nil && !bytes.Equal(old, cur) {
		if err := ib.deadline.Delete(old); err != nil {
			return err
		}
	}
	if cur != nil {
		return ib.deadline.Put(cur, []byte(after.Status))
	}
	return nil
}

// SetAssignee sets the assignee of inst's report id (meldwijzer.Report.SetAssignee).
func (s *Store) SetAssignee(ctx context.Context, inst, id, assignee string, at time.Time) (*meldwijzer.Report, error) {
	if err := meldwijzer.CheckAssignee(assignee); err != nil {
		return nil, err
	}
	return s.update(ctx, "set assignee", inst, id, func(_ *bbolt.Tx, _ *instBuckets, r *meldwijzer.Report) (bool, error) {
		return r.SetAssignee(assignee, at)
	})
}

// AddNote appends an internal note to inst's report id (meldwijzer.Report.AddNote).
func (s *Store) AddNote(ctx context.Context, inst, id string, n meldwijzer.Note) (*meldwijzer.Report, error) {
	return s.update(ctx, "add note", inst, id, func(_ *bbolt.Tx, _ *instBuckets, r *meldwijzer.Report) (bool, error) {
		return true, r.AddNote(n)
	})
}

// deadlineScope binds a deadline listing's cursor to the institution.
func deadlineScope(inst string) string { return cursor.Scope("deadline", inst) }

// reportsByDeadline lists inst's open reports by next deadline, from the deadline index: one
// forward walk from the cursor, which stops at f.DueBefore (the overdue ones), never a walk
// over every report.
func (s *Store) reportsByDeadline(f meldwijzer.ReportFilter, limit int) ([]*meldwijzer.Report, string, error) {
	var start []byte
	if f.Cursor != "" {
		k, err := s.cursors.Decode(deadlineScope(f.Institution), f.Cursor)
		if err != nil || len(k) < timeKeyLen+orderPrefixLen {
			return nil, "", meldwijzer.ErrBadCursor
		}
		start = k
	}
	var stop []byte
	if !f.DueBefore.IsZero() {
		stop = timeKey(f.DueBefore)
	}
	var (
		out  []*meldwijzer.Report
		next string
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		ib := institution(tx, f.Institution)
		if ib == nil || ib.deadline == nil {
			return nil
		}
		c := ib.deadline.Cursor()
		k, v := c.First()
		if start != nil {
			// The first key after the cursor's.
			if k, v = c.Seek(start); k != nil && bytes.Equal(k, start) {
				k, v = c.Next()
			}
		}
		var last []byte
		for ; k != nil; k, v = c.Next() {
			if len(k) < timeKeyLen+orderPrefixLen {
				return fmt.Errorf("bad deadline key %x", k)
			}
			if stop != nil && bytes.Compare(k[:timeKeyLen], stop) >= 0 {
				return nil
			}
			if !f.Matches(string(v)) {
				continue
			}
			if len(out) == limit {
				next = s.cursors.Encode(deadlineScope(f.Institution), last)
				return nil
			}
			var rec reportRecord
			ok, err := getJSON(ib.reports, k[timeKeyLen+orderPrefixLen:], &rec)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("deadline key %x has no report", k)
			}
			out = append(out, rec.report())
			last = bytes.Clone(k)
		}
		return nil
	})
	if err != nil {
		return nil, "", wrap("reports by deadline", err)
	}
	return out, next, nil
}
