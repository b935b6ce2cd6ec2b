// Command trainmodel trains the reader's model on the labelled corpus (classify/corpus/train) and
// writes model.bin (the int8 weights), model_hidden.bin (the hidden view's int8 rows) and
// model_gen.go (heads, biases, scales, the hidden view's layers, thresholds) into
// the classify package. `go generate ./classify` runs it; TestEmbeddedModelIsTrained checks that
// the embedded files are exactly what it produces.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"meldwijzer/classify"
)

func main() {
	dir := flag.String("dir", ".", "the classify package directory")
	showMisses := flag.Bool("show-misses", false, "with -cv -curve: list the urgent messages missed at 2% of calm messages flagged (training corpus only)")
	showTraps := flag.Bool("show-traps", false, "with -cv: list the idiom traps that were flagged (training corpus only)")
	curve := flag.Bool("curve", false, "with -cv: instead of the figures, urgent recall and traps flagged against the share of calm messages flagged (one fit per fold, no inner thresholds)")
	cv := flag.Int("cv", 0, "instead of writing the model, cross-validate with this many folds and print the figures")
	byWriter := flag.Bool("by-writer", false, "with -cv: hold out whole writers in each fold (as a blind set's writer is unseen)")
	extraDir := flag.String("extra", "", "with -cv -by-writer: also train every fold on the .jsonl files of this directory (never held out): what a new writer would add")
	writerShare := flag.Float64("writer-share", 1, "with -cv -by-writer: train each fold on this share of the other writers (a learning curve over writers)")
	vocabulary := flag.String("vocabulary", "../content/vocabulary.yaml", "with -cv: the reviewed vocabulary the reader combines with the model")
	o := classify.DefaultTrainOptions
	flag.IntVar(&o.Epochs, "epochs", o.Epochs, "with -cv: epochs of the linear views")
	flag.IntVar(&o.HiddenEpochs, "hidden-epochs", o.HiddenEpochs, "with -cv: epochs of the hidden view")
	flag.Float64Var(&o.CalmAsk, "calm-ask", o.CalmAsk, "with -cv: share of calm messages that may be asked")
	flag.Float64Var(&o.CalmSure, "calm-sure", o.CalmSure, "with -cv: share of calm messages that may be read as urgent")
	flag.BoolVar(&o.KindHead, "kind-head", o.KindHead, "with -cv: train the hidden view on the urgent kind in the writer's word too")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "with -cv: the seed of the training order, the words left out and the hidden view's start")
	wordDropout := flag.Float64("word-dropout", float64(o.WordDropout), "with -cv: share of a line's words each training step leaves out")
	rate := flag.Float64("rate", float64(o.Rate), "with -cv: learning rate")
	decay := flag.Float64("decay", float64(o.Decay), "with -cv: L2 decay")
	urgentWeight := flag.Float64("urgent-weight", float64(o.UrgentWeight), "with -cv: weight of urgent examples")
	flag.Parse()
	o.Rate, o.Decay, o.UrgentWeight, o.WordDropout = float32(*rate), float32(*decay), float32(*urgentWeight), float32(*wordDropout)
	corpus, err := classify.LoadCorpus(os.DirFS(*dir), classify.TrainDir)
	if err != nil {
		log.Fatal(err)
	}
	calibration, err := classify.LoadCorpus(os.DirFS(*dir), classify.CalibrationDir)
	if err != nil {
		log.Fatal(err)
	}
	var extra []classify.Utterance
	if *extraDir != "" {
		if *cv == 0 || !*byWriter {
			// random folds and the model itself are trained on the corpus alone: say so, rather
			// than leave the files out without a word
			log.Fatal("-extra works with -cv N -by-writer only")
		}
		if extra, err = classify.LoadCorpus(os.DirFS(*extraDir), "."); err != nil {
			log.Fatal(err)
		}
	}
	if *cv > 0 {
		vocab, err := loadVocabulary(*vocabulary)
		if err != nil {
			log.Fatal(err)
		}
		validate := func(o classify.TrainOptions) []classify.Reading {
			if *byWriter {
				return classify.CrossValidateByWriter(corpus, extra, calibration, o, vocab, *cv, *writerShare)
			}
			return classify.CrossValidate(corpus, calibration, o, vocab, *cv)
		}
		if *curve {
			o.Folds = 0
			recallCurve(corpus, validate(o), *showMisses)
			return
		}
		crossValidate(corpus, validate(o), *cv, *showTraps)
		return
	}
	m := classify.Train(corpus, calibration, classify.DefaultTrainOptions)
	if err := os.WriteFile(filepath.Join(*dir, classify.ModelFile), m.Weights, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, classify.HiddenFile), m.Hidden.Rows, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, classify.ModelSourceFile), m.GoSource(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("trained on %d utterances: %d KB of weights and %d KB of hidden rows, thresholds ask %.4f sure %.4f\n",
		len(corpus), len(m.Weights)/1024, len(m.Hidden.Rows)/1024, m.Thresholds.UrgentAsk, m.Thresholds.UrgentSure)
}

