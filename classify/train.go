package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"meldwijzer"
)

// TrainOptions are the training's knobs. DefaultTrainOptions is what `go generate` uses; the
// embedded model must be exactly what they produce (TestEmbeddedModelIsTrained).
type TrainOptions struct {
	Epochs int
	Rate   float32
	Decay  float32 // L2 on the rows a step touches
	// UrgentWeight multiplies the loss of urgent examples: a miss costs more than an extra question.
	UrgentWeight float32
	// HiddenEpochs and HiddenRate train the hidden view (hidden.go); Decay and UrgentWeight are
	// shared.
	HiddenEpochs int
	HiddenRate   float32
	// WordDropout is the share of a line's words that each step of training leaves out
	// (dropout.go).
	WordDropout float32
	// KindHead trains the hidden view on one more question beside the heads: the urgent kind in
	// the writer's own word, or a trap (kind.go).
	KindHead bool
	Folds    int
	Seed     uint64
	// CalmAsk is the share of ordinary calm messages (the calibration set's) that the model may ask
	// the direct question, and also the share of look-alikes (the corpus's calm messages, out of
	// fold) it may ask; CalmSure the share of look-alikes it may read as urgent outright. The
	// budget for all flags together is 3% of calm messages: the vocabulary's own urgent cues take
	// part of it.
	CalmAsk, CalmSure float64
	// CalmHint is the share of ordinary calm messages whose answer may carry the help line (113 or
	// 112 beside the answer, the conversation going on as it was): the net under the direct
	// question, for a cry the model reads as less likely than its threshold. Cheap for a calm
	// reader, so its budget is wider; too wide and nobody reads the line any more.
	CalmHint float64
	// UrgentCalm is the share of the corpus's urgent messages (out of fold) that may read below
	// Thresholds.UrgentCalm: the model's "calm beyond doubt", below which a word that only
	// names the subject ("zelfmoord") gives the help line instead of the emergency answer.
	// 0.05% of them in these folds, which know every writer, is about 0.1% of them held out by
	// writer (0.012 and 0.013 on the corpus of 2026-12-02).
	UrgentCalm float64
}

// DefaultTrainOptions are the options of the embedded model.
var DefaultTrainOptions = TrainOptions{
	Epochs: 40, Rate: 0.6, Decay: 1e-4, UrgentWeight: 3, HiddenEpochs: 20, HiddenRate: 0.1,
	WordDropout: 0.3, KindHead: true, Folds: 5, Seed: 20261130,
	CalmAsk: 0.02, CalmSure: 0.005, CalmHint: 0.08, UrgentCalm: 0.0005,
}

// headSpecs are the model's questions and how a corpus line answers them.
var headSpecs = []struct {
	name    string
	classes []string
	label   func(Utterance) string
}{
	{"theme", append([]string{""}, meldwijzer.Themes...), Utterance.ThemeID},
	{"where", append([]string{""}, meldwijzer.Wheres...), Utterance.WhereID},
	{"urgent", append([]string{""}, meldwijzer.UrgentKinds...), Utterance.UrgentID},
}

// Train fits the model on the corpus and chooses its thresholds. It is deterministic: the same
// corpus and options give the same bytes.
//
// The thresholds are quantiles of the urgent probability of calm messages. Urgent outright
// (CalmSure) must hold against look-alikes: it is taken on the corpus's own calm messages, which are
// look-alikes of urgent ones on purpose, each read by a model that never saw it. The direct question
// (CalmAsk) is cheap, and its budget is a share of ordinary messages: it is taken on the calibration
// set, messages written apart from the corpus as students and staff type on ordinary days, never
// trained on (without one, as in a fold of cross-validation, on the corpus's calm messages too).
// The same share holds for the look-alikes: where the two views agree on ordinary messages but
// spread look-alikes wider, the ordinary messages alone would let the question reach more of them.
func Train(corpus, calibration []Utterance, o TrainOptions) *Model {
	// each line's words (for the steps that leave some out) and features, made once for every fit
	toks := make([][]token, len(corpus))
	feats := make([][]uint32, len(corpus))
	for i, u := range corpus {
		toks[i] = tokenize(u.Text)
		feats[i] = featuresOf(toks[i])
	}
	var lines []dropLine // nil: every step reads the whole line
	if o.WordDropout > 0 {
		lines = dropLines(toks)
	}
	all := make([]int, len(corpus))
	for i := range all {
		all[i] = i
	}
	m := fit(corpus, feats, lines, all, o)
	lookAlikes, urgent := outOfFold(corpus, feats, lines, o)
	ordinary := lookAlikes
	if len(calibration) > 0 {
		ordinary = nil
		for _, u := range calibration {
			if u.UrgentID() == "" && !u.Trap {
				ordinary = append(ordinary, 1-m.Predict(u.Text).Head("urgent").Of(""))
			}
		}
	}
	m.Thresholds = Thresholds{
		UrgentSure: quantileAbove(lookAlikes, o.CalmSure),
		UrgentAsk:  max(quantileAbove(ordinary, o.CalmAsk), quantileAbove(lookAlikes, o.CalmAsk)),
		UrgentHint: quantileAbove(ordinary, o.CalmHint),
		UrgentCalm: quantileBelow(urgent, o.UrgentCalm),
	}
	return m
}

