package classify

import (
	"hash/maphash"
	"strings"

	"meldwijzer/internal/snapcache"
)

// lexicon is what the reader knows of each word it has read, whatever message it was in: the
// vocabulary's view of it (slang expansion, keys, patterns) and the model's (the word's own features
// summed: the word and its character n-grams). Both depend on the word alone, and a few thousand
// words make up most of what people type, so a message costs one lookup per word. Bounded, so that
// made-up words cost time, never memory.
//
// A lookup is what a message mostly waits for: memory, not arithmetic (under load a word's
// lookup cost about 300 ns, most of it cache misses). So a word is found by a 64-bit hash (seeded
// per process: nobody can choose words that collide), which the map holds in its own slots, and
// the lexeme holds the word itself, to be sure, and its sums, in one block of memory: three
// places to fetch per word where a map of strings to lexemes with their sums apart had five.
type lexicon struct {
	vocab *Classifier
	model *Model
	seed  maphash.Seed
	words *snapcache.Cache[uint64, *lexeme]
	// narrow is whether the model's sums fit a lexeme's inline array (every model the
	// taxonomy gives; a larger one is read through each lexeme's wide sums).
	narrow bool
}

func newLexicon(v *Classifier, m *Model) *lexicon {
	return &lexicon{vocab: v, model: m, seed: maphash.MakeSeed(), narrow: m.sumsLen() <= maxLexemeSums,
		words: snapcache.New[uint64, *lexeme](maxCachedWords, freshWords, nil)}
}

const (
	// maxCachedWords bounds a word cache (a word is at most a few hundred bytes).
	maxCachedWords = 1 << 16
	// freshWords new words make a new snapshot: copying it is paid for by the lookups it saves.
	freshWords = 256
	// maxLexemeSums is the most sums a lexeme holds inline: both linear views of at most 32
	// classes (Hidden.probs holds 32) and the hidden units.
	maxLexemeSums = 2*32 + hiddenSize
	// lexemeWord is the longest word a lexeme holds inline; longWord marks a lexeme whose word
	// is not.
	lexemeWord = 22
	longWord   = 0xff
)

// lexeme is one word as the reader knows it.
type lexeme struct {
	// the word itself, to be sure it is this word: in short when it fits (most words do, and
	// then comparing reads no other memory), else in long
	short    [lexemeWord]byte
	shortLen uint8
	long     string
	vocab    []expansion
	feats    int32 // how many features the word has (the word view reads one: the word)
	// concept is the word's id in the concept lexicon (0: not in it).
	concept uint32
	// sums are the model's weight rows of the word's own features, summed (every view). A
	// word has a few dozen features of at most 127 each, so they fit 16 bits; the rare word whose
	// sums do not (or a model wider than the array) has them in wide instead.
	sums [maxLexemeSums]int16
	wide []int32
}

// of is what the lexicon knows of word w.
func (l *lexicon) of(w string) *lexeme {
	h := maphash.String(l.seed, w)
	if x, ok := l.words.Lookup(h); ok && x.is(w) {
		return x
	}
	x := l.words.Get(h, func(uint64) *lexeme { return l.lexeme(w) })
	if !x.is(w) { // another word with the same hash (one in 2^64): read, not kept
		return l.lexeme(w)
	}
	return x
}

func (l *lexicon) lexeme(w string) *lexeme {
	fs := appendWord(nil, w)
	x := &lexeme{vocab: l.vocab.expand(w), feats: int32(len(fs)), concept: concepts().ids.get(w)}
	if len(w) <= lexemeWord {
		x.shortLen = uint8(copy(x.short[:], w))
	} else {
		x.shortLen, x.long = longWord, strings.Clone(w)
	}
	sums := make([]int32, l.model.sumsLen())
	l.model.addRows(sums, fs)
	if !l.narrow || !narrowInto(x.sums[:], sums) {
		x.wide = sums
	}
	return x
}

// is reports whether the lexeme is word w's.
func (x *lexeme) is(w string) bool {
	if len(w) <= lexemeWord {
		return int(x.shortLen) == len(w) && string(x.short[:len(w)]) == w
	}
	return x.long == w
}

// narrowInto copies v into the 16-bit dst, and reports whether every value fit.
func narrowInto(dst []int16, v []int32) bool {
	for i, s := range v {
		if s != int32(int16(s)) {
			return false
		}
		dst[i] = int16(s)
	}
	return true
}

// addTo adds the lexeme's sums to a message's.
func (x *lexeme) addTo(sums []int32) {
	if x.wide != nil {
		addInt32s(sums, x.wide)
		return
	}
	addInt16s(sums, x.sums[:len(sums)])
}

// read looks up every token once and gives the vocabulary's words, the model's prediction and the
// concepts found. The prediction is Model.predictFeatures(featuresOf(toks)): a message's sum is
// its words' own sums, its neighbouring pairs' rows and its concepts' rows.
func (l *lexicon) read(toks []token) ([]word, Prediction, uint64) {
	var sumBuf [maxLexemeSums]int32
	sums := sumBuf[:0]
	if l.narrow {
		sums = sumBuf[:l.model.sumsLen()]
	} else {
		sums = make([]int32, l.model.sumsLen())
	}
	words := make([]word, 0, len(toks))
	var idBuf [64]uint32
	ids := idBuf[:0] // the words' ids in the concept lexicon
	var fbuf [96]uint32
	rest := fbuf[:0] // the pairs' and concepts' features, their rows added together
	n, nWords := 0, 0
	for i, t := range toks {
		x := l.of(t.text)
		ids = append(ids, x.concept)
		words = appendWords(words, t, x.vocab)
		x.addTo(sums)
		n += int(x.feats)
		nWords++
		if i > 0 {
			rest = append(rest, pairBucket(toks[i-1].text, t.text)|wordView)
		}
	}
	ct := concepts()
	found := ct.mask(ids)
	rest = ct.appendFeatures(rest, found)
	l.model.addRows(sums, rest)
	n += len(rest)
	nWords += len(rest)
	return words, l.model.predictSums(sums, n, nWords), found
}
