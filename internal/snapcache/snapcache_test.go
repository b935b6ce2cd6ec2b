package snapcache

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Every key gets its own value, computed once while it is kept, from many goroutines at once.
func TestGetComputesOncePerKey(t *testing.T) {
	c := New[string, int](1000, 8, strings.Clone)
	var mu sync.Mutex
	computed := map[string]int{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := strconv.Itoa((i + g*7) % 300)
				v := c.Get(k, func(k string) int {
					mu.Lock()
					computed[k]++
					mu.Unlock()
					n, _ := strconv.Atoi(k)
					return n * 2
				})
				if want, _ := strconv.Atoi(k); v != want*2 {
					t.Errorf("%s: %d, want %d", k, v, want*2)
				}
			}
		}()
	}
	wg.Wait()
	for k, n := range computed {
		if n != 1 {
			t.Errorf("%s computed %d times", k, n)
		}
	}
	if len(computed) != 300 {
		t.Errorf("%d keys computed, want 300", len(computed))
	}
}

// A full cache starts again: it never holds more than its size plus one batch.
func TestFullCacheStartsAgain(t *testing.T) {
	c := New[int, int](100, 10, nil)
	for i := range 1000 {
		c.Get(i, func(k int) int { return k })
	}
	held := len(c.fresh)
	if s := c.snap.Load(); s != nil {
		held += len(*s)
	}
	if held > 110 {
		t.Errorf("holds %d values, want at most 110", held)
	}
	if v := c.Get(999, func(int) int { return -1 }); v != 999 {
		t.Errorf("a recent key was recomputed: %d", v)
	}
}

// Lookup finds what a snapshot holds, computes nothing, and misses what waits for the next one.
func TestLookupReadsTheSnapshotOnly(t *testing.T) {
	c := New[int, int](100, 2, nil)
	if _, ok := c.Lookup(1); ok {
		t.Fatal("found a value in an empty cache")
	}
	c.Get(1, func(k int) int { return k * 10 })
	if _, ok := c.Lookup(1); ok {
		t.Fatal("found a value before its snapshot")
	}
	c.Get(2, func(k int) int { return k * 10 }) // the batch of 2 makes a snapshot
	for k := range 3 {
		v, ok := c.Lookup(k)
		if want := k > 0; ok != want || ok && v != k*10 {
			t.Errorf("Lookup(%d) = %d, %v", k, v, ok)
		}
	}
}
