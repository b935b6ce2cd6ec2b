package classify

import (
	"math"
	"math/bits"
	"slices"
)

// Model is the learned part of the reader: linear models over hashed features (features.go) with
// one softmax head per question (theme, where, urgent). It is trained at build time from the
// labelled corpus (train.go, `go generate ./classify`); its weights are embedded in the binary as
// int8 (model.bin) and read where they lie, so a cold start parses and computes nothing.
//
// It reads a message in three views and averages their probabilities: Heads over all features,
// Words over the words, pairs and concepts alone (features marked wordView), and Hidden, a small
// network over all features (hidden.go). Trained apart, they make different mistakes: the word
// view cannot lean on the spelling of a word, so it learns more from the concepts and the words
// around them; the hidden view learns what words mean together. Together they find more urgent
// messages that no training message resembles than any alone, at the same share of calm messages
// flagged (corpus/README.md has the figures).
type Model struct {
	Heads []Head
	// Words are the word view's heads: the same questions and classes, their own bias and scale.
	Words []Head
	// Weights holds, for each bucket, every head's classes in order, first the view over all
	// features and then the word view: buckets × 2·Width int8 values.
	Weights []byte
	// Hidden is the third view.
	Hidden Hidden
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
	// UrgentHint: at or above this (and below UrgentAsk), the answer carries the help line.
	UrgentHint float32
	// UrgentCalm: below this the model reads a message as calm beyond doubt, and a word that only
	// names an urgent subject ("zelfmoord", Urgent.Named) gives the help line, not the emergency
	// answer.
	UrgentCalm float32
}

// Width is the number of classes over all heads of one view (a row of weights per bucket holds
// two linear views).
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
	sums := make([]int32, m.sumsLen())
	m.addRows(sums, fs)
	return m.predictSums(sums, len(fs), wordFeatures(fs))
}

// wordFeatures counts the features of the word view.
func wordFeatures(fs []uint32) int {
	n := 0
	for _, f := range fs {
		if f&wordView != 0 {
			n++
		}
	}
	return n
}

// sumsLen is the length of a message's summed rows: both linear views' classes, then the hidden
// view's units.
func (m *Model) sumsLen() int { return 2*m.Width() + hiddenSize }

// addRows adds the weight rows of the features fs to sums (sumsLen): both linear views' halves
// when the word view reads a feature, else the first; and the hidden view's row. It adds each row's
// first and last value for all rows first: those loads do not wait for each other, so a message's
// rows come from memory side by side, where adding whole rows one after another would fetch them
// one at a time (the sums of one row wait for the row before). The rest of each row is then at
// hand.
func (m *Model) addRows(sums []int32, fs []uint32) {
	width := len(sums) - hiddenSize
	hidden := sums[width:]
	for _, f := range fs {
		row, hrow := m.rows(f, width)
		sums[0] += int32(int8(row[0]))
		sums[len(row)-1] += int32(int8(row[len(row)-1]))
		hidden[0] += int32(int8(hrow[0]))
		hidden[hiddenSize-1] += int32(int8(hrow[hiddenSize-1]))
	}
	for _, f := range fs {
		row, hrow := m.rows(f, width)
		addInt8s(sums[1:len(row)-1], row[1:len(row)-1])
		addInt8s(hidden[1:hiddenSize-1], hrow[1:hiddenSize-1])
	}
}

// rows is feature f's linear row (both views' halves, or the first when the word view does not
// read it; width is both views' classes) and its hidden row.
func (m *Model) rows(f uint32, width int) (row, hrow []byte) {
	b := int(bucketOf(f))
	row = m.Weights[b*width : (b+1)*width]
	if f&wordView == 0 {
		row = row[:width/2]
	}
	h := hiddenBucket(f)
	return row, m.Hidden.Rows[h*hiddenSize : (h+1)*hiddenSize]
}

// addInt8s adds the int8 values of row to sums.
func addInt8s(sums []int32, row []byte) {
	sums = sums[:len(row)] // one bounds check, not one per value
	// eight at a time: the compiler checks the bounds once per eight and keeps the loop's
	// bookkeeping out of the way of the adds
	for len(row) >= 8 {
		s, r := sums[:8:8], row[:8:8]
		s[0] += int32(int8(r[0]))
		s[1] += int32(int8(r[1]))
		s[2] += int32(int8(r[2]))
		s[3] += int32(int8(r[3]))
		s[4] += int32(int8(r[4]))
		s[5] += int32(int8(r[5]))
		s[6] += int32(int8(r[6]))
		s[7] += int32(int8(r[7]))
		sums, row = sums[8:], row[8:]
	}
	for k, v := range row {
		sums[k] += int32(int8(v))
	}
}

