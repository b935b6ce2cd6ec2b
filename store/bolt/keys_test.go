package bolt_test

import (
	"path/filepath"
	"testing"

	"meldwijzer"
	"meldwijzer/store/bolt"
	"meldwijzer/store/storetest"
)

// TestKeysContract runs the KeyStore contract suite on a fresh key file per subtest.
func TestKeysContract(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) meldwijzer.KeyStore {
		k, err := bolt.OpenKeys(filepath.Join(t.TempDir(), "keys.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := k.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return k
	})
}
