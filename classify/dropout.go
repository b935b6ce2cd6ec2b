package classify

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// wordDropout gives each step of training its line with some words left out, each with
// probability share, and with them their n-grams, pairs and concepts (the pairs then join the
// words that are left). A writer the model never saw says the same thing with other words: a
// model that must also read its lines without their strongest word learns the rest of the
// message too, not only that word. Held out by writer (corpus/README.md), leaving out 30% of the
// words found more urgent messages at the same share of calm messages flagged, more themes and
// fewer idiom traps; 15% gave as much, 50% less.
type wordDropout struct {
	share float32
	lines []dropLine // each line's words; nil: every step reads the whole line
	rng   *rand.Rand
	// which of the step's words are kept, and what its features are made in
	keep              []bool
	ids               []uint32
	own, rest, merged []uint32
}

// dropLine is what a line's steps are made from, worked out once for all steps of all fits: the
// features of a line with words left out are its single words' own features (the word and its
// n-grams) filtered, plus the pairs and concepts of the words that are left. Making them anew
// for every step (featuresOf) was a third of training's time.
type dropLine struct {
	toks []token
	ids  []uint32 // each word's id in the concept lexicon
	// own are the words' own features, sorted, and owner the word each comes from
	own   []uint32
	owner []int32
}

// dropLines prepares every line for wordDropout.
func dropLines(toks [][]token) []dropLine {
	t := concepts()
	lines := make([]dropLine, len(toks))
	type owned struct {
		f     uint32
		owner int32
	}
	var fs []owned
	var buf []uint32
	for i, ts := range toks {
		l := dropLine{toks: ts, ids: make([]uint32, len(ts))}
		fs = fs[:0]
		for j, tok := range ts {
			l.ids[j] = t.ids.get(tok.text)
			buf = appendWord(buf[:0], tok.text)
			for _, f := range buf {
				fs = append(fs, owned{f, int32(j)})
			}
		}
		slices.SortFunc(fs, func(a, b owned) int { return cmp.Compare(a.f, b.f) })
		l.own, l.owner = make([]uint32, len(fs)), make([]int32, len(fs))
		for k, o := range fs {
			l.own[k], l.owner[k] = o.f, o.owner
		}
		lines[i] = l
	}
	return lines
}

// features are line i's features for one step: all of them (feats, as the reader sees the line)
// without dropout, or when more than half of its words happened to be left out. A line cut down
// to a word or two is no longer what its writer said: its label would then rest on words that
// say nothing by themselves ("ja" is in many answers about an assault), and a short message
// ("ja", an answer to the bot's question) would be read as that label. Otherwise they are
// exactly featuresOf the words kept, sorted; the slice is the step's own until the next call.
func (d *wordDropout) features(i int, feats []uint32) []uint32 {
	if d.lines == nil {
		return feats
	}
	l := &d.lines[i]
	d.keep = d.keep[:0]
	kept := 0
	for range l.toks {
		k := d.rng.Float32() >= d.share
		d.keep = append(d.keep, k)
		if k {
			kept++
		}
	}
	if 2*kept < len(l.toks) {
		return feats
	}
	d.own = d.own[:0]
	for k, f := range l.own {
		if d.keep[l.owner[k]] {
			d.own = append(d.own, f)
		}
	}
	// the pairs of the words left and their concepts: few, sorted apart and merged in
	d.rest, d.ids = d.rest[:0], d.ids[:0]
	prev := ""
	for j, t := range l.toks {
		if !d.keep[j] {
			continue
		}
		if prev != "" {
			d.rest = append(d.rest, pairBucket(prev, t.text)|wordView)
		}
		prev = t.text
		d.ids = append(d.ids, l.ids[j])
	}
	c := concepts()
	d.rest = c.appendFeatures(d.rest, c.mask(d.ids))
	slices.Sort(d.rest)
	d.merged = d.merged[:0]
	a, b := d.own, d.rest
	for len(a) > 0 && len(b) > 0 {
		if a[0] <= b[0] {
			d.merged, a = append(d.merged, a[0]), a[1:]
		} else {
			d.merged, b = append(d.merged, b[0]), b[1:]
		}
	}
	d.merged = append(append(d.merged, a...), b...)
	return d.merged
}
