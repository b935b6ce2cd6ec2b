package classify

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// The concept lexicon (concepts.tsv) groups the many words and short phrases by which people say
// the same thing: "blaffer", "strap" and "pistool" are all a weapon; "hele strip", "alles
// ingenomen" and "od" are all something already taken. Independent writers wrote it from their own
// knowledge of how young people and staff write, without seeing the corpus, the vocabulary or the
// test sets (corpus/README.md).
//
// The model gets each concept found in a message as a feature, and each pair of concepts found
// together ("method" with "time_now" is a plan with a moment). So what it learns from one wording
// carries over to every other wording of the same concept, also to words no training message used.
// The concepts are features, not rules: what they weigh is learned.
//
// Format: one entry per line, CONCEPT<TAB>PHRASE; a phrase is 1 to 3 words, read as the reader
// normalises a message (lowercase, no accents). Lines starting with # are comments. The binaries
// hold the lexicon as generated (concepts_gen.go), never the TSV.

// maxConcepts is how many concepts a mask holds; the top bit marks a word that starts a phrase.
const (
	maxConcepts = 63
	leadsPhrase = uint64(1) << 63
	// maxPhraseWords is the longest phrase of the lexicon.
	maxPhraseWords = 3
)

// playfulConcepts name the concepts of conceptTable.playful.
var playfulConcepts = []string{"joke", "exaggeration", "gaming"}

// lifeConcepts name the concepts of conceptTable.life: a means, an act, a body hurt, a farewell,
// a plan, danger from someone. A message with one of them is never school talk alone.
var lifeConcepts = []string{"method", "taken", "selfharm", "injury", "medical_now", "farewell", "plan",
	"weapon", "threat", "waiting", "locked", "hitting", "followed", "coercion", "honour", "drugged", "assault"}

// conceptTable is the lexicon, read at build time (parseConcepts) and embedded as Go source of
// static data (concepts_gen.go): nothing is parsed or built at a cold start, nor at the first
// message. Its words are numbered, so that a message's phrases are looked up by numbers, not by
// strings built for it.
type conceptTable struct {
	names []string
	// ids numbers every word of the lexicon from 1; words[id] are the concepts the word names
	// alone, with leadsPhrase when a longer phrase starts with it; phrases maps the phrases of 2
	// and 3 words, as their words' ids (phraseKey), to their concepts.
	ids     table[string, uint32]
	words   []uint64
	phrases table[uint64, uint64]
	// starts has a bit set for the key of every phrase and of the first two words of every
	// phrase of three: most neighbouring words of a message are no phrase, and this says so
	// without a map lookup.
	starts [1 << 16 / 64]uint64
	// playful are the concepts that say words are not meant literally: a joke marker, an
	// everyday exaggeration, a game (Reader.Read).
	playful uint64
	// life are the concepts that take a message beyond school talk (lifeConcepts; Reader.Read).
	life uint64
	// single[c] is concept c's feature bucket; pair[c*maxConcepts+d] that of c and d together.
	single []uint32
	pair   []uint32
}

// phraseKey appends a word's id to a phrase's key: 21 bits per word, and a first id of at least
// 1, so that keys of 2 and 3 words never meet.
func phraseKey(key uint64, id uint32) uint64 { return key<<21 | uint64(id) }

// startBit is where a key's bit is in starts (Fibonacci hashing).
func startBit(key uint64) (word int, bit uint64) {
	h := (key * 0x9E3779B97F4A7C15) >> 48
	return int(h >> 6), 1 << (h & 63)
}

// mayStart reports whether key may be a phrase or the start of one (false means surely not).
func (t *conceptTable) mayStart(key uint64) bool {
	w, b := startBit(key)
	return t.starts[w]&b != 0
}

// maxConceptWords is how many words phraseKey's 21 bits number.
const maxConceptWords = 1<<21 - 1

// concepts is the lexicon as generated from concepts.tsv (TestConceptsAreGenerated).
func concepts() *conceptTable { return embeddedConcepts }

