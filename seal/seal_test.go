package seal_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
)

func newSealer(t *testing.T) (*seal.Sealer, *bolt.Keys) {
	t.Helper()
	dir := t.TempDir()
	w, err := keyfile.Load(filepath.Join(dir, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := bolt.OpenKeys(filepath.Join(dir, "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	return seal.New(w, keys), keys
}

func ref(inst, id string) meldwijzer.KeyRef {
	return meldwijzer.KeyRef{Institution: inst, Kind: meldwijzer.KeyKindReport, ID: id}
}

func TestSealOpens(t *testing.T) {
	s, _ := newSealer(t)
	ctx := context.Background()
	b, err := s.Create(ctx, ref("i1", "r1"))
	if err != nil {
		t.Fatal(err)
	}
	text := "Ze pesten me elke dag. 😢 Niemand doet iets."
	one, two := b.Seal(seal.FieldDescription, text), b.Seal(seal.FieldDescription, text)
	if one == two {
		t.Error("two seals of the same text are equal: the nonce is not fresh")
	}
	if strings.Contains(one, "pesten") || !seal.Sealed(one) {
		t.Errorf("sealed text %q", one)
	}
	// A second reader (another request, another process) opens it from the stored key.
	again, err := s.Open(ctx, ref("i1", "r1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{one, two} {
		if got, err := again.Open(seal.FieldDescription, c); err != nil || got != text {
			t.Errorf("Open = %q, %v", got, err)
		}
	}
	if got := b.Seal(seal.FieldDescription, ""); got != "" {
		t.Errorf("an empty text seals as %q, want empty", got)
	}
	if _, err := s.Create(ctx, ref("i1", "r1")); !errors.Is(err, meldwijzer.ErrKeyTaken) {
		t.Errorf("a second Create for the same report: %v, want ErrKeyTaken", err)
	}
}

// A ciphertext opens only in its own report and field: copied into another report, another
// institution's report with the same id, or another field, it does not open.
func TestSealIsBoundToItsItemAndField(t *testing.T) {
	s, _ := newSealer(t)
	ctx := context.Background()
	b, err := s.Create(ctx, ref("i1", "r1"))
	if err != nil {
		t.Fatal(err)
	}
	c := b.Seal(seal.MessageField(meldwijzer.FromReporter), "ik wil dit melden")
	other, err := s.Create(ctx, ref("i1", "r2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Open(seal.MessageField(meldwijzer.FromReporter), c); !errors.Is(err, seal.ErrOpen) {
		t.Errorf("opened in another report: %v", err)
	}
	// The same key under another item's name (a key copied too) still does not open it.
	raw := []byte(strings.Repeat("k", seal.KeySize))
	for _, tc := range []struct {
		name  string
		ref   meldwijzer.KeyRef
		field string
	}{
		{"another field", ref("i1", "r1"), seal.MessageField(meldwijzer.FromInstitution)},
		{"the description", ref("i1", "r1"), seal.FieldDescription},
	} {
		if _, err := b.Open(tc.field, c); !errors.Is(err, seal.ErrOpen) {
			t.Errorf("%s: %v, want ErrOpen", tc.name, err)
		}
	}
	x, _ := seal.NewBox(ref("i1", "r1"), raw)
	y, _ := seal.NewBox(ref("i2", "r1"), raw)
	if _, err := y.Open(seal.FieldDescription, x.Seal(seal.FieldDescription, "t")); !errors.Is(err, seal.ErrOpen) {
		t.Errorf("opened at another institution with the same id and key: %v", err)
	}
	// Any changed byte is refused.
	for _, bad := range []string{c[:len(c)-2] + "AA", c[:len("mwseal1:")+4], "mwseal1:!!!", "mwseal1:"} {
		if _, err := b.Open(seal.MessageField(meldwijzer.FromReporter), bad); !errors.Is(err, seal.ErrOpen) {
			t.Errorf("Open(%q) = %v, want ErrOpen", bad, err)
		}
	}
}

// Text stored before sealing existed is read as it is, and such a report gets a key at its
// first new text.
func TestUnsealedTextReadsAsBefore(t *testing.T) {
	s, _ := newSealer(t)
	ctx := context.Background()
	if _, err := s.Open(ctx, ref("i1", "old")); !errors.Is(err, meldwijzer.ErrKeyNotFound) {
		t.Fatalf("Open of a report without a key: %v", err)
	}
	b, err := s.OpenOrCreate(ctx, ref("i1", "old"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(seal.FieldDescription, "oude tekst"); err != nil || got != "oude tekst" {
		t.Errorf("unsealed text reads %q, %v", got, err)
	}
	c := b.Seal(seal.FieldDescription, "nieuw")
	b2, err := s.OpenOrCreate(ctx, ref("i1", "old"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b2.Open(seal.FieldDescription, c); err != nil || got != "nieuw" {
		t.Errorf("OpenOrCreate made a second key: %q, %v", got, err)
	}
	if err := s.Expire(ctx, ref("i1", "never-sealed"), time.Now()); err != nil {
		t.Errorf("Expire on a report without a key: %v, want nil", err)
	}
}

// Deleting the key makes the text unreadable for good.
func TestDeletedKeyOpensNothing(t *testing.T) {
	s, keys := newSealer(t)
	ctx := context.Background()
	b, err := s.Create(ctx, ref("i1", "r1"))
	if err != nil {
		t.Fatal(err)
	}
	c := b.Seal(seal.FieldDescription, "geheim")
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Expire(ctx, ref("i1", "r1"), at); err != nil {
		t.Fatal(err)
	}
	if n, err := keys.SweepKeys(ctx, at.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("SweepKeys = %d, %v", n, err)
	}
	if _, err := s.Open(ctx, ref("i1", "r1")); !errors.Is(err, meldwijzer.ErrKeyNotFound) {
		t.Fatalf("Open after the sweep: %v, want ErrKeyNotFound", err)
	}
	// A new key for the same report opens nothing of the old text.
	b2, err := s.Create(ctx, ref("i1", "r1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b2.Open(seal.FieldDescription, c); !errors.Is(err, seal.ErrOpen) {
		t.Errorf("a new key opened the old text: %v", err)
	}
}
