package classify

import "testing"

// The kind question gives a class to every kind that 1% of the urgent lines share (written in any
// case), one class to the rarer kinds, one to traps and one to calm lines; it counts only the
// lines it trains on.
func TestKindLabels(t *testing.T) {
	var corpus []Utterance
	add := func(n int, urgent, kind string, trap bool) {
		for range n {
			corpus = append(corpus, Utterance{Text: "x", Urgent: urgent, Kind: kind, Trap: trap})
		}
	}
	add(150, "suicide", "plan", false)
	add(49, "danger", "Waiting ", false)
	add(1, "danger", "waiting", false)
	add(1, "assault", "rare", false)
	add(5, "none", "", true)
	add(20, "none", "", false)
	add(3, "assault", "rare", false) // not trained on: with them "rare" would have 2% of the lines
	idx := make([]int, len(corpus)-3)
	for i := range idx {
		idx[i] = i
	}
	labels, n := kindLabels(corpus, idx)
	if n != kindFirst+2 {
		t.Fatalf("%d classes, want calm, trap, rare and 2 kinds", n)
	}
	// the kinds in sorted order: danger/waiting, suicide/plan
	for i, want := range map[int]int{0: kindFirst + 1, 150: kindFirst, 199: kindFirst, 200: kindRare, 201: kindTrap, 210: kindCalm, 226: 0} {
		if labels[i] != want {
			t.Errorf("line %d (%s/%q trap %v): class %d, want %d", i, corpus[i].Urgent, corpus[i].Kind, corpus[i].Trap, labels[i], want)
		}
	}
}

// The reader never asks the kind question: the embedded hidden view keeps only the heads' outputs.
func TestEmbeddedModelHasNoKindOutputs(t *testing.T) {
	m := Embedded()
	if len(m.Hidden.Out) != hiddenSize*m.Width() || len(m.Hidden.OutBias) != m.Width() {
		t.Errorf("hidden view has %d outputs per unit and %d biases, want the heads' %d", len(m.Hidden.Out)/hiddenSize, len(m.Hidden.OutBias), m.Width())
	}
}
