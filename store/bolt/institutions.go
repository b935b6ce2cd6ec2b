package bolt

// The institutions, apart from the reports:
//
//	institutions  <id>      → the record JSON (meldwijzer.Institution)
//	domains       <domain>  → the id of the institution that registered it
//
// A record and its domain index change in one Update transaction.

import (
	"context"
	"encoding/json"
	"slices"

	"go.etcd.io/bbolt"

	"meldwijzer"
)

var _ meldwijzer.InstitutionStore = (*Store)(nil)

var (
	bucketInstitutions = []byte("institutions")
	bucketDomains      = []byte("domains")
)

// PutInstitution adds or replaces the record and replaces its domain index.
func (s *Store) PutInstitution(ctx context.Context, inst *meldwijzer.Institution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := inst.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(inst)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		recs, doms, err := institutionBuckets(tx)
		if err != nil {
			return err
		}
		for _, d := range inst.Domains {
			if other := doms.Get([]byte(d)); other != nil && string(other) != inst.ID {
				return meldwijzer.ErrDomainTaken(d, string(other))
			}
		}
		if old, err := institutionIn(recs, inst.ID); err == nil {
			for _, d := range old.Domains {
				if !slices.Contains(inst.Domains, d) {
					if err := doms.Delete([]byte(d)); err != nil {
						return err
					}
				}
			}
		}
		for _, d := range inst.Domains {
			if err := doms.Put([]byte(d), []byte(inst.ID)); err != nil {
				return err
			}
		}
		return recs.Put([]byte(inst.ID), data)
	})
}

// Institution returns the record.
func (s *Store) Institution(ctx context.Context, id string) (*meldwijzer.Institution, error) {
	var inst *meldwijzer.Institution
	err := s.db.View(func(tx *bbolt.Tx) error {
		recs := tx.Bucket(bucketInstitutions)
		if recs == nil {
			return meldwijzer.ErrInstitutionNotFound(id)
		}
		var err error
		inst, err = institutionIn(recs, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// Institutions lists every record, sorted by id (bbolt's key order).
func (s *Store) Institutions(ctx context.Context) ([]*meldwijzer.Institution, error) {
	list := []*meldwijzer.Institution{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		recs := tx.Bucket(bucketInstitutions)
		if recs == nil {
			return nil
		}
		return recs.ForEach(func(_, v []byte) error {
			inst := &meldwijzer.Institution{}
			if err := json.Unmarshal(v, inst); err != nil {
				return err
			}
			list = append(list, inst)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// InstitutionByDomain follows the domain index to the record.
func (s *Store) InstitutionByDomain(ctx context.Context, domain string) (*meldwijzer.Institution, error) {
	var inst *meldwijzer.Institution
	err := s.db.View(func(tx *bbolt.Tx) error {
		recs, doms := tx.Bucket(bucketInstitutions), tx.Bucket(bucketDomains)
		if recs == nil || doms == nil {
			return meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution registered the domain %q", domain)
		}
		id := doms.Get([]byte(domain))
		if id == nil {
			return meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution registered the domain %q", domain)
		}
		var err error
		inst, err = institutionIn(recs, string(id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// DeleteInstitution removes the record and its domain index.
func (s *Store) DeleteInstitution(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		recs, doms, err := institutionBuckets(tx)
		if err != nil {
			return err
		}
		old, err := institutionIn(recs, id)
		if err != nil {
			return err
		}
		for _, d := range old.Domains {
			if string(doms.Get([]byte(d))) == id {
				if err := doms.Delete([]byte(d)); err != nil {
					return err
				}
			}
		}
		return recs.Delete([]byte(id))
	})
}

func institutionBuckets(tx *bbolt.Tx) (recs, doms *bbolt.Bucket, err error) {
	if recs, err = tx.CreateBucketIfNotExists(bucketInstitutions); err != nil {
		return nil, nil, err
	}
	if doms, err = tx.CreateBucketIfNotExists(bucketDomains); err != nil {
		return nil, nil, err
	}
	return recs, doms, nil
}

func institutionIn(recs *bbolt.Bucket, id string) (*meldwijzer.Institution, error) {
	v := recs.Get([]byte(id))
	if v == nil {
		return nil, meldwijzer.ErrInstitutionNotFound(id)
	}
	inst := &meldwijzer.Institution{}
	if err := json.Unmarshal(v, inst); err != nil {
		return nil, err
	}
	return inst, nil
}
