// Package seal seals the text people wrote so that deleting one small key deletes the text
// everywhere. Each item (a report; later an incident) has its own random data key. Its text
// fields are sealed with AES-256-GCM under that key, with a fresh nonce for every seal and the
// item's institution, kind, id and field name as additional data, so that a ciphertext opens
// only in the field of the item it was sealed for. The data key is kept only wrapped by the
// institution's key (a Wrapper: seal/kms on AWS, seal/keyfile locally) in a KeyStore that has
// no backups. Once the wrapped key is deleted, no copy of the ciphertext (a backup, a
// point-in-time restore, a freed page of a file) can be opened again.
//
// To seal a new text field: seal it with Box.Seal(field, text) before it is stored and open it
// with Box.Open(field, stored) after it is read, with a field name of its own (FieldNote, ...).
// A new kind of item gets its own meldwijzer.KeyKind* and its own data key (Sealer.Create when
// it is made, Sealer.Expire when its retention starts).
package seal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"meldwijzer"
)

// Field names: the additional data names the field, so that a ciphertext cannot move from one
// field to another (a reporter's message shown as the institution's answer).
const (
	FieldDescription = "description"
	// FieldMessage is a message's field, by its sender: FieldMessage + ":" + from.
	FieldMessage = "message"
	// FieldNote is a handler's internal note on a report.
	FieldNote = "note"
)

// MessageField is the field name of a message from from (meldwijzer.FromReporter or FromInstitution).
func MessageField(from string) string { return FieldMessage + ":" + from }

// KeySize is the size of a data key: AES-256.
const KeySize = 32

// prefix marks a sealed text; text without it was stored before sealing existed and is read as
// it is (see Box.Open).
const prefix = "mwseal1:"

// Wrapper wraps data keys under the institution's key and unwraps them. A wrapped key is bound
// to its KeyRef: it unwraps for that ref only.
type Wrapper interface {
	// NewKey returns a fresh data key of KeySize bytes and its wrapped form for ref.
	NewKey(ctx context.Context, ref meldwijzer.KeyRef) (key, wrapped []byte, err error)
	// Unwrap returns the data key that wrapped holds; an error when wrapped was not made for ref
	// or by this institution's key.
	Unwrap(ctx context.Context, ref meldwijzer.KeyRef, wrapped []byte) ([]byte, error)
}

// Sealer makes, finds and deletes the data keys of items.
type Sealer struct {
	wrapper Wrapper
	keys    meldwijzer.KeyStore
}

// New returns a Sealer that wraps with w and keeps the wrapped keys in keys.
func New(w Wrapper, keys meldwijzer.KeyStore) *Sealer { return &Sealer{wrapper: w, keys: keys} }

// Keys is the store of wrapped keys.
func (s *Sealer) Keys() meldwijzer.KeyStore { return s.keys }

// Create makes ref's data key, stores it wrapped and returns the box that seals ref's text.
// meldwijzer.ErrKeyTaken when ref has a key already.
func (s *Sealer) Create(ctx context.Context, ref meldwijzer.KeyRef) (*Box, error) {
	key, wrapped, err := s.wrapper.NewKey(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.keys.PutKey(ctx, ref, wrapped); err != nil {
		return nil, err
	}
	return newBox(ref, key)
}

// Open returns the box of ref's data key; meldwijzer.ErrKeyNotFound when it has none (never
// made, or deleted by retention).
func (s *Sealer) Open(ctx context.Context, ref meldwijzer.KeyRef) (*Box, error) {
	wrapped, err := s.keys.Key(ctx, ref)
	if err != nil {
		return nil, err
	}
	key, err := s.wrapper.Unwrap(ctx, ref, wrapped)
	if err != nil {
		return nil, err
	}
	return newBox(ref, key)
}

// OpenOrCreate returns the box of ref's data key, making the key when ref has none (an item
// stored before sealing existed gets one at its first new text).
func (s *Sealer) OpenOrCreate(ctx context.Context, ref meldwijzer.KeyRef) (*Box, error) {
	b, err := s.Open(ctx, ref)
	if !errors.Is(err, meldwijzer.ErrKeyNotFound) {
		return b, err
	}
	b, err = s.Create(ctx, ref)
	if errors.Is(err, meldwijzer.ErrKeyTaken) { // made by a concurrent request
		return s.Open(ctx, ref)
	}
	return b, err
}

// Expire sets when ref's key is deleted (zero: never), following the item's ExpiresAt. An item
// without a key (stored before sealing existed) has nothing to expire.
func (s *Sealer) Expire(ctx context.Context, ref meldwijzer.KeyRef, at time.Time) error {
	err := s.keys.SetKeyExpiry(ctx, ref, at)
	if errors.Is(err, meldwijzer.ErrKeyNotFound) {
		return nil
	}
	return err
}

// Delete deletes ref's key now: its text can never be opened again.
func (s *Sealer) Delete(ctx context.Context, ref meldwijzer.KeyRef) error {
	return s.keys.DeleteKey(ctx, ref)
}

// Box seals and opens the text fields of one item with its data key.
type Box struct {
	ref  meldwijzer.KeyRef
	aead cipher.AEAD
}

// NewBox returns the box of ref with an unwrapped data key (for tools that test keys).
func NewBox(ref meldwijzer.KeyRef, key []byte) (*Box, error) { return newBox(ref, key) }

func newBox(ref meldwijzer.KeyRef, key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, errors.New("seal: a data key has 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{ref: ref, aead: aead}, nil
}

// Seal returns text sealed for field of the box's item: the prefix, then base64 of a fresh
// random nonce and the ciphertext. Empty text stays empty.
func (b *Box) Seal(field, text string) string {
	if text == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(text)+b.aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	out := b.aead.Seal(nonce, nonce, []byte(text), AdditionalData(b.ref, field))
	return prefix + base64.RawStdEncoding.EncodeToString(out)
}

// ErrOpen is the answer for a sealed text that does not open with the box's key, item and field.
var ErrOpen = errors.New("seal: the text does not open with this item's key")

// Open returns the text of a stored field. Text without the sealed prefix was stored before
// sealing existed and is returned as it is.
func (b *Box) Open(field, stored string) (string, error) {
	if !Sealed(stored) {
		return stored, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(stored[len(prefix):])
	if err != nil || len(raw) < b.aead.NonceSize()+b.aead.Overhead() {
		return "", ErrOpen
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], AdditionalData(b.ref, field))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// Sealed reports whether a stored text is sealed.
func Sealed(stored string) bool { return strings.HasPrefix(stored, prefix) }

// AdditionalData binds a seal (or a wrapped key, with field "") to its item and field: each
// part length-prefixed, so that no two refs and fields give the same bytes.
func AdditionalData(ref meldwijzer.KeyRef, field string) []byte {
	var out []byte
	for _, p := range []string{"meldwijzer seal v1", ref.Institution, ref.Kind, ref.ID, field} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(p)))
		out = append(out, p...)
	}
	return out
}
