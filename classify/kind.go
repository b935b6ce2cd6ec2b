package classify

import (
	"slices"
	"strings"
)

// The hidden view (hidden.go) learns from one more question than the reader asks it: which kind of
// urgent message a line is, in its writer's own word for it (a plan, an overdose, someone waiting,
// staff passing it on, a threat, ...), or an idiom trap. The urgent head alone tells the hidden
// units only "urgent or not" and its three kinds; the kinds beside it make them tell apart the
// many ways a message can be urgent, and a joke from a cry, which is what a writer the model never
// saw needs. The question's weights are dropped after training: the reader neither stores nor
// asks them, and reads as fast as before. Held out by writer it raised urgent recall at the same
// share of calm messages flagged (corpus/README.md has the figures).

// minKindShare is the share of a fold's urgent lines that a kind needs to be a class of its own;
// rarer kinds share one class.
const minKindShare = 0.01

// Kind head classes before the kinds of the corpus.
const (
	kindCalm = iota
	kindTrap
	kindRare // an urgent kind too rare for a class of its own
	kindFirst
)

// kindLabels gives each line of idx its class on the kind question (indexed like corpus), and the
// number of classes: calm, trap, rare, then every kind (urgent kind and the writer's word) that at
// least minKindShare of the urgent lines of idx have, in sorted order.
func kindLabels(corpus []Utterance, idx []int) ([]int, int) {
	key := func(u Utterance) string {
		return u.UrgentID() + "/" + strings.ToLower(strings.TrimSpace(u.Kind))
	}
	count := map[string]int{}
	urgent := 0
	for _, i := range idx {
		if corpus[i].UrgentID() != "" {
			count[key(corpus[i])]++
			urgent++
		}
	}
	var kinds []string
	for k, n := range count {
		if float64(n) >= minKindShare*float64(urgent) {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	labels := make([]int, len(corpus))
	for _, i := range idx {
		u := corpus[i]
		switch {
		case u.UrgentID() != "":
			labels[i] = kindRare
			if k := slices.Index(kinds, key(u)); k >= 0 {
				labels[i] = kindFirst + k
			}
		case u.Trap:
			labels[i] = kindTrap
		}
	}
	return labels, kindFirst + len(kinds)
}
