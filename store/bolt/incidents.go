// Incidents registered by staff: their records, counters and idempotency records.
//
// Layout (beside bolt.go's):
//
//	incidents   <institution> (nested bucket):
//	  list      <day>(12) <incident id>  → incident JSON (newest first: read backwards)
//	  counts    <YYYY-MM> 0 <dimension> 0 <value> → count as a JSON number
//	  idem      <key hash>               → {"requestHash","day","id","expiresAt"}
//	expiry      <expires>(12) 'n' <inst> 0 <day>(12) <id> → "" (incidents to delete by Sweep)

package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

var (
	bucketIncidents     = []byte("incidents")
	bucketIncidentList  = []byte("list")
	bucketIncidentIdem  = []byte("idem")
	bucketIncidentCount = []byte("counts")
)

const expiryIncident = 'n'

var _ meldwijzer.IncidentStore = (*Store)(nil)

type incidentRecord struct {
	ID          string    `json:"id"`
	Institution string    `json:"institution"`
	Day         time.Time `json:"day"`
	Theme       string    `json:"theme"`
	Where       string    `json:"where"`
	Involved    []string  `json:"involved"`
	Grounds     []string  `json:"grounds,omitempty"`
	Categories  []string  `json:"categories"`
	Serious     bool      `json:"serious"`
	Actions     []string  `json:"actions,omitempty"`
	FollowUp    string    `json:"followUp,omitempty"`
	Note        string    `json:"note,omitempty"`
	Author      string    `json:"author"`
	Registered  time.Time `json:"registered"`
	ExpiresAt   time.Time `json:"expiresAt,omitzero"`
}

type incidentIdemRecord struct {
	RequestHash string    `json:"requestHash"`
	Key         []byte    `json:"key"` // the incident's list key
	ExpiresAt   time.Time `json:"expiresAt,omitzero"`
}

func (rec *incidentRecord) incident() *meldwijzer.Incident {
	in := meldwijzer.Incident(*rec)
	return &in
}

func incidentKey(day time.Time, id string) []byte { return append(timeKey(day), id...) }

func incidentExpiryKey(expires time.Time, inst string, key []byte) []byte {
	k := append(timeKey(expires), expiryIncident)
	k = append(k, inst...)
	k = append(k, 0)
	return append(k, key...)
}

type incidentBuckets struct{ list, idem, counts *bbolt.Bucket }

func incidentsOf(tx *bbolt.Tx, inst string, create bool) (*incidentBuckets, error) {
	if inst == "" {
		return nil, nil
	}
	if !create {
		top := tx.Bucket(bucketIncidents)
		if top == nil || top.Bucket([]byte(inst)) == nil {
			return nil, nil
		}
		b := top.Bucket([]byte(inst))
		return &incidentBuckets{b.Bucket(bucketIncidentList), b.Bucket(bucketIncidentIdem), b.Bucket(bucketIncidentCount)}, nil
	}
	top, err := tx.CreateBucketIfNotExists(bucketIncidents)
	if err != nil {
		return nil, err
	}
	b, err := top.CreateBucketIfNotExists([]byte(inst))
	if err != nil {
		return nil, err
	}
	var ib incidentBuckets
	for _, x := range []struct {
		name []byte
		b    **bbolt.Bucket
	}{{bucketIncidentList, &ib.list}, {bucketIncidentIdem, &ib.idem}, {bucketIncidentCount, &ib.counts}} {
		if *x.b, err = b.CreateBucketIfNotExists(x.name); err != nil {
			return nil, err
		}
	}
	return &ib, nil
}

// CreateIncident stores the incident, its counters and its idempotency record in one
// transaction, or returns the stored incident when idem.KeyHash is known.
func (s *Store) CreateIncident(ctx context.Context, in *meldwijzer.Incident, idem *meldwijzer.IncidentIdempotency) (*meldwijzer.Incident, string, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", false, err
	}
	if err := in.ValidateNew(idem); err != nil {
		return nil, "", false, err
	}
	var (
		stored      *meldwijzer.Incident
		requestHash string
		created     bool
	)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		ib, err := incidentsOf(tx, in.Institution, true)
		if err != nil {
			return err
		}
		var known incidentIdemRecord
		ok, err := getJSON(ib.idem, []byte(idem.KeyHash), &known)
		if err != nil {
			return err
		}
		if ok {
			var rec incidentRecord
			found, err := getJSON(ib.list, known.Key, &rec)
			if err != nil {
				return err
			}
			if !found {
				return meldwijzer.ErrIncidentGone
			}
			stored, requestHash = rec.incident(), known.RequestHash
			return nil
		}
		key := incidentKey(in.Day, in.ID)
		if ib.list.Get(key) != nil {
			return meldwijzer.ErrIncidentTaken
		}
		rec := incidentRecord(*in)
		if err := putJSON(ib.list, key, rec); err != nil {
			return err
		}
		if err := putJSON(ib.idem, []byte(idem.KeyHash), incidentIdemRecord{idem.RequestHash, key, idem.ExpiresAt}); err != nil {
			return err
		}
		if !in.ExpiresAt.IsZero() {
			if err := tx.Bucket(bucketExpiry).Put(incidentExpiryKey(in.ExpiresAt, in.Institution, key), nil); err != nil {
				return err
			}
		}
		if err := addCounts(ib.counts, in.IncidentCountKeys()); err != nil {
			return err
		}
		var back incidentRecord
		if _, err := getJSON(ib.list, key, &back); err != nil {
			return err
		}
		stored, requestHash, created = back.incident(), idem.RequestHash, true
		return nil
	})
	if err != nil {
		return nil, "", false, wrap("create incident", err)
	}
	return stored, requestHash, created, nil
}

