// Package catalog serves the institutions from the institution store behind a short cache: the
// guide and the API read every request's institution from it, so that a school added with
// `meldwijzer institution add` or an admin's new contacts reach the guide within TTL, without a
// deploy or a restart, while a request costs no store read.
package catalog

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"meldwijzer"
)

// TTL is how long a read of the store is served: an admin's change shows within it.
const TTL = 30 * time.Second

// staleFor is how long the last good read is served when the store cannot be reached: a student
// looking for help still sees the school's contacts during a short outage.
const staleFor = 15 * time.Minute

// refreshTimeout bounds one read of the store. The read is shared by every waiting request, so
// it runs on its own context, not on the one of the request that happened to start it.
const refreshTimeout = 5 * time.Second

// Catalog is the institutions this server serves.
type Catalog struct {
	store meldwijzer.InstitutionReader
	demo  bool
	seed  []*meldwijzer.Institution
	ttl   time.Duration
	now   func() time.Time
	log   *slog.Logger

	mu      sync.Mutex
	byID    map[string]*meldwijzer.Institution
	list    []*meldwijzer.Institution
	read    time.Time // when byID was read; zero: never
	refresh chan struct{}
}

// Options configure a catalog.
type Options struct {
	// Demo serves demo institutions; without it a demo record in the store is not served.
	Demo bool
	// Seed are the demo institutions (demo mode only): each is served while the store has no
	// record with its id, so that a function that may not write (the guide's) serves them
	// before anything wrote them (SeedDemo).
	Seed []*meldwijzer.Institution
	// TTL is the cache's lifetime (TTL when zero); Now the clock (time.Now when nil).
	TTL    time.Duration
	Now    func() time.Time
	Logger *slog.Logger
}

// New returns a catalog over the store; it does no I/O. It only reads: writes go to the store
// itself (Settings), then Forget.
func New(store meldwijzer.InstitutionReader, o Options) *Catalog {
	c := &Catalog{store: store, demo: o.Demo, seed: o.Seed, ttl: o.TTL, now: o.Now, log: o.Logger}
	if c.ttl <= 0 {
		c.ttl = TTL
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Institution returns the institution with the id; ENOTFOUND when the server does not serve it.
func (c *Catalog) Institution(id string) (*meldwijzer.Institution, error) {
	byID, _, err := c.current()
	if err != nil {
		return nil, err
	}
	if inst := byID[id]; inst != nil {
		return inst, nil
	}
	return nil, meldwijzer.ErrInstitutionNotFound(id)
}

// Institutions lists the institutions the server serves, sorted by id.
func (c *Catalog) Institutions() ([]*meldwijzer.Institution, error) {
	_, list, err := c.current()
	return list, err
}

// Forget drops the cache, so that this process shows a write it made at once.
func (c *Catalog) Forget() {
	c.mu.Lock()
	c.read = time.Time{}
	c.mu.Unlock()
}

// current returns the cached records, reading the store when they are older than the TTL. One
// request reads; the others wait for it (or, with a cache, keep using it meanwhile).
func (c *Catalog) current() (map[string]*meldwijzer.Institution, []*meldwijzer.Institution, error) {
	for {
		c.mu.Lock()
		now := c.now()
		fresh := !c.read.IsZero() && now.Sub(c.read) < c.ttl
		if fresh {
			byID, list := c.byID, c.list
			c.mu.Unlock()
			return byID, list, nil
		}
		if wait := c.refresh; wait != nil {
			byID, list, read := c.byID, c.list, c.read
			c.mu.Unlock()
			if byID != nil && now.Sub(read) < staleFor {
				return byID, list, nil // another request is reading: the last read serves meanwhile
			}
			<-wait
			continue
		}
		done := make(chan struct{})
		c.refresh = done
		c.mu.Unlock()
		err := c.load()
		c.mu.Lock()
		c.refresh = nil
		close(done)
		byID, list, read := c.byID, c.list, c.read
		c.mu.Unlock()
		if err == nil {
			return byID, list, nil
		}
		if byID != nil && now.Sub(read) < staleFor {
			c.log.Warn("institutions: serving the last read, the store cannot be read", slog.Any("err", err))
			return byID, list, nil
		}
		return nil, nil, err
	}
}

func (c *Catalog) load() error {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	var all []*meldwijzer.Institution
	if c.store != nil { // a server without an institution store serves the demo seed alone
		var err error
		if all, err = c.store.Institutions(ctx); err != nil {
			return err
		}
	}
	byID := make(map[string]*meldwijzer.Institution, len(all))
	list := make([]*meldwijzer.Institution, 0, len(all))
	for _, inst := range all {
		if inst.Demo && !c.demo {
			continue
		}
		byID[inst.ID] = inst
		list = append(list, inst)
	}
	if c.demo {
		for _, inst := range c.seed {
			if byID[inst.ID] == nil {
				byID[inst.ID] = inst
				list = append(list, inst)
			}
		}
		slices.SortFunc(list, func(a, b *meldwijzer.Institution) int { return strings.Compare(a.ID, b.ID) })
	}
	c.mu.Lock()
	c.byID, c.list, c.read = byID, list, c.now()
	c.mu.Unlock()
	return nil
}

// SeedDemo writes each demo institution that the store does not hold yet (demo mode only: the
// caller decides). An admin's changes to a demo institution are kept across restarts.
func SeedDemo(ctx context.Context, store meldwijzer.InstitutionStore, seed []*meldwijzer.Institution) (int, error) {
	n := 0
	for _, inst := range seed {
		_, err := store.Institution(ctx, inst.ID)
		if err == nil {
			continue
		}
		if meldwijzer.ErrorCode(err) != meldwijzer.ENOTFOUND {
			return n, err
		}
		if err := store.PutInstitution(ctx, inst); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