// outOfFold is the urgent probability of every calm message of the corpus and of every urgent
// one, each read by a model that never saw it. The folds' models are trained side by side: each
// is its own, so the result is the same as one after another.
func outOfFold(corpus []Utterance, feats [][]uint32, lines []dropLine, o TrainOptions) (calmP, urgentP []float32) {
	calm := make([][]float32, o.Folds)
	urgent := make([][]float32, o.Folds)
	var wg sync.WaitGroup
	for f := range o.Folds {
		wg.Go(func() {
			var train, held []int
			for i := range corpus {
				if i%o.Folds == f {
					held = append(held, i)
				} else {
					train = append(train, i)
				}
			}
			fm := fit(corpus, feats, lines, train, o)
			for _, i := range held {
				p := 1 - fm.predictFeatures(feats[i]).Head("urgent").Of("")
				if corpus[i].UrgentID() == "" {
					calm[f] = append(calm[f], p)
				} else {
					urgent[f] = append(urgent[f], p)
				}
			}
		})
	}
	wg.Wait()
	return slices.Concat(calm...), slices.Concat(urgent...)
}

// quantileBelow is the highest threshold t (an urgent value) such that at most share of urgent
// values are below t.
func quantileBelow(urgent []float32, share float64) float32 {
	if len(urgent) == 0 {
		return 0
	}
	s := slices.Clone(urgent)
	slices.Sort(s)
	return s[min(int(math.Floor(share*float64(len(s)))), len(s)-1)]
}

// quantileAbove is the lowest threshold t (a calm value plus a hair) such that at most share of
// calm values are ≥ t.
func quantileAbove(calm []float32, share float64) float32 {
	s := slices.Clone(calm)
	slices.Sort(s)
	allowed := int(math.Floor(share * float64(len(s))))
	if allowed >= len(s) {
		return 0
	}
	t := s[len(s)-1-allowed]
	return math.Nextafter32(t, 1)
}

// fit trains the three views on the lines idx and quantises their weights to int8: the hidden view
// (hidden.go) beside the two linear ones (fitLinear). feats are the lines' features; lines their
// words, for steps that leave some out (dropout.go; nil: none are).
func fit(corpus []Utterance, feats [][]uint32, lines []dropLine, idx []int, o TrainOptions) *Model {
	width := 0
	for _, s := range headSpecs {
		width += len(s.classes)
	}
	// each line's class of each head, and the weight of its loss: a miss costs more than an
	// extra question
	labels := make([][]int, len(corpus))
	weights := make([]float32, len(corpus))
	var kinds []int
	nKinds := 0 // no kind question
	if o.KindHead {
		kinds, nKinds = kindLabels(corpus, idx)
	}
	for _, i := range idx {
		labels[i] = make([]int, len(headSpecs), len(headSpecs)+1)
		for h, s := range headSpecs {
			labels[i][h] = slices.Index(s.classes, s.label(corpus[i]))
		}
		if nKinds > 0 { // the hidden view's last head (kind.go); the linear views ask only headSpecs
			labels[i] = append(labels[i], kinds[i])
		}
		weights[i] = 1
		if corpus[i].UrgentID() != "" {
			weights[i] = o.UrgentWeight
		}
	}
	var hidden Hidden
	var wg sync.WaitGroup
	wg.Go(func() { hidden = fitHidden(feats, lines, labels, weights, idx, width, nKinds, o) })
	m := fitLinear(feats, lines, labels, weights, idx, width, o)
	wg.Wait()
	m.Hidden = hidden
	return m
}

