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
	sums  []int32 // the model's weight rows of the word's own features, summed
	feats int     // how many features that is
}

func (l *lexicon) of(w string) *lexeme { return l.words.Get(w, l.lexeme) }

func (l *lexicon) lexeme(w string) *lexeme {
	fs := appendGrams([]uint32{bucket(fWord, w)}, w)
	x := &lexeme{vocab: l.vocab.expand(w), sums: make([]int32, l.model.Width()), feats: len(fs)}
	l.model.addRows(x.sums, fs)
	return x
}

// read looks up every token once and gives the vocabulary's words and the model's prediction,
// which is Model.predictFeatures(featuresOf(toks)): a message's sum is its words' own sums and its
// neighbouring pairs' rows.
func (l *lexicon) read(toks []token) ([]word, Prediction) {
	sums := make([]int32, l.model.Width())
	words := make([]word, 0, len(toks))
	n := 0
	for i, t := range toks {
		x := l.of(t.text)
		words = appendWords(words, t, x.vocab)
		for k, v := range x.sums {
			sums[k] += v
		}
		n += x.feats
		if i > 0 {
			l.model.addRow(sums, pairBucket(toks[i-1].text, t.text))
			n++
		}
	}
	return words, l.model.predictSums(sums, n)
}
