package bolt

// The audit log lives apart from the reports, so that nothing that deletes reports (Sweep)
// can reach it:
//
//	audit       <institution> (nested bucket, created by the first entry):
//	            <at>(12) <seq>(8)                → entry JSON
//
// <at> is the entry's time key (see timeKey) and <seq> the institution bucket's NextSequence,
// big-endian: keys are unique, and byte order is time order, then append order.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

var _ meldwijzer.AuditLog = (*Store)(nil)

var bucketAudit = []byte("audit")

const auditKeyLen = timeKeyLen + 8

type auditRecord struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Role     string    `json:"role,omitempty"`
	Action   string    `json:"action"`
	ReportID string    `json:"reportId,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// AppendAudit adds e to its institution's audit log.
func (s *Store) AppendAudit(ctx context.Context, e meldwijzer.AuditEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	err := s.write(func(tx *bbolt.Tx) error {
		root, err := tx.CreateBucketIfNotExists(bucketAudit)
		if err != nil {
			return err
		}
		b, err := root.CreateBucketIfNotExists([]byte(e.Institution))
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64(timeKey(e.At), seq)
		return putJSON(b, key, auditRecord{
			At: e.At.UTC(), Actor: e.Actor, Role: e.Role, Action: e.Action, ReportID: e.ReportID, Detail: e.Detail,
		})
	})
	return wrap("append audit", err)
}

// Audit lists inst's audit entries newest first: At descending, then the later appended first.
func (s *Store) Audit(ctx context.Context, inst, cursor string, limit int) ([]meldwijzer.AuditEntry, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if inst == "" {
		return nil, "", meldwijzer.ErrNoInstitution
	}
	limit = meldwijzer.PageSize(limit, meldwijzer.MaxAuditPage)
	var start []byte
	if cursor != "" {
		var err error
		if start, err = s.decodeAuditCursor(inst, cursor); err != nil {
			return nil, "", err
		}
	}
	var (
		out  []meldwijzer.AuditEntry
		next string
	)
	err := s.read(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketAudit)
		if root == nil {
			return nil
		}
		b := root.Bucket([]byte(inst))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		// Keys are unique and the cursor's key was listed, so the page starts right before it.
		k, v := lastBefore(c, start)
		var last []byte
		for ; k != nil; k, v = c.Prev() {
			if len(out) == limit {
				next = s.cursors.Encode(auditScope(inst), last)
				return nil
			}
			if len(k) != auditKeyLen {
				return fmt.Errorf("bad audit key %x", k)
			}
			var rec auditRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode audit entry %x: %w", k, err)
			}
			out = append(out, meldwijzer.AuditEntry{
				Institution: inst, At: rec.At, Actor: rec.Actor, Role: rec.Role, Action: rec.Action,
				ReportID: rec.ReportID, Detail: rec.Detail,
			})
			last = k // valid for the life of the transaction, which encodes the cursor
		}
		return nil
	})
	if err != nil {
		return nil, "", wrap("audit", err)
	}
	return out, next, nil
}

// Audit cursors are the Reports cursors' codec with a scope of their own, so that neither is
// taken for the other; the position is the audit key of a page's last entry.
func auditScope(inst string) string { return cursor.Scope("audit", inst) }

func (s *Store) decodeAuditCursor(inst, c string) ([]byte, error) {
	key, err := s.cursors.Decode(auditScope(inst), c)
	if err != nil || len(key) != auditKeyLen {
		return nil, meldwijzer.ErrBadCursor
	}
	return key, nil
}
