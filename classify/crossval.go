package classify

import (
	"math/rand/v2"
	"slices"
)

// CrossValidate reads every utterance with a reader whose model never saw it: the corpus is cut
// into folds, and each fold is read by a model trained on the others (thresholds from the
// calibration set). It is how the training options are chosen without ever looking at a blind set.
func CrossValidate(corpus, calibration []Utterance, o TrainOptions, vocab *Classifier, folds int) []Reading {
	fold := make([]int, len(corpus))
	for i := range corpus {
		fold[i] = i % folds
	}
	return crossValidate(corpus, nil, calibration, o, vocab, fold, folds, 1)
}

// CrossValidateByWriter is CrossValidate with whole writers held out: every fold holds all the
// lines of some writers, so each line is read by a model that never saw its writer's style, as a
// blind set's lines are. With share below 1 each fold's model is trained on only that share of
// the other writers (the same writers for every share, in a fixed order), which shows how much
// more writers would still add. Every fold's model is also trained on extra (never held out, never
// read): how a new writer's lines would change the figures on the lines the corpus already has.
func CrossValidateByWriter(corpus, extra, calibration []Utterance, o TrainOptions, vocab *Classifier, folds int, share float64) []Reading {
	fold := writerFolds(corpus, folds)
	return crossValidate(corpus, extra, calibration, o, vocab, fold, folds, share)
}

// writerFolds assigns each writer (the file a line came from) to one of folds folds, in a fixed
// shuffled order, and gives every line its writer's fold.
func writerFolds(corpus []Utterance, folds int) []int {
	writers := writerOrder(corpus)
	of := make(map[string]int, len(writers))
	for i, w := range writers {
		of[w] = i
	}
	fold := make([]int, len(corpus))
	for i, u := range corpus {
		fold[i] = of[u.Source] % folds
	}
	return fold
}

// writerOrder is the corpus's writers in a fixed shuffled order (not by name, so that a share of
// them is not the first letters of the alphabet).
func writerOrder(corpus []Utterance) []string {
	var writers []string
	for _, u := range corpus {
		writers = append(writers, u.Source)
	}
	slices.Sort(writers)
	writers = slices.Compact(writers)
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(writers), func(i, j int) { writers[i], writers[j] = writers[j], writers[i] })
	return writers
}

// crossValidate reads each fold's lines with a model trained on the other folds' lines and extra.
// With share below 1 (folds of whole writers), a fold's model sees only the lines of that share of
// the other writers.
func crossValidate(corpus, extra, calibration []Utterance, o TrainOptions, vocab *Classifier, fold []int, folds int, share float64) []Reading {
	out := make([]Reading, len(corpus))
	writers := writerOrder(corpus)
	for f := range folds {
		var keep map[string]bool // nil: every writer outside the fold
		if share < 1 {
			keep = sharedWriters(corpus, fold, f, writers, share)
		}
		var train []Utterance
		var held []int
		for i, u := range corpus {
			switch {
			case fold[i] == f:
				held = append(held, i)
			case keep == nil || keep[u.Source]:
				train = append(train, u)
			}
		}
		r := NewReader(vocab, Train(append(train, extra...), calibration, o))
		for _, i := range held {
			out[i] = r.Read(corpus[i].Text)
		}
	}
	return out
}

// sharedWriters is the first share of the writers (in their fixed order) outside fold f.
func sharedWriters(corpus []Utterance, fold []int, f int, writers []string, share float64) map[string]bool {
	inFold := map[string]bool{}
	for i, u := range corpus {
		if fold[i] == f {
			inFold[u.Source] = true
		}
	}
	var others []string
	for _, w := range writers {
		if !inFold[w] {
			others = append(others, w)
		}
	}
	keep := map[string]bool{}
	for _, w := range others[:int(share*float64(len(others))+0.5)] {
		keep[w] = true
	}
	return keep
}
