// Package snapcache remembers computed values for readers on every core at once: a read is a plain
// map lookup in a snapshot that never changes (no lock, nothing written to shared memory); new
// values wait in a small locked map until a batch of them makes the next snapshot.
package snapcache

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Cache maps keys to values computed once. The zero Cache is not usable: give it a size with New.
type Cache[K comparable, V any] struct {
	max, batch int
	// clone makes a key safe to keep (a substring would keep its whole string alive).
	clone func(K) K
	snap  atomic.Pointer[map[K]V]
	mu    sync.Mutex
	fresh map[K]V // since the snapshot
}

// New returns a cache of at most max values that takes batch new values into each snapshot;
// clone, when not nil, copies a key before it is kept. When the cache is full it starts again
// empty: what is still read often comes back in the next batches.
func New[K comparable, V any](max, batch int, clone func(K) K) *Cache[K, V] {
	return &Cache[K, V]{max: max, batch: batch, clone: clone}
}

// Get returns the key's value, computing and remembering it the first time.
func (c *Cache[K, V]) Get(k K, compute func(K) V) V {
	snap := c.snap.Load()
	if snap != nil {
		if v, ok := (*snap)[k]; ok {
			return v
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.fresh[k]; ok {
		return v
	}
	if now := c.snap.Load(); now != snap && now != nil { // another goroutine made a snapshot meanwhile
		if v, ok := (*now)[k]; ok {
			return v
		}
	}
	v := compute(k)
	if c.clone != nil {
		k = c.clone(k)
	}
	if c.fresh == nil {
		c.fresh = map[K]V{}
	}
	c.fresh[k] = v
	if len(c.fresh) >= c.batch {
		size := len(c.fresh)
		if snap = c.snap.Load(); snap != nil && len(*snap)+size <= c.max {
			size += len(*snap)
		} else {
			snap = nil // full: start again with this batch
		}
		next := make(map[K]V, size)
		if snap != nil {
			maps.Copy(next, *snap)
		}
		maps.Copy(next, c.fresh)
		c.snap.Store(&next)
		c.fresh = nil
	}
	return v
}

// Lookup returns the key's value if the snapshot holds it; it computes nothing and takes no lock.
func (c *Cache[K, V]) Lookup(k K) (V, bool) {
	if snap := c.snap.Load(); snap != nil {
		v, ok := (*snap)[k]
		return v, ok
	}
	var zero V
	return zero, false
}
