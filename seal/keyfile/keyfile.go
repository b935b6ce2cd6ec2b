// Package keyfile is the local seal.Wrapper: a master key in a file of the data directory.
// Each institution's key is derived from it with HKDF-SHA256 (info "meldwijzer seal
// institution " + the institution's id); a data key is wrapped with AES-256-GCM under the
// institution's key, with a random nonce and the item's KeyRef as additional data, so that a
// wrapped key unwraps only for its own item. The master key alone opens nothing: the wrapped
// keys live in their own store (never backed up), and a deleted one is gone.
package keyfile

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"

	"meldwijzer"
	"meldwijzer/seal"
)

// Wrapper wraps data keys under keys derived from one master key.
type Wrapper struct{ master []byte }

var _ seal.Wrapper = (*Wrapper)(nil)

// New returns the wrapper of a master key of 32 bytes.
func New(master []byte) (*Wrapper, error) {
	if len(master) != 32 {
		return nil, errors.New("keyfile: the master key has 32 bytes")
	}
	return &Wrapper{master: master}, nil
}

// Load reads the master key from path (32 raw bytes), making it (mode 0600) on first use.
func Load(path string) (*Wrapper, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b = make([]byte, 32)
		_, _ = rand.Read(b)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("keyfile: %w", err)
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("keyfile: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	return New(b)
}

func (w *Wrapper) aead(institution string) (cipher.AEAD, error) {
	if institution == "" {
		return nil, errors.New("keyfile: a data key belongs to an institution")
	}
	k, err := hkdf.Key(sha256.New, w.master, nil, "meldwijzer seal institution "+institution, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// NewKey returns a random data key and its wrapped form: nonce, then ciphertext and tag.
func (w *Wrapper) NewKey(_ context.Context, ref meldwijzer.KeyRef) (key, wrapped []byte, err error) {
	a, err := w.aead(ref.Institution)
	if err != nil {
		return nil, nil, err
	}
	key = make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	nonce := make([]byte, a.NonceSize())
	_, _ = rand.Read(nonce)
	return key, a.Seal(nonce, nonce, key, seal.AdditionalData(ref, "")), nil
}

// ErrUnwrap is the answer for a wrapped key that is not ref's under this master key.
var ErrUnwrap = errors.New("keyfile: the wrapped key is not this item's")

// Unwrap returns the data key of ref.
func (w *Wrapper) Unwrap(_ context.Context, ref meldwijzer.KeyRef, wrapped []byte) ([]byte, error) {
	a, err := w.aead(ref.Institution)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < a.NonceSize()+a.Overhead() {
		return nil, ErrUnwrap
	}
	n := a.NonceSize()
	key, err := a.Open(nil, wrapped[:n], wrapped[n:], seal.AdditionalData(ref, ""))
	if err != nil {
		return nil, ErrUnwrap
	}
	return key, nil
}
