package classify

import (
	"strings"
)

// match finds every occurrence of every pattern.
func (c *Classifier) match(words []word) map[int32][]occurrence {
	occ := map[int32][]occurrence{}
	add := func(p int32, o occurrence) {
		list := occ[p]
		for j, x := range list {
			if x.start == o.start {
				if x.typo && !o.typo {
					list[j] = o
				}
				return
			}
		}
		occ[p] = append(list, o)
	}
	for i := range words {
		w := &words[i]
		for j, k := range w.keys {
			typo := j >= w.own
			for _, p := range c.wordIdx[k] {
				if c.pats[p].kind == pExact && k != w.text {
					continue
				}
				add(p, occurrence{start: i, end: i, typo: typo})
			}
			for _, p := range c.firstIdx[k] {
				if end, ok := c.matchPhrase(words, i, c.pats[p].words); ok {
					add(p, occurrence{start: i, end: end})
				}
			}
		}
		for _, a := range c.prefixes {
			for j, k := range w.keys {
				if strings.HasPrefix(k, a.text) {
					add(a.pat, occurrence{start: i, end: i, typo: j >= w.own})
					break
				}
			}
		}
		for _, a := range c.suffixes {
			if strings.HasSuffix(w.text, a.text) {
				add(a.pat, occurrence{start: i, end: i})
			}
		}
	}
	return occ
}

// matchPhrase matches the phrase words from words[i] (which matches the first), allowing up to
// phraseGap other words between two phrase words, but no negation among them ("ik wil niet dood"
// is not "ik wil dood").
func (c *Classifier) matchPhrase(words []word, i int, phrase [][]string) (int, bool) {
	pos := i
	for _, want := range phrase[1:] {
		found := -1
		for j := pos + 1; j < len(words) && j <= pos+1+phraseGap; j++ {
			if hasKey(words[j].keys, want) {
				found = j
				break
			}
			if c.negations[words[j].text] {
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

func hasKey(keys, want []string) bool {
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
		if c.negations[words[j].text] {
			return true
		}
	}
	return false
}

// best returns the id with the highest score at or above the threshold; the first in the list wins
// a tie. Each entry counts once, and each word of the message counts for one entry only (the
// heaviest), so listing several forms of a word ("dreigt", "dreigen") does not add up.
func (c *Classifier) best(list []scored, occ map[int32][]occurrence, n int) string {
	if len(occ) == 0 {
		return ""
	}
	// hit marks the patterns that occur, so that the many terms that do not cost a bit test
	// instead of a map lookup.
	hit := make([]uint64, (len(c.pats)+63)/64)
	for p := range occ {
		hit[p>>6] |= 1 << (p & 63)
	}
	bestID, bestScore := "", 0.0
	used := make([]bool, n)
	for _, s := range list {
		clear(used)
		score := 0.0
		for _, t := range s.terms { // terms are sorted heaviest first, longer phrases first
			if hit[t.pat>>6]&(1<<(t.pat&63)) == 0 {
				continue
			}
		next:
			for _, o := range occ[t.pat] {
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
func (c *Classifier) negatedOnly(u urgentKind, occ map[int32][]occurrence) bool {
	found := false
	for _, p := range u.any {
		for _, o := range occ[p] {
			if !o.negated {
				return false
			}
			found = true
		}
	}
	return found
}

func (c *Classifier) fires(u urgentKind, occ map[int32][]occurrence) bool {
	for _, p := range u.unless {
		if len(occ[p]) > 0 {
			return false
		}
	}
	for _, p := range u.any {
		for _, o := range occ[p] {
			if !o.negated {
				return true
			}
		}
	}
	for _, cb := range u.combos {
		if comboHolds(cb, occ, true) {
			return true
		}
	}
	return false
}

// comboHolds reports whether every group of the combo occurs, all within cb.within words of an
// occurrence of the first group when within > 0.
func comboHolds(cb combo, occ map[int32][]occurrence, skipNegated bool) bool {
	positions := func(g []int32) []int {
		var ps []int
		for _, p := range g {
			for _, o := range occ[p] {
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
