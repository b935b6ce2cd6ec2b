package classify

import (
	"cmp"
	"maps"
	"slices"
)

// table is a map from string that is fixed once made: its keys sorted, and their values beside
// them. Unlike a map it can be a Go literal of static data (vocabulary_gen.go, concepts_gen.go),
// so the first typed message after a cold start builds nothing. A lookup is a binary search; the
// reader looks a word up once and remembers it (lexicon.go), so lookups are few.
type table[K cmp.Ordered, V any] struct {
	keys []K
	vals []V
}

// tableOf is m as a table.
func tableOf[K cmp.Ordered, V any](m map[K]V) table[K, V] {
	t := table[K, V]{keys: slices.Sorted(maps.Keys(m))}
	t.vals = make([]V, len(t.keys))
	for i, k := range t.keys {
		t.vals[i] = m[k]
	}
	return t
}

// get is the value of k, or the zero value when k is not in the table.
func (t *table[K, V]) get(k K) V {
	v, _ := t.lookup(k)
	return v
}

// lookup is the value of k and whether k is in the table.
func (t *table[K, V]) lookup(k K) (V, bool) {
	if i, ok := slices.BinarySearch(t.keys, k); ok {
		return t.vals[i], true
	}
	var zero V
	return zero, false
}

// set is a set of strings fixed once made, sorted (see table).
type set []string

// setOf is m's keys as a set.
func setOf(m map[string]bool) set { return slices.Sorted(maps.Keys(m)) }

func (s set) has(k string) bool {
	_, ok := slices.BinarySearch(s, k)
	return ok
}
