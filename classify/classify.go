package classify

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"meldwijzer/internal/snapcache"
)

// Result is what the classifier read in a message. Empty fields mean "not sure".
type Result struct {
	Theme  string // discriminatie seksueel agressie pesten criminaliteit stagemisbruik discussie thuis anders, or ""
	Where  string // school stage online elders, or ""
	Urgent string // "", danger (112), suicide (113) or assault (Centrum Seksueel Geweld)
	// Idiom is true when an idiom hid words of the message ("ik schrok me dood").
	Idiom bool
	// Involved is who is involved, when the message says it clearly (staff), or "".
	Involved string
	// Negated is true when an urgent cue was found only with a negation before it ("ik wil niet
	// dood"): no urgent reading, and a sign of calm for the reader.
	Negated bool
	// School is true when the message is about school itself going badly and names nothing of
	// life, body or danger (the vocabulary's schoolTalk).
	School bool
	// Named is true when the urgent cue was a word that names the subject ("zelfmoord") and
	// nothing more (Urgent.Named): the reader lets it go when the model reads the message as
	// calm beyond doubt.
	Named bool
	// Subject is the urgent kind whose cue the message names only as a subject ("een les over
	// zelfmoord"; the vocabulary's subjects): no urgent reading, but the reader asks directly
	// unless the model reads the message as calm beyond doubt.
	Subject string
}

// Weights of the three lists of a theme or where.
const (
	weightStrong = 2.0
	weightWords  = 1.0
	weightWeak   = 0.5
)

// Typo matching: a word of typoMinLen+ letters that matches nothing may match a vocabulary word of
// typoMinLen+ letters with one edit, keeping the first typoSame letters. 6, not 5: checked against
// the OpenTaal word list, 5-letter words give many real Dutch words as false typos (delen -> dealen,
// slaap -> slaat). A typo match weighs half for themes and where, and fully for urgency.
const typoMinLen, typoSame = 6, 1

// exactTypoMinLen is the shortest word of an exact entry ("=verkracht") that a typo may match:
// checked against the OpenTaal and English word lists, shorter ones gave real words ("spelen" ->
// "stelen", "raging" -> "raping", "dragged" -> "drugged").
const exactTypoMinLen = 8

const (
	phraseGap   = 2  // unmatched tokens allowed between two words of a phrase
	negationWin = 2  // tokens before an urgent cue that are checked for a negation
	typoMaxLen  = 24 // longest word that is looked up for a typo
)

type patKind uint8

const (
	pWord   patKind = iota // one word, matched on its stems
	pExact                 // "=word": the normalised word only
	pPrefix                // "word*": any word starting with it (compounds)
	pSuffix                // "*word": any word ending with it
	pPhrase                // several words in order, each matched on its stems
)

type pattern struct {
	kind  patKind
	text  string     // normalised entry (affix text for prefix/suffix)
	words [][]string // per word: the keys it is found by
	ids   [][]int32  // the same keys as numbers (Classifier.keyIDs), for matching phrases
}

type weighted struct {
	pat    int32
	weight float64
}

type combo struct {
	groups [][]int32
	within int
	weight float64
}

type scored struct {
	id         string
	defWhere   string
	fixedWhere bool
	terms      []weighted
	combos     []combo
}

type urgentKind struct {
	id     string
	theme  string
	any    []int32
	named  []int32
	combos []combo
	unless []int32
}

type affix struct {
	text string
	pat  int32
}

// Classifier reads messages with a compiled vocabulary. It is immutable after New and safe for
// concurrent use.
type Classifier struct {
	*compiled

	// expansions remembers expand(t) across messages: what the vocabulary finds in a token
	// depends on the token alone. (The reader keeps its own cache of tokens, with the model's part
	// beside this: lexicon.go.)
	expansions *snapcache.Cache[string, []expansion]
	occPool    sync.Pool // *occurrences
}

// compiled is the vocabulary as New compiles it: slices and sorted tables only (table.go), so
// that it can be written as Go source of static data (vocabulary_gen.go) and read at a cold start
// without any work.
type compiled struct {
	threshold float64
	slang     table[string, []string]
	negations set
	known     set

	pats     []pattern
	wordIdx  table[string, []int32] // key -> single-word patterns
	firstIdx table[string, []int32] // key -> phrase patterns whose first word has the key
	prefixes []affix
	suffixes []affix
	allKeys  set                     // every key of every word of every pattern
	keyIDs   table[string, int32]    // a number for every key of a pattern's words
	typoIdx  table[string, []string] // a vocabulary word, and each of its one-rune deletions -> the word
	typoKeys table[string, []string] // vocabulary word -> its keys

	idioms   []int32
	themes   []scored
	where    []scored
	involved []scored
	urgent   []urgentKind
	// schoolTalk is the scope of school talk, read as an urgent kind whose negated words count
	// ("ik wil niet meer naar school" is about school).
	schoolTalk urgentKind
	subjects   subjectScope
}

