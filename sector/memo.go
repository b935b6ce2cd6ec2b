package sector

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

// memoSize bounds the months a Memo keeps (a series' month is a few hundred bytes of flags).
const memoSize = 4096

// Memo remembers the suppression of each month it has worked out, keyed by everything the
// suppression depends on: the cells, each participant's part of each, and k. A finished past
// month's counts do not change, so asking again (another period, the CSV after the JSON) costs
// the counts reads and a hash, not the elimination. Same figures in, same cells out: it changes
// what is shown in no way. Safe for concurrent use; the zero value is ready, a nil Memo keeps
// nothing.
type Memo struct {
	mu     sync.Mutex
	hidden map[[32]byte][]bool
}

func (memo *Memo) suppress(t *table, k int) {
	if memo == nil {
		t.suppress(k)
		return
	}
	key := t.fingerprint(k)
	memo.mu.Lock()
	hidden, ok := memo.hidden[key]
	memo.mu.Unlock()
	if ok && len(hidden) == len(t.hidden) {
		copy(t.hidden, hidden)
		return
	}
	t.suppress(k)
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if memo.hidden == nil || len(memo.hidden) >= memoSize {
		memo.hidden = map[[32]byte][]bool{} // start again rather than keep an order of use
	}
	memo.hidden[key] = append([]bool(nil), t.hidden...)
}

// fingerprint hashes the table's cells, every part of every cell and the equations, with k.
func (t *table) fingerprint(k int) [32]byte {
	h := sha256.New()
	var buf [8]byte
	num := func(n int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	num(k)
	for i, key := range t.keys {
		for _, s := range []string{key.geo, key.dim, key.value} {
			num(len(s))
			h.Write([]byte(s))
		}
		num(len(t.parts[i]))
		for _, x := range t.parts[i] {
			num(x)
		}
	}
	for _, eq := range t.equations {
		num(len(eq))
		for _, c := range eq {
			num(c)
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
