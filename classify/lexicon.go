package classify

import (
	"strings"
	"sync"
	"sync/atomic"
)

// lexicon is what the reader knows of each word it has read, whatever message it was in: the
// vocabulary's view of it (slang expansion, keys, patterns) and the model's (the word's own features
// summed: the word and its character n-grams). Both depend on the word alone, and a few thousand
// words make up most of what people type, so a message costs one lookup per word. Bounded, so that
// made-up words cost time, never memory.
type lexicon struct {
	vocab *Classifier
	model *Model
	words sync.Map // string -> *lexeme
	size  atomic.Int32
}

// lexeme is one word as the reader knows it.
type lexeme struct {
	vocab []expansion
	sums  []int32 // the model's weight rows of the word's own features, summed
	feats int     // how many features that is
}

// maxLexemes bounds the lexicon (a word is a few hundred bytes).
const maxLexemes = 1 << 16

func (l *lexicon) of(w string) *lexeme {
	if v, ok := l.words.Load(w); ok {
		return v.(*lexeme)
	}
	fs := appendGrams([]uint32{bucket(fWord, w)}, w)
	x := &lexeme{vocab: l.vocab.expand(w), sums: make([]int32, l.model.Width()), feats: len(fs)}
	l.model.addRows(x.sums, fs)
	if l.size.Load() < maxLexemes {
		if _, loaded := l.words.LoadOrStore(strings.Clone(w), x); !loaded {
			l.size.Add(1)
		}
	}
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