func parseConcepts(src string) (*conceptTable, error) {
	t := &conceptTable{words: []uint64{0}}
	ids, phrases := map[string]uint32{}, map[uint64]uint64{}
	index := map[string]int{}
	id := func(w string) uint32 {
		if n, ok := ids[w]; ok {
			return n
		}
		ids[w] = uint32(len(t.words))
		t.words = append(t.words, 0)
		return ids[w]
	}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, phrase, ok := strings.Cut(line, "\t")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("concepts.tsv:%d: want CONCEPT<TAB>PHRASE", n+1)
		}
		c, seen := index[name]
		if !seen {
			if len(t.names) == maxConcepts {
				return nil, fmt.Errorf("concepts.tsv:%d: more than %d concepts", n+1, maxConcepts)
			}
			c = len(t.names)
			index[name] = c
			t.names = append(t.names, name)
			if slices.Contains(playfulConcepts, name) {
				t.playful |= 1 << c
			}
			if slices.Contains(lifeConcepts, name) {
				t.life |= 1 << c
			}
		}
		ws := normalizeWords(phrase)
		switch {
		case len(ws) == 0:
			return nil, fmt.Errorf("concepts.tsv:%d: no words in %q", n+1, phrase)
		case len(ws) > maxPhraseWords:
			return nil, fmt.Errorf("concepts.tsv:%d: %q has more than %d words", n+1, phrase, maxPhraseWords)
		case len(ws) == 1:
			t.words[id(ws[0])] |= 1 << c
		default:
			key := uint64(id(ws[0]))
			t.words[key] |= leadsPhrase
			for _, w := range ws[1:] {
				key = phraseKey(key, id(w))
				i, b := startBit(key)
				t.starts[i] |= b
			}
			phrases[key] |= 1 << c
		}
		if len(t.words) > maxConceptWords {
			return nil, fmt.Errorf("concepts.tsv:%d: more than %d words", n+1, maxConceptWords)
		}
	}
	t.ids, t.phrases = tableOf(ids), tableOf(phrases)
	t.single = make([]uint32, len(t.names))
	t.pair = make([]uint32, len(t.names)*maxConcepts)
	for c, a := range t.names {
		t.single[c] = bucket(fConcept, a)
		for d, b := range t.names[c+1:] {
			t.pair[c*maxConcepts+c+1+d] = bucket(fConceptPair, a+" "+b)
		}
	}
	return t, nil
}

// mask gives the concepts of a message from its words' ids (ids[text] of each token, 0 when the
// lexicon does not have it).
func (t *conceptTable) mask(ids []uint32) uint64 {
	var m uint64
	for i, w := range ids {
		if w == 0 {
			continue
		}
		m |= t.words[w]
		if t.words[w]&leadsPhrase == 0 {
			continue
		}
		key := uint64(w)
		for _, next := range ids[i+1 : min(len(ids), i+maxPhraseWords)] {
			if next == 0 {
				break
			}
			key = phraseKey(key, next)
			if !t.mayStart(key) {
				break
			}
			m |= t.phrases.get(key)
		}
	}
	return m &^ leadsPhrase
}

// appendFeatures adds the features of the concepts in m and of each pair of them (every view
// reads them).
func (t *conceptTable) appendFeatures(out []uint32, m uint64) []uint32 {
	for rest := m; rest != 0; rest &= rest - 1 {
		c := bits.TrailingZeros64(rest)
		out = append(out, t.single[c]|wordView)
		for more := rest &^ (1 << c); more != 0; more &= more - 1 {
			out = append(out, t.pair[c*maxConcepts+bits.TrailingZeros64(more)]|wordView)
		}
	}
	return out
}

// namesOf lists the concepts in m, for `meldwijzer classify`.
func (t *conceptTable) namesOf(m uint64) []string {
	var out []string
	for rest := m; rest != 0; rest &= rest - 1 {
		out = append(out, t.names[bits.TrailingZeros64(rest)])
	}
	return out
}

// conceptsOf gives the concepts of a tokenised message.
func conceptsOf(toks []token) uint64 {
	t := concepts()
	ids := make([]uint32, len(toks))
	for i, tok := range toks {
		ids[i] = t.ids.get(tok.text)
	}
	return t.mask(ids)
}
