package storetest

// The KeyStore contract (meldwijzer.KeyStore), for every adapter:
//
//   - PutKey stores a wrapped key once: a second PutKey for the same ref is ErrKeyTaken and
//     keeps the first. Key returns exactly the stored bytes; a ref without a key is
//     ErrKeyNotFound, also the same kind and id at another institution (tenant isolation).
//   - SetKeyExpiry on a missing key is ErrKeyNotFound. SweepKeys(now) deletes exactly the keys
//     whose expiry is before now (an expiry equal to now stays until the next sweep) and
//     returns their number; a cleared expiry (zero) or one moved later is not swept at the old
//     time. DeleteKey deletes at once and is fine on a missing key. A ref with an empty part is
//     EINVALID.

import (
	"bytes"
	"testing"
	"time"

	"meldwijzer"
)

// RunKeys runs the KeyStore contract suite; open returns a fresh, empty store per subtest.
func RunKeys(t *testing.T, open func(t *testing.T) meldwijzer.KeyStore) {
	ref := func(inst, id string) meldwijzer.KeyRef {
		return meldwijzer.KeyRef{Institution: inst, Kind: meldwijzer.KeyKindReport, ID: id}
	}
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

	t.Run("PutAndGet", func(t *testing.T) {
		s := open(t)
		a, b := []byte{1, 2, 3, 0, 255}, []byte{9}
		if err := s.PutKey(t.Context(), ref("i1", "r1"), a); err != nil {
			t.Fatal(err)
		}
		WantError(t, "second PutKey", s.PutKey(t.Context(), ref("i1", "r1"), b), meldwijzer.ErrKeyTaken)
		got, err := s.Key(t.Context(), ref("i1", "r1"))
		if err != nil || !bytes.Equal(got, a) {
			t.Fatalf("Key = %v, %v; want %v", got, err, a)
		}
		_, err = s.Key(t.Context(), ref("i2", "r1"))
		WantError(t, "another institution's key", err, meldwijzer.ErrKeyNotFound)
		_, err = s.Key(t.Context(), ref("i1", "r2"))
		WantError(t, "a missing key", err, meldwijzer.ErrKeyNotFound)
		WantError(t, "SetKeyExpiry on a missing key", s.SetKeyExpiry(t.Context(), ref("i1", "r2"), t0), meldwijzer.ErrKeyNotFound)
		WantCode(t, "an empty id", s.PutKey(t.Context(), ref("i1", ""), a), meldwijzer.EINVALID)
		_, err = s.Key(t.Context(), meldwijzer.KeyRef{Institution: "i1", ID: "r1"})
		WantCode(t, "no kind", err, meldwijzer.EINVALID)
	})

	t.Run("Sweep", func(t *testing.T) {
		s := open(t)
		for _, id := range []string{"due", "edge", "later", "cleared", "moved", "open"} {
			if err := s.PutKey(t.Context(), ref("i1", id), []byte(id)); err != nil {
				t.Fatal(err)
			}
		}
		expire := map[string]time.Time{"due": t0.Add(-time.Hour), "edge": t0, "later": t0.Add(time.Hour),
			"cleared": t0.Add(-time.Hour), "moved": t0.Add(-time.Hour)}
		for id, at := range expire {
			if err := s.SetKeyExpiry(t.Context(), ref("i1", id), at); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetKeyExpiry(t.Context(), ref("i1", "cleared"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetKeyExpiry(t.Context(), ref("i1", "moved"), t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := s.SweepKeys(t.Context(), t0)
		if err != nil || n != 1 {
			t.Fatalf("SweepKeys = %d, %v; want 1 (only due)", n, err)
		}
		present := func(id string) bool {
			_, err := s.Key(t.Context(), ref("i1", id))
			if err != nil && err != meldwijzer.ErrKeyNotFound {
				t.Fatal(err)
			}
			return err == nil
		}
		for id, want := range map[string]bool{"due": false, "edge": true, "later": true, "cleared": true, "moved": true, "open": true} {
			if present(id) != want {
				t.Errorf("after the sweep at t0, key %s present = %v, want %v", id, !want, want)
			}
		}
		n, err = s.SweepKeys(t.Context(), t0.Add(3*time.Hour))
		if err != nil || n != 3 {
			t.Fatalf("second SweepKeys = %d, %v; want 3 (edge, later, moved)", n, err)
		}
		for id, want := range map[string]bool{"edge": false, "later": false, "moved": false, "cleared": true, "open": true} {
			if present(id) != want {
				t.Errorf("after the second sweep, key %s present = %v, want %v", id, !want, want)
			}
		}
		if n, err := s.SweepKeys(t.Context(), t0.Add(3*time.Hour)); err != nil || n != 0 {
			t.Fatalf("a repeated sweep = %d, %v; want 0", n, err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		if err := s.PutKey(t.Context(), ref("i1", "r1"), []byte("k")); err != nil {
			t.Fatal(err)
		}
		if err := s.SetKeyExpiry(t.Context(), ref("i1", "r1"), t0); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.DeleteKey(t.Context(), ref("i1", "r1")); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.Key(t.Context(), ref("i1", "r1"))
		WantError(t, "a deleted key", err, meldwijzer.ErrKeyNotFound)
		if n, err := s.SweepKeys(t.Context(), t0.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("sweeping a deleted key = %d, %v; want 0", n, err)
		}
		// The ref can hold a new key again.
		if err := s.PutKey(t.Context(), ref("i1", "r1"), []byte("k2")); err != nil {
			t.Fatal(err)
		}
	})
}
