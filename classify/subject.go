package classify

// An urgent word can be the subject of what someone says rather than what happens to them: a
// guest lesson about suicide, a documentary about self-harm, a training in suicide prevention.
// Such a word is no urgent cue (the vocabulary's subjects hide it, as an idiom hides its words),
// so that calm talk about a lesson or a series does not get the emergency answer; the model reads
// the rest of the message, and unless it reads it as calm beyond doubt the reader asks directly:
// "na de les over zelfmoord denk ik er zelf ook steeds aan".

// mark marks the words said as a subject, and reports whether there were any.
func (s subjectScope) mark(words []word, occ *occurrences) bool {
	found := false
	markAll := func(o occurrence) {
		for i := o.start; i <= o.end; i++ {
			words[i].subject = true
		}
		found = true
	}
	for _, p := range s.any {
		for _, o := range occ.of(p) {
			markAll(o)
		}
	}
	for _, p := range s.words {
		for _, o := range occ.of(p) {
			if link, ok := s.before(words, occ, s.links, o.start); ok {
				if _, ok := s.before(words, occ, s.topics, link); ok {
					markAll(o)
				}
			}
		}
	}
	return found
}

// before finds an occurrence of one of pats that ends at most s.within words before word i, in
// its clause, and gives where the nearest such occurrence starts.
func (s subjectScope) before(words []word, occ *occurrences, pats []int32, i int) (int, bool) {
	start, ok := -1, false
	for _, p := range pats {
		for _, o := range occ.of(p) {
			if o.end < i && i-o.end <= s.within && words[o.end].clause == words[i].clause && o.start > start {
				start, ok = o.start, true
			}
		}
	}
	return start, ok
}

// liveOccurrences adds to live the occurrences of occ that no idiom hides (nor, with subjects, a
// subject), each with whether a negation stands before it.
func (c *Classifier) liveOccurrences(words []word, occ, live *occurrences, subjects bool) {
	for _, p := range occ.touched {
	next:
		for _, o := range occ.of(p) {
			for i := o.start; i <= o.end; i++ {
				if words[i].masked || subjects && words[i].subject {
					continue next
				}
			}
			o.negated = c.negatedAt(words, o.start)
			live.add(p, o)
		}
	}
}

// subjectKind is the urgent kind that would fire if the words said as a subject were cues.
func (c *Classifier) subjectKind(words []word, occ *occurrences) string {
	all := c.getOccurrences()
	defer c.putOccurrences(all)
	c.liveOccurrences(words, occ, all, false)
	for _, u := range c.urgent {
		if c.fires(u, all, true) {
			return u.id
		}
	}
	return ""
}
