// The wrapped data keys, in a bbolt file of their own (keys.db beside meldwijzer.db): the
// operator backs up the reports file, never this one, so that deleting a key here deletes the
// report's text in every backup too.
//
// Layout:
//
//	keys    <institution> 0 <kind> 0 <id>          → {"wrapped","expiresAt"}
//	expiry  <expires>(12) <institution> 0 <kind> 0 <id> → ""   (keys to delete by SweepKeys)

package bolt

import (
	"bytes"
	"context"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
)

var (
	bucketKeys      = []byte("keys")
	bucketKeyExpiry = []byte("expiry")
)

// Keys is a meldwijzer.KeyStore in one bbolt file. It is safe for concurrent use.
type Keys struct{ *file }

var _ meldwijzer.KeyStore = (*Keys)(nil)

type keyRecord struct {
	Wrapped   []byte    `json:"wrapped"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// OpenKeys opens or creates the key file at path (mode 0600).
func OpenKeys(path string) (*Keys, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	err = f.write(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketKeys, bucketKeyExpiry} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.close()
		return nil, wrap("initialise keys", err)
	}
	return &Keys{f}, nil
}

// Close releases the file.
func (k *Keys) Close() error { return k.close() }

// Compact rewrites the file without the free pages that deleted keys leave: a wrapped key in
// a free page would still open its report's text with the master key.
func (k *Keys) Compact() error { return k.compact() }

func keyName(ref meldwijzer.KeyRef) ([]byte, error) {
	for _, p := range []string{ref.Institution, ref.Kind, ref.ID} {
		if p == "" || strings.IndexByte(p, 0) >= 0 {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "a data key needs an institution, a kind and an id")
		}
	}
	return []byte(ref.Institution + "\x00" + ref.Kind + "\x00" + ref.ID), nil
}

func keyExpiryKey(at time.Time, name []byte) []byte { return append(timeKey(at), name...) }

// PutKey stores ref's wrapped key; meldwijzer.ErrKeyTaken when it has one.
func (k *Keys) PutKey(ctx context.Context, ref meldwijzer.KeyRef, wrapped []byte) error {
	name, err := keyName(ref)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("put key", k.write(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		if b.Get(name) != nil {
			return meldwijzer.ErrKeyTaken
		}
		return putJSON(b, name, keyRecord{Wrapped: wrapped})
	}))
}

// Key returns ref's wrapped key.
func (k *Keys) Key(ctx context.Context, ref meldwijzer.KeyRef) ([]byte, error) {
	name, err := keyName(ref)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var rec keyRecord
	err = k.read(func(tx *bbolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketKeys), name, &rec)
		if err == nil && !ok {
			return meldwijzer.ErrKeyNotFound
		}
		return err
	})
	if err != nil {
		return nil, wrap("key", err)
	}
	return rec.Wrapped, nil
}

// SetKeyExpiry sets when ref's key is deleted (zero: never).
func (k *Keys) SetKeyExpiry(ctx context.Context, ref meldwijzer.KeyRef, at time.Time) error {
	name, err := keyName(ref)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("set key expiry", k.write(func(tx *bbolt.Tx) error {
		b, exp := tx.Bucket(bucketKeys), tx.Bucket(bucketKeyExpiry)
		var rec keyRecord
		ok, err := getJSON(b, name, &rec)
		if err != nil {
			return err
		}
		if !ok {
			return meldwijzer.ErrKeyNotFound
		}
		if !rec.ExpiresAt.IsZero() {
			if err := exp.Delete(keyExpiryKey(rec.ExpiresAt, name)); err != nil {
				return err
			}
		}
		rec.ExpiresAt = at.UTC()
		if !at.IsZero() {
			if err := exp.Put(keyExpiryKey(rec.ExpiresAt, name), nil); err != nil {
				return err
			}
		}
		return putJSON(b, name, rec)
	}))
}

// DeleteKey deletes ref's key now.
func (k *Keys) DeleteKey(ctx context.Context, ref meldwijzer.KeyRef) error {
	name, err := keyName(ref)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("delete key", k.write(func(tx *bbolt.Tx) error {
		_, err := deleteKey(tx, name)
		return err
	}))
}

func deleteKey(tx *bbolt.Tx, name []byte) (bool, error) {
	b := tx.Bucket(bucketKeys)
	var rec keyRecord
	ok, err := getJSON(b, name, &rec)
	if err != nil || !ok {
		return false, err
	}
	if !rec.ExpiresAt.IsZero() {
		if err := tx.Bucket(bucketKeyExpiry).Delete(keyExpiryKey(rec.ExpiresAt, name)); err != nil {
			return false, err
		}
	}
	return true, b.Delete(name)
}

// SweepKeys deletes every key whose expiry is before now.
func (k *Keys) SweepKeys(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	deleted := 0
	err := k.write(func(tx *bbolt.Tx) error {
		deleted = 0
		limit := timeKey(now)
		var due [][]byte
		c := tx.Bucket(bucketKeyExpiry).Cursor()
		for e, _ := c.First(); e != nil && len(e) > timeKeyLen && bytes.Compare(e[:timeKeyLen], limit) < 0; e, _ = c.Next() {
			due = append(due, bytes.Clone(e[timeKeyLen:]))
		}
		for _, name := range due {
			ok, err := deleteKey(tx, name)
			if err != nil {
				return err
			}
			if ok {
				deleted++
			}
		}
		return nil
	})
	if err != nil {
		return 0, wrap("sweep keys", err)
	}
	return deleted, nil
}
