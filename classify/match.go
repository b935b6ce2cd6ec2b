package classify

// occurrences are where each pattern occurs in one message, by pattern id: a pattern is looked up
// by index, and the lists are reused from message to message (Classifier.occPool).
type occurrences struct {
	by      [][]occurrence
	touched []int32 // the patterns that occur, in the order found
}

func (c *Classifier) getOccurrences() *occurrences {
	if o, ok := c.occPool.Get().(*occurrences); ok {
		return o
	}
	return &occurrences{by: make([][]occurrence, len(c.pats))}
}

func (c *Classifier) putOccurrences(o *occurrences) {
	for _, p := range o.touched {
		o.by[p] = o.by[p][:0]
	}
	o.touched = o.touched[:0]
	c.occPool.Put(o)
}

// of returns where pattern p occurs.
func (o *occurrences) of(p int32) []occurrence { return o.by[p] }

// any reports whether any pattern occurs.
func (o *occurrences) any() bool { return len(o.touched) > 0 }

// add records an occurrence; one per pattern and start, a typo giving way to an exact match.
func (o *occurrences) add(p int32, x occurrence) {
	list := o.by[p]
	for j, y := range list {
		if y.start == x.start {
			if y.typo && !x.typo {
				list[j] = x
			}
			return
		}
	}
	if len(list) == 0 {
		o.touched = append(o.touched, p)
	}
	o.by[p] = append(list, x)
}

// match finds every occurrence of every pattern.
func (c *Classifier) match(words []word, occ *occurrences) {
	for i := range words {
		w := &words[i]
		for _, h := range w.single {
			occ.add(h.pat, occurrence{start: i, end: i, typo: h.typo})
		}
		for _, p := range w.phrases {
			if end, ok := c.matchPhrase(words, i, c.pats[p].ids); ok {
				occ.add(p, occurrence{start: i, end: end})
			}
		}
	}
}

// matchPhrase matches the phrase words from words[i] (which matches the first), allowing up to
// phraseGap other words between two phrase words, but no negation among them ("ik wil niet dood"
// is not "ik wil dood").
func (c *Classifier) matchPhrase(words []word, i int, phrase [][]int32) (int, bool) {
	pos := i
	for _, want := range phrase[1:] {
		found := -1
		for j := pos + 1; j < len(words) && j <= pos+1+phraseGap; j++ {
			if hasAny(words[j].ids, want) {
				found = j
				break
			}
			if words[j].negation {
				return 0, false
			}
		}
		if found < 0 {
			return 0, false
		}
		pos = found
	}
	return pos, true
}

// hasAny reports whether the word's key numbers hold any of want.
func hasAny(keys, want []int32) bool {
	for _, k := range keys {
		for _, w := range want {
			if k == w {
				return true
			}
		}
	}
	return false
}

func (c *Classifier) negatedAt(words []word, start int) bool {
	for j := start - 1; j >= 0 && j >= start-negationWin; j-- {
		if words[j].clause != words[start].clause {
			return false
		}
		if words[j].negation {
			return true
		}
	}
	return false
}

// best returns the id with the highest score at or above the threshold; the first in the list wins
// a tie. Each entry counts once, and each word of the message counts for one entry only (the
// heaviest), so listing several forms of a word ("dreigt", "dreigen") does not add up.
func (c *Classifier) best(list []scored, occ *occurrences, n int) string {
	if !occ.any() {
		return ""
	}
	bestID, bestScore := "", 0.0
	used := make([]bool, n)
	for _, s := range list {
		clear(used)
		score := 0.0
		for _, t := range s.terms { // terms are sorted heaviest first, longer phrases first
		next:
			for _, o := range occ.of(t.pat) {
				for i := o.start; i <= o.end; i++ {
					if used[i] {
						continue next
					}
				}
				for i := o.start; i <= o.end; i++ {
					used[i] = true
				}
				if o.typo {
					score += t.weight / 2
				} else {
					score += t.weight
				}
				break
			}
		}
		for _, cb := range s.combos {
			if comboHolds(cb, occ, false) {
				score += cb.weight
			}
		}
		if score >= c.threshold && score > bestScore {
			bestID, bestScore = s.id, score
		}
	}
	return bestID
}

// negatedOnly reports whether an urgent kind's cue occurs, every time with a negation before it.
func (c *Classifier) negatedOnly(u urgentKind, occ *occurrences) bool {
	found := false
	for _, list := range [][]int32{u.any, u.named} {
		for _, p := range list {
			for _, o := range occ.of(p) {
				if !o.negated {
					return false
				}
				found = true
			}
		}
	}
	return found
}

// fires reports whether an entry of u's any or one of its combos occurs, and none of its unless;
// with skipNegated, an occurrence with a negation before it does not count ("ik wil niet dood"
// is no urgent cue, while "ik wil niet meer naar school" is about school).
func (c *Classifier) fires(u urgentKind, occ *occurrences, skipNegated bool) bool {
	for _, p := range u.unless {
		if len(occ.of(p)) > 0 {
			return false
		}
	}
	for _, list := range [][]int32{u.any, u.named} {
		for _, p := range list {
			for _, o := range occ.of(p) {
				if !(skipNegated && o.negated) {
					return true
				}
			}
		}
	}
	for _, cb := range u.combos {
		if comboHolds(cb, occ, skipNegated) {
			return true
		}
	}
	return false
}

// firesUnnamed reports whether u fires on more than the words that name its subject: an entry of
// any or a combo (u fires: no entry of unless is in the message).
func (c *Classifier) firesUnnamed(u urgentKind, occ *occurrences) bool {
	return c.fires(urgentKind{any: u.any, combos: u.combos}, occ, true)
}

// comboHolds reports whether every group of the combo occurs, all within cb.within words of an
// occurrence of the first group when within > 0.
func comboHolds(cb combo, occ *occurrences, skipNegated bool) bool {
	positions := func(g []int32) []int {
		var ps []int
		for _, p := range g {
			for _, o := range occ.of(p) {
				if !(skipNegated && o.negated) {
					ps = append(ps, o.start)
				}
			}
		}
		return ps
	}
	if len(cb.groups) == 0 {
		return false
	}
	anchors := positions(cb.groups[0])
	if len(anchors) == 0 {
		return false
	}
	others := make([][]int, 0, len(cb.groups)-1)
	for _, g := range cb.groups[1:] {
		ps := positions(g)
		if len(ps) == 0 {
			return false
		}
		others = append(others, ps)
	}
	if cb.within <= 0 {
		return true
	}
next:
	for _, a := range anchors {
		for _, ps := range others {
			ok := false
			for _, p := range ps {
				if p-a <= cb.within && a-p <= cb.within {
					ok = true
					break
				}
			}
			if !ok {
				continue next
			}
		}
		return true
	}
	return false
}

func samePrefix(a, b string, n int) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < n || len(rb) < n {
		return false
	}
	return string(ra[:n]) == string(rb[:n])
}
