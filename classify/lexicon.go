package classify

import (
	"strings"

	"meldwijzer/internal/snapcache"
)

// lexicon is what the reader knows of each word it has read, whatever message it was in: the
// vocabulary's view of it (slang expansion, keys, patterns) and the model's (the word's own features
// summed: the word and its character n-grams). Both depend on the word alone, and a few thousand
// words make up most of what people type, so a message costs one lookup per word. Bounded, so that
// made-up words cost time, never memory.
type lexicon struct {
	vocab *Classifier
	model *Model
	words *snapcache.Cache[string, *lexeme]
}

func newLexicon(v *Classifier, m *Model) *lexicon {
	return &lexicon{vocab: v, model: m, words: snapcache.New[string, *lexeme](maxCachedWords, freshWords, strings.Clone)}
}

const (
	// maxCachedWords bounds a word cache (a word is at most a few hundred bytes).
	maxCachedWords = 1 << 16
	// freshWords new words make a new snapshot: copying it is paid for by the lookups it saves.
	freshWords = 256
)

// lexeme is one word as the reader knows it.
type lexeme struct {
	vocab []expansion
	sums  []int32 // the model's weight rows of the word's own features, summed (every view)
	feats int     // how many features that is (the word view reads one: the word)
	// concept is the word's id in the concept lexicon (0: not in it).
	concept uint32
}

func (l *lexicon) of(w string) *lexeme { return l.words.Get(w, l.lexeme) }

func (l *lexicon) lexeme(w string) *lexeme {
	fs := appendWord(nil, w)
	x := &lexeme{vocab: l.vocab.expand(w), sums: make([]int32, l.model.sumsLen()), feats: len(fs), concept: concepts().ids.get(w)}
	l.model.addRows(x.sums, fs)
	return x
}

// read looks up every token once and gives the vocabulary's words, the model's prediction and the
// concepts found. The prediction is Model.predictFeatures(featuresOf(toks)): a message's sum is
// its words' own sums, its neighbouring pairs' rows and its concepts' rows.
func (l *lexicon) read(toks []token) ([]word, Prediction, uint64) {
	sums := make([]int32, l.model.sumsLen())
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
		addInt32s(sums, x.sums)
		n += x.feats
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