// addCounts adds one to each count key in b.
func addCounts(b *bbolt.Bucket, keys []meldwijzer.CountKey) error {
	for _, k := range keys {
		key := countKey(k)
		n := 0
		if _, err := getJSON(b, key, &n); err != nil {
			return err
		}
		if err := putJSON(b, key, n+1); err != nil {
			return err
		}
	}
	return nil
}

func incidentsScope(f meldwijzer.IncidentFilter) string {
	return cursor.Scope("incidents", f.Institution, f.Author, fmt.Sprint(f.Serious))
}

// Incidents lists an institution's incidents newest first; an author's or the serious ones are
// a filter on the walk (the local store holds one school's incidents).
func (s *Store) Incidents(ctx context.Context, f meldwijzer.IncidentFilter) ([]*meldwijzer.Incident, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if f.Institution == "" {
		return nil, "", meldwijzer.ErrNoInstitution
	}
	limit := meldwijzer.PageSize(f.Limit, meldwijzer.MaxIncidentsPage)
	var start []byte
	if f.Cursor != "" {
		var err error
		if start, err = s.cursors.Decode(incidentsScope(f), f.Cursor); err != nil || len(start) <= timeKeyLen {
			return nil, "", meldwijzer.ErrBadCursor
		}
	}
	var (
		out  []*meldwijzer.Incident
		next string
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		ib, err := incidentsOf(tx, f.Institution, false)
		if ib == nil || err != nil {
			return err
		}
		c := ib.list.Cursor()
		var last []byte
		for k, v := lastBefore(c, start); k != nil; k, v = c.Prev() {
			var rec incidentRecord
			if err := jsonDecode(k, v, &rec); err != nil {
				return err
			}
			if (f.Author != "" && rec.Author != f.Author) || (f.Serious && !rec.Serious) {
				continue
			}
			if len(out) == limit {
				next = s.cursors.Encode(incidentsScope(f), last)
				return nil
			}
			out = append(out, rec.incident())
			last = bytes.Clone(k)
		}
		return nil
	})
	if err != nil {
		return nil, "", wrap("incidents", err)
	}
	return out, next, nil
}

// IncidentCounts returns inst's incident counters for months from..to (YYYY-MM, inclusive).
func (s *Store) IncidentCounts(ctx context.Context, inst, from, to string) ([]meldwijzer.Count, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []meldwijzer.Count
	err := s.db.View(func(tx *bbolt.Tx) error {
		ib, err := incidentsOf(tx, inst, false)
		if ib == nil || err != nil {
			return err
		}
		out, err = readCounts(ib.counts, inst, from, to)
		return err
	})
	if err != nil {
		return nil, wrap("incident counts", err)
	}
	return out, nil
}

// deleteIncident deletes an expired incident (the expiry key's rest: inst 0 list key) and its
// idempotency record; the counters stay. It returns 1 when it did.
func deleteIncident(tx *bbolt.Tx, rest []byte, now time.Time) (int, error) {
	inst, key, ok := bytes.Cut(rest, []byte{0})
	if !ok {
		return 0, nil
	}
	ib, err := incidentsOf(tx, string(inst), false)
	if ib == nil || err != nil {
		return 0, err
	}
	var rec incidentRecord
	found, err := getJSON(ib.list, key, &rec)
	if err != nil || !found || !rec.incident().Expired(now) {
		return 0, err
	}
	if err := ib.list.Delete(key); err != nil {
		return 0, err
	}
	// Its idempotency record points at it: drop those (a walk of one school's records, nightly).
	var stale [][]byte
	err = ib.idem.ForEach(func(k, v []byte) error {
		var r incidentIdemRecord
		if err := jsonDecode(k, v, &r); err != nil {
			return err
		}
		if bytes.Equal(r.Key, key) {
			stale = append(stale, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range stale {
		if err := ib.idem.Delete(k); err != nil {
			return 0, err
		}
	}
	return 1, nil
}

func jsonDecode(k, v []byte, dst any) error {
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("decode %x: %w", k, err)
	}
	return nil
}