// crossValidate prints the out-of-fold figures on the training corpus and the theme confusions.
func crossValidate(corpus []classify.Utterance, readings []classify.Reading, folds int, showTraps bool) {
	if showTraps {
		for j, u := range corpus {
			if u.Trap && readings[j].Flagged() {
				fmt.Printf("trap flagged: %q (%s)\n", u.Text, u.Source)
			}
		}
	}
	i := 0
	f := classify.Measure(func(string) classify.Reading { r := readings[i]; i++; return r }, corpus)
	fmt.Printf("out of fold (%d folds, %d messages): %s\n", folds, f.N, f)
	fmt.Printf("urgent misses by kind: %v\n", f.MissedKinds)
	confusions := map[string]int{}
	for j, u := range corpus {
		if u.UrgentID() == "" && readings[j].Theme != u.ThemeID() {
			confusions[fmt.Sprintf("%s->%s", or(u.ThemeID()), or(readings[j].Theme))]++
		}
	}
	fmt.Printf("theme confusions: %v\n", confusions)
}

func or(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// recallCurve prints the theme and where accuracy and, for shares of calm messages that may be
// flagged, the threshold on the model's urgent probability that allows it (out of fold) and what it
// gives: urgent recall and idiom traps flagged. A message with an urgent cue in the vocabulary is
// flagged whatever the threshold (an idiom or a negated cue keeps only the emergency answer away,
// not the question).
func recallCurve(corpus []classify.Utterance, readings []classify.Reading, showMisses bool) {
	flag := func(r classify.Reading, t float32) bool {
		return r.Why.Vocabulary.Urgent != "" || r.Why.UrgentP >= t
	}
	var calm []float32
	themeOK, themeN, whereOK := 0, 0, 0
	for i, u := range corpus {
		if readings[i].Where == u.WhereID() {
			whereOK++
		}
		if u.UrgentID() == "" {
			themeN++
			if readings[i].Theme == u.ThemeID() {
				themeOK++
			}
			if !u.Trap {
				calm = append(calm, readings[i].Why.UrgentP)
			}
		}
	}
	slices.Sort(calm)
	fmt.Printf("theme accuracy %.1f%% (%d/%d non-urgent), where %.1f%% (%d/%d)\n",
		classify.Percent(themeOK, themeN), themeOK, themeN, classify.Percent(whereOK, len(corpus)), whereOK, len(corpus))
	for _, share := range []float64{0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05} {
		t := calm[len(calm)-1-int(share*float64(len(calm)))]
		var urgent, hit, traps, trapHit, calmN, calmHit int
		for i, u := range corpus {
			f := flag(readings[i], t)
			switch {
			case u.UrgentID() != "":
				urgent++
				if f {
					hit++
				}
			case u.Trap:
				traps++
				if f {
					trapHit++
				}
			default:
				calmN++
				if f {
					calmHit++
				}
			}
		}
		if showMisses && share == 0.02 {
			for i, u := range corpus {
				if u.UrgentID() != "" && !flag(readings[i], t) {
					fmt.Printf("missed\t%s\t%s\t%s\t%.2f\t%q\n", u.UrgentID(), u.Kind, u.Source, readings[i].Why.UrgentP, u.Text)
				}
			}
		}
		fmt.Printf("calm budget %.1f%%: threshold %.3f, urgent recall %.1f%% (%d/%d), calm flagged %.1f%%, traps flagged %.1f%% (%d/%d)\n",
			100*share, t, classify.Percent(hit, urgent), hit, urgent, classify.Percent(calmHit, calmN), classify.Percent(trapHit, traps), trapHit, traps)
	}
}

// loadVocabulary compiles the reviewed vocabulary, for the reader that cross-validation measures.
func loadVocabulary(name string) (*classify.Classifier, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	v, err := classify.ParseVocabulary(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return classify.New(v), nil
}
