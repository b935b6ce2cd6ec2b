package classify

import (
	"math"
	"math/bits"
	"slices"
)

// Model is the learned part of the reader: a linear model over hashed features (features.go) with
// one softmax head per question (theme, where, urgent, involved). It is trained at build time from
// the labelled corpus (train.go, `go generate ./classify`); its weights are embedded in the binary
// as int8 (model.bin) and read where they lie, so a cold start parses and computes nothing.
type Model struct {
	Heads []Head
	// Weights holds, for each bucket, every head's classes in order: buckets × Width int8 values.
	Weights []byte
	// Thresholds chosen at training time on out-of-fold predictions (never on the blind set).
	Thresholds Thresholds
}

// Head is one question the model answers. Classes[0] is "" (none) for every head.
type Head struct {
	Name    string
	Classes []string
	Bias    []float32
	// Scale turns a summed int8 weight back into a logit.
	Scale float32
}

// Thresholds are the model's decision points.
type Thresholds struct {
	// UrgentSure: at or above this probability of any urgent kind, the message is urgent.
	UrgentSure float32
	// UrgentAsk: at or above this (and below UrgentSure), the guide asks directly.
	UrgentAsk float32
}

// Width is the number of classes over all heads (one row of weights per bucket).
func (m *Model) Width() int {
	w := 0
	for _, h := range m.Heads {
		w += len(h.Classes)
	}
	return w
}

// Prediction holds each head's probabilities, in the head's class order.
type Prediction struct {
	Heads []HeadPrediction
	// feats is how many distinct features the text had (0: nothing to read).
	feats int
}

// HeadPrediction is one head's probabilities.
type HeadPrediction struct {
	Name    string
	Classes []string
	Probs   []float32
}

// Head returns the named head's prediction.
func (p Prediction) Head(name string) HeadPrediction {
	for _, h := range p.Heads {
		if h.Name == name {
			return h
		}
	}
	return HeadPrediction{Name: name}
}

// Best returns the most probable class and its probability.
func (h HeadPrediction) Best() (string, float32) {
	if len(h.Probs) == 0 {
		return "", 0
	}
	i := 0
	for j, p := range h.Probs {
		if p > h.Probs[i] {
			i = j
		}
	}
	return h.Classes[i], h.Probs[i]
}

// Of returns the probability of a class.
func (h HeadPrediction) Of(class string) float32 {
	if i := slices.Index(h.Classes, class); i >= 0 {
		return h.Probs[i]
	}
	return 0
}

// Predict reads a text.
func (m *Model) Predict(text string) Prediction {
	return m.predictFeatures(features(text))
}

func (m *Model) predictFeatures(fs []uint32) Prediction {
	sums := make([]int32, m.Width())
	m.addRows(sums, fs)
	return m.predictSums(sums, len(fs))
}

// addRows adds the weight rows of the buckets fs to sums.
func (m *Model) addRows(sums []int32, fs []uint32) {
	for _, b := range fs {
		m.addRow(sums, b)
	}
}

// addRow adds bucket b's weight row to sums.
func (m *Model) addRow(sums []int32, b uint32) {
	width := len(sums)
	row := m.Weights[int(b)*width : int(b+1)*width]
	for k, v := range row {
		sums[k] += int32(int8(v))
	}
}

// predictSums turns the summed weight rows of n features into each head's probabilities.
func (m *Model) predictSums(sums []int32, n int) Prediction {
	norm := float32(1)
	if n > 0 {
		norm = 1 / float32(math.Sqrt(float64(n)))
	}
	p := Prediction{Heads: make([]HeadPrediction, len(m.Heads)), feats: n}
	off := 0
	for i, h := range m.Heads {
		logits := make([]float32, len(h.Classes))
		for k := range h.Classes {
			logits[k] = h.Bias[k] + h.Scale*float32(sums[off+k])*norm
		}
		softmax(logits)
		p.Heads[i] = HeadPrediction{Name: h.Name, Classes: h.Classes, Probs: logits}
		off += len(h.Classes)
	}
	return p
}

// softmax turns logits into probabilities in place.
func softmax(z []float32) {
	max := z[0]
	for _, v := range z {
		if v > max {
			max = v
		}
	}
	var sum float64
	for i, v := range z {
		e := math.Exp(float64(v - max))
		z[i] = float32(e)
		sum += e
	}
	for i := range z {
		z[i] = float32(float64(z[i]) / sum)
	}
}

// TopFeatures explains a prediction: the words of the text whose features pushed a head's class
// most, for `meldwijzer classify`.
func (m *Model) TopFeatures(text, head, class string, n int) []Contribution {
	off, width := 0, m.Width()
	var h *Head
	for i := range m.Heads {
		if m.Heads[i].Name == head {
			h = &m.Heads[i]
			break
		}
		off += len(m.Heads[i].Classes)
	}
	k := -1
	if h != nil {
		k = slices.Index(h.Classes, class)
	}
	if k < 0 {
		return nil
	}
	var out []Contribution
	for _, t := range tokenize(text) {
		var sum int32
		for _, b := range features(t.text) {
			sum += int32(int8(m.Weights[int(b)*width+off+k]))
		}
		out = append(out, Contribution{Word: t.text, Score: h.Scale * float32(sum)})
	}
	// The concepts found, and each pair of them, as "[concept]" and "[concept+concept]", scored
	// by the buckets the features use.
	ct := concepts()
	for rest := conceptsOf(tokenize(text)); rest != 0; rest &= rest - 1 {
		c := bits.TrailingZeros64(rest)
		score := func(b uint32) float32 { return h.Scale * float32(int8(m.Weights[int(b)*width+off+k])) }
		out = append(out, Contribution{Word: "[" + ct.names[c] + "]", Score: score(ct.single[c])})
		for more := rest &^ (1 << c); more != 0; more &= more - 1 {
			d := bits.TrailingZeros64(more)
			out = append(out, Contribution{Word: "[" + ct.names[c] + "+" + ct.names[d] + "]", Score: score(ct.pair[c*maxConcepts+d])})
		}
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	out = slices.CompactFunc(out, func(a, b Contribution) bool { return a.Word == b.Word })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Contribution is how much one word of a text added to a class's logit.
type Contribution struct {
	Word  string
	Score float32
}
