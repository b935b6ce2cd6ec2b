package classify

import (
	"slices"
)

// The learned model reads a message as a bag of hashed features, in the manner of fastText: every
// word, each pair of neighbouring words, the concepts found (concepts.go), and the character
// n-grams (3 to 5 runes) of every word with its boundaries marked ("<pest>" gives "<pe", "pes",
// ..., "st>"). The n-grams make the model robust to typos, chat spelling and compounds it never
// saw: "gepestt", "pestkop" and "pesterij" share most of them with "pesten".
//
// The model has three views of a message (model.go): one over all features, one over the words,
// pairs and concepts alone (a feature of it carries the wordView bit), and the hidden view over
// all features.
const (
	bucketBits = 17
	buckets    = 1 << bucketBits
	minGram    = 3
	maxGram    = 5
	// wordView marks a feature that the word view reads too; bucketOf strips it.
	wordView = uint32(1) << 31
)

// bucketOf is a feature's bucket, without its view mark.
func bucketOf(f uint32) uint32 { return f &^ wordView }

// Feature kinds, hashed in as a prefix byte so that the word "pes" and the n-gram "pes" differ.
const (
	fWord byte = iota + 1
	_          // was the Dutch stem: the n-grams cover it
	fPair
	fGram
	// fConcept is a concept of the concept lexicon (concepts.go), fConceptPair two of them in
	// one message.
	fConcept
	fConceptPair
)

// features returns the features of a text (buckets, with the wordView mark), sorted.
func features(text string) []uint32 { return featuresOf(tokenize(text)) }

// featuresOf returns the feature buckets of a tokenised text, sorted. A feature counts as often as
// it occurs (a bag, as in fastText), so that a message's sum is the sum of its words' own sums, its
// pairs' and its concepts' (once each): the reader adds up each word's row once remembered
// (lexicon.go). Stems are left to the character n-grams, which cover the same ground without a
// stemmer's cost per word.
func featuresOf(toks []token) []uint32 {
	out := make([]uint32, 0, len(toks)*30)
	prev := ""
	for _, t := range toks {
		w := t.text
		out = appendWord(out, w)
		if prev != "" {
			out = append(out, pairBucket(prev, w)|wordView)
		}
		prev = w
	}
	out = concepts().appendFeatures(out, conceptsOf(toks))
	slices.Sort(out)
	return out
}

// appendWord adds a word's own features: the word itself and its character n-grams (the reader
// remembers their sum per word, lexicon.go; training with words left out filters them per word,
// dropout.go).
func appendWord(out []uint32, w string) []uint32 {
	return appendGrams(append(out, bucket(fWord, w)|wordView), w)
}

// appendGrams adds the character n-grams of "<w>", hashed over their UTF-8 bytes without
// building a string for each.
func appendGrams(out []uint32, w string) []uint32 {
	if !isWordy(w) {
		return out
	}
	var buf [64]byte
	b := append(append(append(buf[:0], '<'), w...), '>')
	// starts[i] is the byte offset of rune i of "<w>"; one more entry marks the end
	var sbuf [34]int
	starts := sbuf[:0]
	for i := range string(b) {
		starts = append(starts, i)
	}
	runes := len(starts)
	starts = append(starts, len(b))
	for n := minGram; n <= maxGram && n < runes; n++ {
		for i := 0; i+n <= runes; i++ {
			out = append(out, bucketBytes(fGram, b[starts[i]:starts[i+n]]))
		}
	}
	return out
}

// bucket hashes a feature (FNV-1a, 32 bits, written out so that it allocates nothing) into the
// model's table.
func bucket(kind byte, s string) uint32 {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	h = (h ^ uint32(kind)) * prime
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * prime
	}
	return h & (buckets - 1)
}

// pairBucket is bucket(fPair, a+" "+b), without building the string.
func pairBucket(a, b string) uint32 {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	h = (h ^ uint32(fPair)) * prime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint32(a[i])) * prime
	}
	h = (h ^ ' ') * prime
	for i := 0; i < len(b); i++ {
		h = (h ^ uint32(b[i])) * prime
	}
	return h & (buckets - 1)
}

// bucketBytes is bucket for a byte slice.
func bucketBytes(kind byte, s []byte) uint32 {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	h = (h ^ uint32(kind)) * prime
	for _, c := range s {
		h = (h ^ uint32(c)) * prime
	}
	return h & (buckets - 1)
}