// subjectScope is the vocabulary's subjects, compiled (Vocabulary.Subjects).
type subjectScope struct {
	any, topics, links, words []int32
	within                    int
}

// compiler builds a compiled vocabulary in maps, made tables at the end (finish). Its maps have
// the names of the tables they become, and hide them while it compiles.
type compiler struct {
	*compiled
	slang     map[string][]string
	negations map[string]bool
	known     map[string]bool
	byEntry   map[string]int32 // a pattern's kind and normalised text -> the pattern (shared)
	wordIdx   map[string][]int32
	firstIdx  map[string][]int32
	allKeys   map[string]bool
	keyIDs    map[string]int32
	typoIdx   map[string][]string
	typoKeys  map[string][]string
}

// New compiles the vocabulary: it normalises and stems every entry once. The vocabulary should have
// passed Check; entries that are empty after normalisation are skipped.
func New(v *Vocabulary) *Classifier { return newClassifier(compile(v)) }

// newClassifier reads messages with a compiled vocabulary (New's, or the one generated at build
// time: EmbeddedVocabulary).
func newClassifier(cv *compiled) *Classifier {
	return &Classifier{compiled: cv, expansions: snapcache.New[string, []expansion](maxCachedWords, freshWords, strings.Clone)}
}

func compile(v *Vocabulary) *compiled {
	c := &compiler{
		compiled:  &compiled{threshold: v.Threshold},
		slang:     map[string][]string{},
		negations: map[string]bool{},
		known:     map[string]bool{},
		byEntry:   map[string]int32{},
		wordIdx:   map[string][]int32{},
		firstIdx:  map[string][]int32{},
		allKeys:   map[string]bool{},
		keyIDs:    map[string]int32{},
		typoIdx:   map[string][]string{},
		typoKeys:  map[string][]string{},
	}
	if c.threshold <= 0 {
		c.threshold = 1
	}
	for k, val := range v.Slang {
		if nk := normalizeWords(k); len(nk) == 1 {
			if nv := normalizeWords(val); len(nv) > 0 {
				c.slang[nk[0]] = nv
			}
		}
	}
	for _, n := range v.Negations {
		for _, w := range normalizeWords(n) {
			c.negations[w] = true
		}
	}
	for _, k := range v.Known {
		for _, w := range normalizeWords(k) {
			c.known[w] = true
		}
	}
	for _, e := range v.Idioms {
		if id, ok := c.literal(e); ok {
			c.idioms = append(c.idioms, id)
		}
	}
	for _, t := range v.Themes {
		c.themes = append(c.themes, c.compileCues(t))
	}
	for _, w := range v.Where {
		c.where = append(c.where, c.compileCues(w))
	}
	for _, w := range v.Involved {
		c.involved = append(c.involved, c.compileCues(w))
	}
	for _, k := range v.Urgent.kinds() {
		u := urgentKind{id: k.id, theme: k.u.Theme, any: c.patterns(k.u.Any), named: c.patterns(k.u.Named), unless: c.patterns(k.u.Unless)}
		for _, cb := range k.u.Combos {
			u.combos = append(u.combos, c.compileCombo(cb))
		}
		c.urgent = append(c.urgent, u)
	}
	c.schoolTalk = urgentKind{id: "school", unless: c.patterns(v.SchoolTalk.Unless),
		combos: []combo{c.compileCombo(Combo{All: [][]string{v.SchoolTalk.Said, v.SchoolTalk.About}, Within: v.SchoolTalk.Within})}}
	sj := v.Subjects
	c.subjects = subjectScope{any: c.patterns(sj.Any), topics: c.patterns(sj.Topics), links: c.patterns(sj.Links),
		words: c.patterns(sj.Words), within: sj.Within}
	for i := range c.pats {
		p := &c.pats[i]
		p.ids = make([][]int32, len(p.words))
		for j, keys := range p.words {
			for _, k := range keys {
				id, ok := c.keyIDs[k]
				if !ok {
					id = int32(len(c.keyIDs))
					c.keyIDs[k] = id
				}
				p.ids[j] = append(p.ids[j], id)
			}
		}
	}
	return c.finish()
}

