package catalog_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/catalog"
	"meldwijzer/store/bolt"
	"meldwijzer/store/storetest"
)

// flaky is the real embedded store whose Institutions fails while down is set (the store
// unreachable), and counts its reads.
type flaky struct {
	*bolt.Store
	down  atomic.Bool
	reads atomic.Int64
}

func (f *flaky) Institutions(ctx context.Context) ([]*meldwijzer.Institution, error) {
	f.reads.Add(1)
	if f.down.Load() {
		return nil, meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "down")
	}
	return f.Store.Institutions(ctx)
}

func open(t *testing.T) *flaky {
	s, err := bolt.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &flaky{Store: s}
}

func TestCatalog(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := storetest.NewInstitution("roc-alfa")
	demo := storetest.NewInstitution("roc-demo")
	demo.Demo, demo.Domains = true, nil
	for _, inst := range []*meldwijzer.Institution{a, demo} {
		if err := s.PutInstitution(ctx, inst); err != nil {
			t.Fatal(err)
		}
	}
	const ttl = 100 * time.Millisecond
	c := catalog.New(s, catalog.Options{TTL: ttl})

	if _, err := c.Institution("roc-demo"); meldwijzer.ErrorCode(err) != meldwijzer.ENOTFOUND {
		t.Fatalf("a demo record without demo mode: %v", err)
	}
	for range 10 {
		if _, err := c.Institution("roc-alfa"); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.reads.Load(); n != 1 {
		t.Fatalf("%d store reads for 11 lookups within the TTL, want 1", n)
	}

	// A new school is served once the TTL has passed, or at once after Forget.
	b := storetest.NewInstitution("roc-bravo")
	if err := s.PutInstitution(ctx, b); err != nil {
		t.Fatal(err)
	}
	c.Forget()
	if _, err := c.Institution("roc-bravo"); err != nil {
		t.Fatalf("after Forget: %v", err)
	}

	// The store down: the last read serves (a student still sees the contacts).
	s.down.Store(true)
	time.Sleep(2 * ttl)
	if _, err := c.Institution("roc-bravo"); err != nil {
		t.Fatalf("stale read while the store is down: %v", err)
	}
	// Never read: the store's error.
	fresh := catalog.New(s, catalog.Options{TTL: ttl})
	if _, err := fresh.Institution("roc-alfa"); meldwijzer.ErrorCode(err) != meldwijzer.EUNAVAILABLE {
		t.Fatalf("no read at all while the store is down: %v, want unavailable", err)
	}
	s.down.Store(false)

	// Demo mode serves the demo record and, for ids the store lacks, the seed.
	seed := storetest.NewInstitution("roc-seed")
	seed.Demo = true
	dc := catalog.New(s, catalog.Options{Demo: true, Seed: []*meldwijzer.Institution{seed, demo}})
	list, err := dc.Institutions()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, inst := range list {
		ids = append(ids, inst.ID)
	}
	if want := []string{"roc-alfa", "roc-bravo", "roc-demo", "roc-seed"}; len(ids) != len(want) || ids[2] != "roc-demo" || ids[3] != "roc-seed" {
		t.Fatalf("demo mode lists %v, want %v", ids, want)
	}
	if n, err := catalog.SeedDemo(ctx, s, []*meldwijzer.Institution{seed, demo}); err != nil || n != 1 {
		t.Fatalf("SeedDemo wrote %d (%v), want only the missing one", n, err)
	}
	if _, err := s.Store.Institution(ctx, "roc-seed"); err != nil {
		t.Fatal(err)
	}
}
