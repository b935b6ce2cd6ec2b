// Package bolt is the embedded meldwijzer.ReportStore on a bbolt file, for the local binary and
// self-hosted mode. Every write is one bbolt Update transaction; values are JSON.
//
// Layout (bucket → key → value):
//
//	meta        "cursor-key"                     → 32 random bytes (authenticates cursors)
//	inst        <institution> (nested bucket):
//	  reports   <report id>                      → report JSON (with its messages)
//	  order     <created>(12) <seq>(8) <report id> → status    (Reports: newest first, by status)
//	  open      <created>(12) <seq>(8) <report id> → status    (the same, of the open reports only)
//	  due       <kind> 0 <deadline>(12)           → how many open reports wait on it (JSON number)
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
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

// OpenTimeout is how long Open waits for the file lock that another process holds.
const OpenTimeout = time.Second

// ErrLocked is Open's error when another process has the file open (a running server).
var ErrLocked = errors.New("the file is locked: another meldwijzer process has this store open")

// DefaultLimit is the page size of a listing when no limit is asked (the domain's).
const DefaultLimit = meldwijzer.DefaultPageSize

var (
	bucketMeta        = []byte("meta")
	bucketInst        = []byte("inst")
	bucketReports     = []byte("reports")
	bucketOrder       = []byte("order")
	bucketOpen        = []byte("open")
	bucketDue         = []byte("due")
	bucketDeadline    = []byte("deadline")
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
	orderPrefixLen    = timeKeyLen + 8 // an order key's creation day and sequence
)

// Store is a ReportStore in one bbolt file. It is safe for concurrent use; one process at a
// time may open the file.
type Store struct {
	*file
	cursors cursor.Codec
}

var _ meldwijzer.ReportStore = (*Store)(nil)

// Open opens or creates the store file at path (mode 0600; its directory is created with mode
// 0700 when missing). It fails after OpenTimeout when another process has the file open.
func Open(path string) (*Store, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	s := &Store{file: f}
	err = s.write(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketInst, bucketReceipts, bucketIdempotency, bucketExpiry} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := migrate(tx); err != nil {
			return err
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
		f.close()
		return nil, fmt.Errorf("bolt store: initialise %s: %w", path, err)
	}
	return s, nil
}

// Close releases the file.
func (s *Store) Close() error { return s.close() }

// Compact rewrites the file without the free pages that deleted reports leave (see
// file.compact); the server calls it after a sweep that deleted something.
func (s *Store) Compact() error { return s.compact() }

// migrate builds what a file written by an older version lacks: an institution's open index,
// deadline counts and deadline index, from its reports.
func migrate(tx *bbolt.Tx) error {
	return tx.Bucket(bucketInst).ForEachBucket(func(name []byte) error {
		b := tx.Bucket(bucketInst).Bucket(name)
		if b.Bucket(bucketOpen) != nil && b.Bucket(bucketDue) != nil && b.Bucket(bucketDeadline) != nil {
			return nil
		}
		for _, n := range [][]byte{bucketOpen, bucketDue, bucketDeadline} {
			if b.Bucket(n) != nil {
				if err := b.DeleteBucket(n); err != nil {
					return err
				}
			}
		}
		ib, err := createInstitution(tx, string(name))
		if err != nil {
			return err
		}
		return ib.reports.ForEach(func(_, v []byte) error {
			var rec reportRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			return reindex(ib, nil, rec.report())
		})
	})
}
