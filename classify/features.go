package classify

import (
	"slices"
	"unicode/utf8"
)

// The learned model reads a message as a bag of hashed features, in the manner of fastText: every
// word, its Dutch stem, each pair of neighbouring words, and the character n-grams (3 to 5 runes)
// of every word with its boundaries marked ("<pest>" gives "<pe", "pes", ..., "st>"). The n-grams
// make the model robust to typos, chat spelling and compounds it never saw: "gepestt", "pestkop"
// and "pesterij" share most of them with "pesten".
const (
	bucketBits = 16
	buckets    = 1 << bucketBits
	minGram    = 3
	maxGram    = 5
)

// Feature kinds, hashed in as a prefix byte so that the word "pes" and the n-gram "pes" differ.
const (
	fWord byte = iota + 1
	fStem
	fPair
	fGram
	fVocab
)

// featureSet is what the model reads: the text's own hashed features, weighed together as one
// bag (scaled by 1/√n), and the vocabulary's findings (vocabFeatures), each at full weight: a
// reviewed concept ("a method", "a weapon") is a strong, general signal that the model learns to
// weigh from the corpus.
type featureSet struct {
	text, vocab []uint32
}

// vocabFeatures are the reviewed vocabulary's findings as features.
func vocabFeatures(r Result) []uint32 {
	var out []uint32
	add := func(s string) { out = append(out, bucket(fVocab, s)) }
	// The vocabulary's themes and places are left out: cross-validation showed they make the
	// model worse, not better, on text written by others (they fit the sentences they were
	// written for). Its urgent reading, idioms and concepts are general.
	if r.Urgent != "" {
		add("urgent:" + r.Urgent)
	}
	if r.Idiom {
		add("idiom")
	}
	for _, c := range r.Concepts {
		add("concept:" + c)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// features returns the sorted, distinct feature buckets of a text.
func features(text string) []uint32 {
	toks := tokenize(text)
	out := make([]uint32, 0, len(toks)*12)
	prev := ""
	for _, t := range toks {
		w := t.text
		out = append(out, bucket(fWord, w))
		if isWordy(w) && utf8.RuneCountInString(w) >= 4 {
			if s := stemDutch(w); s != w {
				out = append(out, bucket(fStem, s))
			}
		}
		if prev != "" {
			out = append(out, bucket(fPair, prev+" "+w))
		}
		prev = w
		out = appendGrams(out, w)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// appendGrams adds the character n-grams of "<w>".
func appendGrams(out []uint32, w string) []uint32 {
	if !isWordy(w) {
		return out
	}
	rs := make([]rune, 0, len(w)+2)
	rs = append(rs, '<')
	rs = append(rs, []rune(w)...)
	rs = append(rs, '>')
	for n := minGram; n <= maxGram; n++ {
		for i := 0; i+n <= len(rs); i++ {
			if n == len(rs) {
				continue // the whole word is already a feature of its own
			}
			out = append(out, bucket(fGram, string(rs[i:i+n])))
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
