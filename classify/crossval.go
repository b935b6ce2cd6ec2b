package classify

// CrossValidate reads every utterance with a reader whose model never saw it: the corpus is cut
// into folds, and each fold is read by a model trained on the others (thresholds from the
// calibration set). It is how the training options are chosen without ever looking at a blind set.
func CrossValidate(corpus, calibration []Utterance, o TrainOptions, vocab *Classifier, folds int) []Reading {
	out := make([]Reading, len(corpus))
	for f := range folds {
		var train []Utterance
		var held []int
		for i, u := range corpus {
			if i%folds == f {
				held = append(held, i)
			} else {
				train = append(train, u)
			}
		}
		r := NewReader(vocab, Train(train, calibration, o))
		for _, i := range held {
			out[i] = r.Read(corpus[i].Text)
		}
	}
	return out
}
