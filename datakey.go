package meldwijzer

import (
	"context"
	"time"
)

// Text that people wrote (a report's description and messages, and any text field added later)
// is sealed with a data key of its own item, and the data key is kept only in wrapped form
// (wrapped by the institution's key) in a KeyStore: a store that is never backed up. Deleting
// the wrapped key deletes the text wherever its ciphertext still lies (backups, point-in-time
// recovery, freed pages of a file). Package seal does the cryptography.

// Kinds of item that have a data key: the kind is part of the key's name and of what the
// wrapping is bound to.
const (
	KeyKindReport = "report"
	// KeyKindIncident is an incident's: its short note is sealed like a report's text.
	KeyKindIncident = "incident"
)

// KeyRef names the data key of one item: the institution it belongs to, the kind of item and its id.
type KeyRef struct {
	Institution string
	Kind        string
	ID          string
}

// ErrKeyNotFound is the answer for a data key that was never stored or has been deleted.
var ErrKeyNotFound = &Error{Code: ENOTFOUND, Message: "data key not found"}

// ErrKeyTaken is the answer to storing a data key under a name that has one.
var ErrKeyTaken = &Error{Code: ECONFLICT, Message: "the item has a data key already"}

// KeyStore keeps the wrapped data keys. It must not be backed up, nor have point-in-time
// recovery: deleting a key must delete it everywhere. Errors are *Error (ErrKeyNotFound,
// ErrKeyTaken, EUNAVAILABLE when it cannot be reached) or internal.
type KeyStore interface {
	// PutKey stores the wrapped key of ref; ErrKeyTaken when ref has one.
	PutKey(ctx context.Context, ref KeyRef, wrapped []byte) error
	// Key returns the wrapped key of ref; ErrKeyNotFound when there is none.
	Key(ctx context.Context, ref KeyRef) ([]byte, error)
	// SetKeyExpiry sets when the key is deleted (the item's ExpiresAt; zero: never);
	// ErrKeyNotFound when there is no key.
	SetKeyExpiry(ctx context.Context, ref KeyRef, at time.Time) error
	// DeleteKey deletes the key of ref now (nothing when it has none).
	DeleteKey(ctx context.Context, ref KeyRef) error
	// SweepKeys deletes every key whose expiry is before now, and says how many.
	SweepKeys(ctx context.Context, now time.Time) (int, error)
	// Close releases the store.
	Close() error
}