// finish makes the maps tables.
func (c *compiler) finish() *compiled {
	cv := c.compiled
	cv.slang, cv.negations, cv.known = tableOf(c.slang), setOf(c.negations), setOf(c.known)
	cv.wordIdx, cv.firstIdx, cv.allKeys, cv.keyIDs = tableOf(c.wordIdx), tableOf(c.firstIdx), setOf(c.allKeys), tableOf(c.keyIDs)
	cv.typoIdx, cv.typoKeys = tableOf(c.typoIdx), tableOf(c.typoKeys)
	return cv
}

func (c *compiler) compileCues(q Cues) scored {
	s := scored{id: q.ID, defWhere: q.Where, fixedWhere: q.WhereAlways}
	for _, l := range []struct {
		list []string
		w    float64
	}{{q.Strong, weightStrong}, {q.Words, weightWords}, {q.Weak, weightWeak}} {
		for _, p := range c.patterns(l.list) {
			s.terms = append(s.terms, weighted{p, l.w})
		}
	}
	for _, cb := range q.Combos {
		s.combos = append(s.combos, c.compileCombo(cb))
	}
	// heaviest first, then the phrase with more words, so a word counts for its best entry
	slices.SortStableFunc(s.terms, func(a, b weighted) int {
		if a.weight != b.weight {
			return cmp.Compare(b.weight, a.weight)
		}
		return cmp.Compare(len(c.pats[b.pat].words), len(c.pats[a.pat].words))
	})
	return s
}

func (c *compiler) compileCombo(cb Combo) combo {
	out := combo{within: cb.Within, weight: cb.Weight}
	for _, g := range cb.All {
		out.groups = append(out.groups, c.patterns(g))
	}
	return out
}