// addInt32s adds v to sums, eight at a time as addInt8s.
func addInt32s(sums, v []int32) {
	sums = sums[:len(v)]
	for len(v) >= 8 {
		s, r := sums[:8:8], v[:8:8]
		s[0] += r[0]
		s[1] += r[1]
		s[2] += r[2]
		s[3] += r[3]
		s[4] += r[4]
		s[5] += r[5]
		s[6] += r[6]
		s[7] += r[7]
		sums, v = sums[8:], v[8:]
	}
	for k, x := range v {
		sums[k] += x
	}
}

// addInt16s adds v to sums, eight at a time as addInt8s.
func addInt16s(sums []int32, v []int16) {
	sums = sums[:len(v)]
	for len(v) >= 8 {
		s, r := sums[:8:8], v[:8:8]
		s[0] += int32(r[0])
		s[1] += int32(r[1])
		s[2] += int32(r[2])
		s[3] += int32(r[3])
		s[4] += int32(r[4])
		s[5] += int32(r[5])
		s[6] += int32(r[6])
		s[7] += int32(r[7])
		sums, v = sums[8:], v[8:]
	}
	for k, x := range v {
		sums[k] += int32(x)
	}
}

// predictSums turns the summed weight rows of n features (nWords of them in the word view) into
// each head's probabilities: the average of the three views'.
func (m *Model) predictSums(sums []int32, n, nWords int) Prediction {
	p := Prediction{Heads: make([]HeadPrediction, len(m.Heads)), feats: n}
	width := m.Width()
	var words [16]float32  // the word view's probabilities of one head (a head has few classes)
	var hidden [32]float32 // the hidden view's probabilities of every head (Width)
	m.Hidden.probs(hidden[:width], sums[2*width:], n, m.Heads)
	all := make([]float32, width) // every head's probabilities, side by side
	off := 0
	for i, h := range m.Heads {
		probs := h.probs(all[off:off+len(h.Classes):off+len(h.Classes)], sums[off:], n)
		for k, v := range m.Words[i].probs(words[:len(h.Classes)], sums[width+off:], nWords) {
			probs[k] = (probs[k] + v + hidden[off+k]) / 3
		}
		p.Heads[i] = HeadPrediction{Name: h.Name, Classes: h.Classes, Probs: probs}
		off += len(h.Classes)
	}
	return p
}

// probs writes into logits (one per class) the head's softmax over its classes' summed weights of
// n features.
func (h *Head) probs(logits []float32, sums []int32, n int) []float32 {
	norm := float32(1)
	if n > 0 {
		norm = 1 / float32(math.Sqrt(float64(n)))
	}
	for k := range h.Classes {
		logits[k] = h.Bias[k] + h.Scale*float32(sums[k])*norm
	}
	softmax(logits)
	return logits
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
// most, for `meldwijzer classify`. A score is what the word's features add to the class's logit,
// averaged over the two linear views (each view's softmax is its own, so this is a guide, not a
// sum). The hidden view is left out: what a word adds there depends on the rest of the message.
func (m *Model) TopFeatures(text, head, class string, n int) []Contribution {
	off, width := 0, m.Width()
	i := slices.IndexFunc(m.Heads, func(h Head) bool { return h.Name == head })
	if i < 0 {
		return nil
	}
	for _, h := range m.Heads[:i] {
		off += len(h.Classes)
	}
	k := slices.Index(m.Heads[i].Classes, class)
	if k < 0 {
		return nil
	}
	score := func(fs ...uint32) float32 {
		var all, words int32
		for _, f := range fs {
			b := int(bucketOf(f))
			all += int32(int8(m.Weights[b*2*width+off+k]))
			if f&wordView != 0 {
				words += int32(int8(m.Weights[b*2*width+width+off+k]))
			}
		}
		return (m.Heads[i].Scale*float32(all) + m.Words[i].Scale*float32(words)) / 2
	}
	var out []Contribution
	for _, t := range tokenize(text) {
		out = append(out, Contribution{Word: t.text, Score: score(features(t.text)...)})
	}
	// The concepts found, and each pair of them, as "[concept]" and "[concept+concept]", scored
	// by the features they add.
	ct := concepts()
	for rest := conceptsOf(tokenize(text)); rest != 0; rest &= rest - 1 {
		c := bits.TrailingZeros64(rest)
		out = append(out, Contribution{Word: "[" + ct.names[c] + "]", Score: score(ct.single[c] | wordView)})
		for more := rest &^ (1 << c); more != 0; more &= more - 1 {
			d := bits.TrailingZeros64(more)
			out = append(out, Contribution{Word: "[" + ct.names[c] + "+" + ct.names[d] + "]", Score: score(ct.pair[c*maxConcepts+d] | wordView)})
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