// fitLinear trains both linear views on the lines idx with SGD (softmax per head), each step on
// its line with some words left out (lines, wordDropout), and quantises the weights to int8. The
// views share nothing but the buckets' rows (each its own half), so this is two models trained
// side by side on the same order of lines.
func fitLinear(feats [][]uint32, lines []dropLine, labels [][]int, weights []float32, idx []int, width int, o TrainOptions) *Model {
	newHeads := func() []Head {
		heads := make([]Head, len(headSpecs))
		for i, s := range headSpecs {
			heads[i] = Head{Name: s.name, Classes: s.classes, Bias: make([]float32, len(s.classes))}
		}
		return heads
	}
	views := [2][]Head{newHeads(), newHeads()}
	w := make([]float32, buckets*2*width)
	rng := rand.New(rand.NewPCG(o.Seed, uint64(len(idx))))
	order := slices.Clone(idx)
	sums := make([]float32, width)
	grad := make([]float32, width)
	step := make([]float32, width)
	drop := wordDropout{share: o.WordDropout, lines: lines, rng: rng}
	var viewFeats [2][]uint32 // the step's buckets in each view
	for epoch := range o.Epochs {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		rate := o.Rate * float32(o.Epochs-epoch) / float32(o.Epochs)
		decay := float32(rate * o.Decay)
		for _, i := range order {
			weight := weights[i]
			viewFeats[0], viewFeats[1] = viewFeats[0][:0], viewFeats[1][:0]
			for _, f := range drop.features(i, feats[i]) {
				viewFeats[0] = append(viewFeats[0], bucketOf(f))
				if f&wordView != 0 {
					viewFeats[1] = append(viewFeats[1], bucketOf(f))
				}
			}
			for v, heads := range views {
				fs := viewFeats[v]
				if len(fs) == 0 {
					continue
				}
				x := float32(1 / math.Sqrt(float64(len(fs))))
				// rows are read and written whole: one bucket's classes lie side by side
				clear(sums)
				for _, b := range fs {
					row := w[(2*int(b)+v)*width : (2*int(b)+v+1)*width]
					sums := sums[:len(row)] // one bounds check per row, not per value
					for k, val := range row {
						sums[k] += val
					}
				}
				off := 0
				for h := range heads {
					n := len(heads[h].Classes)
					z := grad[off : off+n]
					for k := range n {
						z[k] = heads[h].Bias[k] + float32(x*sums[off+k])
					}
					softmax(z)
					z[labels[i][h]] -= 1
					for k := range n {
						g := float32(z[k] * weight)
						heads[h].Bias[k] -= float32(rate * g * 0.1)
						step[off+k] = float32(rate * g * x)
					}
					off += n
				}
				for _, b := range fs {
					row := w[(2*int(b)+v)*width : (2*int(b)+v+1)*width]
					step := step[:len(row)]
					for k := range row {
						row[k] -= step[k] + float32(decay*row[k])
					}
				}
			}
		}
	}
	return &Model{Heads: quantize(views[0], w, width, 0), Words: quantize(views[1], w, width, 1), Weights: int8s(w)}
}

// quantize gives each head of view v (the v-th half of every bucket's row) the scale that turns
// its largest weight into ±127, and rounds the view's weights to multiples of it in place.
func quantize(heads []Head, w []float32, width, v int) []Head {
	off := 0
	for h := range heads {
		n := len(heads[h].Classes)
		var max float32
		for b := range buckets {
			for k := range n {
				if a := abs32(w[(2*b+v)*width+off+k]); a > max {
					max = a
				}
			}
		}
		scale := max / 127
		if scale == 0 {
			scale = 1
		}
		heads[h].Scale = scale
		for b := range buckets {
			for k := range n {
				j := (2*b+v)*width + off + k
				w[j] = float32(math.Round(float64(w[j] / scale)))
			}
		}
		off += n
	}
	return heads
}

// int8s packs weights already rounded to whole numbers in [-127, 127] as int8 bytes.
func int8s(w []float32) []byte {
	q := make([]byte, len(w))
	for i, v := range w {
		q[i] = byte(int8(v))
	}
	return q
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