func (c *compiler) patterns(entries []string) []int32 {
	var ids []int32
	for _, e := range entries {
		if id, ok := c.pattern(e); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// pattern compiles one entry (shared between all lists that use it).
func (c *compiler) pattern(entry string) (int32, bool) {
	kind := pWord
	body := entry
	switch {
	case strings.HasPrefix(entry, "="):
		kind, body = pExact, entry[1:]
	case strings.HasSuffix(entry, "*"):
		kind, body = pPrefix, strings.TrimSuffix(entry, "*")
	case strings.HasPrefix(entry, "*"):
		kind, body = pSuffix, entry[1:]
	}
	words := normalizeWords(body)
	if len(words) == 0 {
		return 0, false
	}
	if len(words) > 1 {
		kind = pPhrase
	}
	norm := strings.Join(words, " ")
	id := string('0'+rune(kind)) + norm
	if p, ok := c.byEntry[id]; ok {
		return p, true
	}
	p := pattern{kind: kind, text: norm}
	pid := int32(len(c.pats))
	switch kind {
	case pExact:
		// no stems; a typo only of a long word (exactTypoMinLen)
		p.words = [][]string{{words[0]}}
		c.wordIdx[words[0]] = append(c.wordIdx[words[0]], pid)
		c.allKeys[words[0]] = true
		if utf8.RuneCountInString(words[0]) >= exactTypoMinLen {
			c.addKeys(words[0], []string{words[0]})
		}
	case pPrefix:
		c.prefixes = append(c.prefixes, affix{words[0], pid})
		c.addKeys(words[0], []string{words[0]})
	case pSuffix:
		c.suffixes = append(c.suffixes, affix{words[0], pid})
	case pWord:
		keys := vocabKeys(words[0])
		p.words = [][]string{keys}
		for _, k := range keys {
			c.wordIdx[k] = append(c.wordIdx[k], pid)
		}
		c.addKeys(words[0], keys)
	case pPhrase:
		for i, w := range words {
			keys := vocabKeys(w)
			p.words = append(p.words, keys)
			if i == 0 {
				for _, k := range keys {
					c.firstIdx[k] = append(c.firstIdx[k], pid)
				}
			}
			c.addKeys(w, keys)
		}
	}
	c.pats = append(c.pats, p)
	c.byEntry[id] = pid
	return pid, true
}

// literal compiles an idiom: its words match only as written (after normalisation and slang), so
// the idiom "killing me" does not hide the threat "kill me".
func (c *compiler) literal(entry string) (int32, bool) {
	words := normalizeWords(entry)
	if len(words) == 0 {
		return 0, false
	}
	id := "L" + strings.Join(words, " ")
	if p, ok := c.byEntry[id]; ok {
		return p, true
	}
	p := pattern{kind: pPhrase, text: strings.Join(words, " ")}
	for _, w := range words {
		p.words = append(p.words, []string{w})
	}
	pid := int32(len(c.pats))
	if len(words) == 1 {
		p.kind = pExact
		c.wordIdx[words[0]] = append(c.wordIdx[words[0]], pid)
	} else {
		c.firstIdx[words[0]] = append(c.firstIdx[words[0]], pid)
	}
	c.pats = append(c.pats, p)
	c.byEntry[id] = pid
	return pid, true
}

// addKeys records the keys of a vocabulary word, and indexes the word for typo matching.
func (c *compiler) addKeys(w string, keys []string) {
	for _, k := range keys {
		c.allKeys[k] = true
	}
	if !isWordy(w) || utf8.RuneCountInString(w) < typoMinLen {
		return
	}
	if _, ok := c.typoKeys[w]; ok {
		return
	}
	c.typoKeys[w] = keys
	c.typoIdx[w] = append(c.typoIdx[w], w)
	for _, d := range deletions(w) {
		c.typoIdx[d] = append(c.typoIdx[d], w)
	}
}

// word is a token of the message with the keys it is looked up by.
type word struct {
	token
	*vocabWord
	masked  bool // inside an idiom
	subject bool // an urgent word said as a subject (subjectScope)
}

type occurrence struct {
	start, end int
	negated    bool // a negation stands right before it in the same clause
	typo       bool // a single word matched through a typo
}

// Classify reads one message. It does not keep or log the text.
func (c *Classifier) Classify(text string) Result {
	return c.classify(tokenize(text))
}

// classify reads a tokenised message.
func (c *Classifier) classify(toks []token) Result {
	return c.classifyWords(c.words(toks, c.cachedExpansion))
}

// classifyWords reads a message's words (the reader looks them up with the model's part).
func (c *Classifier) classifyWords(words []word) Result {
	if len(words) == 0 {
		return Result{}
	}
	occ, live := c.getOccurrences(), c.getOccurrences()
	defer c.putOccurrences(occ)
	defer c.putOccurrences(live)
	c.match(words, occ)

	// idioms hide their words from themes and urgency
	idiom := false
	for _, p := range c.idioms {
		for _, o := range occ.of(p) {
			idiom = true
			for i := o.start; i <= o.end; i++ {
				words[i].masked = true
			}
		}
	}
	subject := c.subjects.mark(words, occ)
	c.liveOccurrences(words, occ, live, true)

	r := Result{Idiom: idiom, School: c.fires(c.schoolTalk, live, false)}
	r.Theme = c.best(c.themes, live, len(words))
	r.Where = c.best(c.where, occ, len(words))
	r.Involved = c.best(c.involved, live, len(words))
	// the first kind that fires wins, but a kind that fires on more than a word that names it
	// wins over one that fires on such a word alone ("na die schietpartij wil ik dood")
	var fired *urgentKind
	for i := range c.urgent {
		u := &c.urgent[i]
		if !r.Negated && c.negatedOnly(*u, live) {
			r.Negated = true
		}
		if !c.fires(*u, live, true) {
			continue
		}
		if !c.firesUnnamed(*u, live) {
			if fired == nil {
				fired, r.Named = u, true
			}
			continue
		}
		fired, r.Named = u, false
		break
	}
	if fired != nil {
		r.Urgent = fired.id
		if r.Theme == "" {
			r.Theme = fired.theme
		}
	}
	if subject && r.Urgent == "" {
		r.Subject = c.subjectKind(words, occ)
	}
	if r.Theme != "" {
		for _, t := range c.themes {
			if t.id == r.Theme && (r.Where == "" || t.fixedWhere) && t.defWhere != "" {
				r.Where = t.defWhere
			}
		}
	}
	return r
}

// words are the message's words as the vocabulary sees them: each token, or the words slang
// expands it to, with what the vocabulary knows of each (lookup gives it for a token).
func (c *Classifier) words(toks []token, lookup func(string) []expansion) []word {
	words := make([]word, 0, len(toks))
	for _, t := range toks {
		words = appendWords(words, t, lookup(t.text))
	}
	return words
}

// appendWords adds a token's words.
func appendWords(words []word, t token, exp []expansion) []word {
	for _, e := range exp {
		words = append(words, word{token: token{text: e.text, clause: t.clause}, vocabWord: e.vocabWord})
	}
	return words
}

// expansion is one word of a token as the vocabulary sees it: the token itself, or each of the
// words slang expands it to ("kk" -> "heel"), with what the vocabulary knows of it.
type expansion struct {
	text string
	*vocabWord
}

// expand looks a token up: its slang expansion and each word's keys and patterns.
func (c *Classifier) expand(t string) []expansion {
	exp := []string{t}
	if s, ok := c.slang.lookup(t); ok {
		exp = s
	}
	out := make([]expansion, len(exp))
	for i, w := range exp {
		out[i] = expansion{text: w, vocabWord: c.lookup(w)}
	}
	return out
}

// vocabWord is what the vocabulary knows of one word, whatever message it is in: its lookup keys
// and the single-word patterns and phrase starts they find. Shared, never changed.
type vocabWord struct {
	// single are the one-word patterns the word matches (word, exact, prefix, suffix), each once;
	// typo when only a typo's keys found it.
	single []singleHit
	// phrases are the phrase patterns whose first word the word matches, each once.
	phrases []int32
	// ids are the numbers of the word's keys that some pattern has (Classifier.keyIDs).
	ids []int32
	// negation is true for a negation ("niet", "geen", "not").
	negation bool
}

type singleHit struct {
	pat  int32
	typo bool
}

// cachedExpansion is expand(t), remembered.
func (c *Classifier) cachedExpansion(t string) []expansion { return c.expansions.Get(t, c.expand) }

// lookup finds what the vocabulary knows of a word.
func (c *Classifier) lookup(w string) *vocabWord {
	vw := &vocabWord{}
	keys, own := c.keys(w) // keys[:own] are the word's own; the rest come from a typo match
	vw.negation = c.negations.has(w)
	for _, k := range keys {
		if id, ok := c.keyIDs.lookup(k); ok && !slices.Contains(vw.ids, id) {
			vw.ids = append(vw.ids, id)
		}
	}
	add := func(p int32, typo bool) {
		for j, h := range vw.single {
			if h.pat == p {
				vw.single[j].typo = h.typo && typo
				return
			}
		}
		vw.single = append(vw.single, singleHit{pat: p, typo: typo})
	}
	for j, k := range keys {
		typo := j >= own
		for _, p := range c.wordIdx.get(k) {
			if c.pats[p].kind == pExact && k != w && !typo {
				continue
			}
			add(p, typo)
		}
		for _, p := range c.firstIdx.get(k) {
			if !slices.Contains(vw.phrases, p) {
				vw.phrases = append(vw.phrases, p)
			}
		}
	}
	for _, a := range c.prefixes {
		for j, k := range keys {
			if strings.HasPrefix(k, a.text) {
				add(a.pat, j >= own)
				break
			}
		}
	}
	for _, a := range c.suffixes {
		if strings.HasSuffix(w, a.text) {
			add(a.pat, false)
		}
	}
	return vw
}

// keys returns the lookup keys of a word and how many of them are its own (the rest are the keys
// of a vocabulary word it is a typo of).
func (c *Classifier) keys(w string) ([]string, int) {
	keys := tokenKeys(w)
	own := len(keys)
	for _, k := range keys {
		if c.allKeys.has(k) {
			return keys, own
		}
	}
	n := utf8.RuneCountInString(w)
	if n < typoMinLen || n > typoMaxLen || c.known.has(w) || c.negations.has(w) || !isWordy(w) {
		return keys, own
	}
	for _, a := range c.prefixes {
		if strings.HasPrefix(w, a.text) {
			return keys, own
		}
	}
	for _, a := range c.suffixes {
		if strings.HasSuffix(w, a.text) {
			return keys, own
		}
	}
	for _, d := range append([]string{w}, deletions(w)...) {
		for _, vw := range c.typoIdx.get(d) {
			if !samePrefix(w, vw, typoSame) {
				continue // a typo in the first letter is rare; guessing it gives false hits
			}
			if !withinOneEdit(w, vw) {
				continue
			}
			for _, k := range c.typoKeys.get(vw) {
				keys = appendNew(keys, k)
			}
		}
	}
	return keys, own
}
