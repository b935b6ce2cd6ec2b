package keyfile_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"meldwijzer"
	"meldwijzer/seal/keyfile"
)

func TestWrapUnwrap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seal.key")
	w, err := keyfile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 || st.Size() != 32 {
		t.Fatalf("seal.key: %v, %v", st, err)
	}
	ctx := context.Background()
	r1 := meldwijzer.KeyRef{Institution: "i1", Kind: meldwijzer.KeyKindReport, ID: "r1"}
	key, wrapped, err := w.NewKey(ctx, r1)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 32 || bytes.Contains(wrapped, key) {
		t.Fatalf("key %d bytes; wrapped holds it in the clear: %v", len(key), bytes.Contains(wrapped, key))
	}
	// The same file, read again (a restart), unwraps it.
	again, err := keyfile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Unwrap(ctx, r1, wrapped); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("Unwrap after reload = %x, %v", got, err)
	}
	// Bound to its item: another report, institution or kind, a changed byte, another master key.
	other, err := keyfile.Load(filepath.Join(t.TempDir(), "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(wrapped)
	flipped[len(flipped)-1] ^= 1
	for name, tc := range map[string]struct {
		w       *keyfile.Wrapper
		ref     meldwijzer.KeyRef
		wrapped []byte
	}{
		"another report":      {w, meldwijzer.KeyRef{Institution: "i1", Kind: meldwijzer.KeyKindReport, ID: "r2"}, wrapped},
		"another institution": {w, meldwijzer.KeyRef{Institution: "i2", Kind: meldwijzer.KeyKindReport, ID: "r1"}, wrapped},
		"another kind":        {w, meldwijzer.KeyRef{Institution: "i1", Kind: "incident", ID: "r1"}, wrapped},
		"a changed byte":      {w, r1, flipped},
		"too short":           {w, r1, wrapped[:10]},
		"another master key":  {other, r1, wrapped},
	} {
		if _, err := tc.w.Unwrap(ctx, tc.ref, tc.wrapped); !errors.Is(err, keyfile.ErrUnwrap) {
			t.Errorf("%s: %v, want ErrUnwrap", name, err)
		}
	}
}

func TestBadMasterKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seal.key")
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keyfile.Load(path); err == nil {
		t.Fatal("a 5-byte master key was accepted")
	}
}
