package classify

import (
	"strings"
	"sync"
	"sync/atomic"
)

// featureCache computes a message's features for the reader faster than featuresOf: each word's
// own buckets (the word and its character n-grams) are remembered across messages, and the
// distinct buckets are kept with a bitmap instead of a sort. The model sums integer weights, so
// the order of the buckets does not change a prediction: the same set gives the same answer.
type featureCache struct {
	words sync.Map // string -> []uint32
	size  atomic.Int32
}

// maxCachedWords bounds the cache, so that made-up words cost time, never memory.
const maxCachedWords = 1 << 16

// wordBuckets returns the buckets of one word: the word itself and its n-grams.
func (fc *featureCache) wordBuckets(w string) []uint32 {
	if v, ok := fc.words.Load(w); ok {
		return v.([]uint32)
	}
	bs := appendGrams([]uint32{bucket(fWord, w)}, w)
	if fc.size.Load() < maxCachedWords {
		if _, loaded := fc.words.LoadOrStore(strings.Clone(w), bs); !loaded {
			fc.size.Add(1)
		}
	}
	return bs
}

// featuresOf returns the distinct buckets of featuresOf(toks), in no particular order.
func (fc *featureCache) featuresOf(toks []token) []uint32 {
	var seen [buckets / 64]uint64
	out := make([]uint32, 0, len(toks)*24)
	add := func(b uint32) {
		if m := uint64(1) << (b & 63); seen[b>>6]&m == 0 {
			seen[b>>6] |= m
			out = append(out, b)
		}
	}
	prev := ""
	for _, t := range toks {
		for _, b := range fc.wordBuckets(t.text) {
			add(b)
		}
		if prev != "" {
			add(bucket(fPair, prev+" "+t.text))
		}
		prev = t.text
	}
	return out
}
