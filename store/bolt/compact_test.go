package bolt_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/store/bolt"
	"meldwijzer/store/storetest"
)

// bbolt frees a deleted value's page without clearing it: the bytes stay in the file until the
// page is written again. Compact removes them, while the store stays open and in use.
func TestCompactRemovesDeletedBytes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.db")
	k, err := bolt.OpenKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	ctx := t.Context()
	secret := []byte("wrapped-key-that-must-vanish-" + strings.Repeat("x", 64))
	ref := func(id string) meldwijzer.KeyRef {
		return meldwijzer.KeyRef{Institution: "i1", Kind: meldwijzer.KeyKindReport, ID: id}
	}
	if err := k.PutKey(ctx, ref("gone"), secret); err != nil {
		t.Fatal(err)
	}
	if err := k.PutKey(ctx, ref("kept"), []byte("kept-key")); err != nil {
		t.Fatal(err)
	}
	if err := k.DeleteKey(ctx, ref("gone")); err != nil {
		t.Fatal(err)
	}
	// The key file stores values as JSON: a wrapped key as base64.
	stored := []byte(base64.StdEncoding.EncodeToString(secret))
	if !fileHas(t, path, stored) {
		t.Fatal("the deleted key's bytes are not in the file before compaction: this test no longer shows what Compact is for")
	}
	if err := k.Compact(); err != nil {
		t.Fatal(err)
	}
	if fileHas(t, path, stored) {
		t.Fatal("after Compact the file still holds the deleted key's bytes")
	}
	for _, name := range []string{"keys.db.old", "keys.db.compact"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("Compact left %s behind (%v)", name, err)
		}
	}
	// The store works on the compacted file: the kept key reads, new keys write.
	if got, err := k.Key(ctx, ref("kept")); err != nil || string(got) != "kept-key" {
		t.Fatalf("after Compact, Key = %q, %v", got, err)
	}
	if err := k.PutKey(ctx, ref("new"), []byte("n")); err != nil {
		t.Fatal(err)
	}
}

// Compacting the report store while reports are being filed loses none of them.
func TestCompactWhileWriting(t *testing.T) {
	s, err := bolt.Open(filepath.Join(t.TempDir(), "meldwijzer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	done := make(chan error)
	go func() {
		for range 5 {
			if err := s.Compact(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	created := storetest.CreateN(t, s, "i1", 0, 40, at)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	all := storetest.AllReports(t, s, meldwijzer.ReportFilter{Institution: "i1", Limit: 100})
	if len(all) != len(created) {
		t.Fatalf("after compacting while writing, %d reports, want %d", len(all), len(created))
	}
}

func fileHas(t *testing.T, path string, b []byte) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(raw, b)
}
