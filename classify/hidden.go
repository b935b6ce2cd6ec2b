package classify

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Hidden is the model's third view: a small network with one hidden layer over all features. The
// two linear views add up what each feature says on its own; the hidden layer can also learn what
// features mean together ("pillen" with "vorig jaar" and "nu gaat het goed" is recovery, not an
// overdose), so it makes other mistakes than they do. Averaged with them, it finds more urgent
// messages held out by writer at the same share of calm messages flagged, and more themes
// (corpus/README.md has the figures).
//
// A feature's row of hiddenSize int8 values is its part of the hidden layer's input; like the
// linear rows they add up per word, so the reader remembers each word's sum (lexicon.go). The
// layer's outputs (ReLU) feed every head through Out.
type Hidden struct {
	// Rows holds hiddenBuckets rows of hiddenSize int8 values.
	Rows []byte
	// Scale turns a summed int8 row back into the hidden layer's input.
	Scale float32
	// Bias is the hidden layer's bias (hiddenSize).
	Bias []float32
	// Out holds, for each hidden unit, its weight to every class of every head in order (the
	// heads' classes side by side, as in a linear row): hiddenSize × Width.
	Out []float32
	// OutBias is every head's classes' bias, side by side (Width).
	OutBias []float32
}

const (
	// hiddenBits: half the linear views' buckets. Held out by writer, 65,536 rows gave what
	// 131,072 gave, in half the bytes.
	hiddenBits    = 16
	hiddenBuckets = 1 << hiddenBits
	// hiddenSize: held out by writer, 128 units found a few more urgent messages than 64 (with
	// the kind question of kind.go, 15 more of 21,277 at 2% of calm messages flagged), for twice
	// the rows' bytes and a fifth more time per message.
	hiddenSize = 64
)

// hiddenBucket is feature f's row in the hidden view.
func hiddenBucket(f uint32) int { return int(bucketOf(f) & (hiddenBuckets - 1)) }

// probs writes into out (Width) every head's probabilities from the summed rows of n features.
func (h *Hidden) probs(out []float32, sums []int32, n int, heads []Head) []float32 {
	norm := float32(1)
	if n > 0 {
		norm = 1 / float32(math.Sqrt(float64(n)))
	}
	copy(out, h.OutBias)
	width := len(out)
	for j, s := range sums[:hiddenSize] {
		a := h.Bias[j] + h.Scale*float32(s)*norm
		if a <= 0 {
			continue
		}
		for k, w := range h.Out[j*width : (j+1)*width] {
			out[k] += a * w
		}
	}
	off := 0
	for _, hd := range heads {
		softmax(out[off : off+len(hd.Classes)])
		off += len(hd.Classes)
	}
	return out
}

// fitHidden trains the hidden view on the lines idx with SGD (softmax per head, each line's loss
// weighted as in the linear views), each step on its line with some words left out (lines,
// wordDropout), and quantises its rows to int8. feats are the lines' own features (the views'
// marks ignored: the hidden view reads them all). With kinds > 0 it also learns the kind question
// (kind.go), each line's class of it last in its labels, and drops its outputs at the end.
func fitHidden(feats [][]uint32, lines []dropLine, labels [][]int, weights []float32, idx []int, width, kinds int, o TrainOptions) Hidden {
	rng := rand.New(rand.NewPCG(o.Seed, uint64(len(idx))+1))
	rows := make([]float32, hiddenBuckets*hiddenSize)
	for i := range rows {
		rows[i] = (rng.Float32()*2 - 1) * hiddenInit
	}
	heads := make([]int, len(headSpecs))
	for i, s := range headSpecs {
		heads[i] = len(s.classes)
	}
	full := width // every head's classes, the kind question's too (kind.go)
	if kinds > 0 {
		heads = append(heads, kinds)
		full += kinds
	}
	h := Hidden{Bias: make([]float32, hiddenSize), Out: make([]float32, hiddenSize*full), OutBias: make([]float32, full)}
	glorot := float32(math.Sqrt(6 / float64(hiddenSize+width)))
	for i := range h.Out {
		h.Out[i] = (rng.Float32()*2 - 1) * glorot
	}
	drop := wordDropout{share: o.WordDropout, lines: lines, rng: rng}
	var stepRows []int // the step's rows
	order := slices.Clone(idx)
	sc := hiddenScratch{in: make([]float32, hiddenSize), back: make([]float32, hiddenSize), z: make([]float32, full), heads: heads}
	for epoch := range o.HiddenEpochs {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		rate := o.HiddenRate * float32(o.HiddenEpochs-epoch) / float32(o.HiddenEpochs)
		for _, i := range order {
			stepRows = stepRows[:0]
			for _, f := range drop.features(i, feats[i]) {
				stepRows = append(stepRows, hiddenBucket(f))
			}
			if len(stepRows) == 0 {
				continue
			}
			h.learn(rows, stepRows, labels[i], weights[i], rate, rate*o.Decay, &sc)
		}
	}
	if full > width { // the kind question only trained the layer: the reader does not ask it
		out := make([]float32, hiddenSize*width)
		for j := range hiddenSize {
			copy(out[j*width:(j+1)*width], h.Out[j*full:j*full+width])
		}
		h.Out, h.OutBias = out, h.OutBias[:width]
	}
	var largest float32
	for _, v := range rows {
		largest = max(largest, abs32(v))
	}
	h.Scale = largest / 127
	if h.Scale == 0 {
		h.Scale = 1
	}
	for i, v := range rows {
		rows[i] = float32(math.Round(float64(v / h.Scale)))
	}
	h.Rows = int8s(rows)
	return h
}

// hiddenScratch is what one step of training works in, made once.
type hiddenScratch struct {
	in    []float32 // the hidden layer's input
	back  []float32 // the loss's gradient at that input
	z     []float32 // every head's probabilities, then the loss's gradient at the logits
	heads []int     // every head's number of classes
}

// learn is one step of SGD on one line: its rows' buckets bs, its class of each head (labels), the
// weight of its loss, the rate and the L2 decay on what the step touches.
func (h *Hidden) learn(rows []float32, bs []int, labels []int, weight, rate, decay float32, sc *hiddenScratch) {
	in, back, z := sc.in, sc.back, sc.z
	width := len(z)
	x := float32(1 / math.Sqrt(float64(len(bs))))
	copy(in, h.Bias)
	sum := (*[hiddenSize]float32)(in) // whole rows, without a bounds check per value
	for _, b := range bs {
		row := (*[hiddenSize]float32)(rows[b*hiddenSize:])
		for j := range hiddenSize {
			sum[j] += row[j] * x
		}
	}
	copy(z, h.OutBias)
	for j, a := range in {
		if a > 0 {
			for k, w := range h.Out[j*width : (j+1)*width] {
				z[k] += a * w
			}
		}
	}
	off := 0
	for hd, n := range sc.heads {
		softmax(z[off : off+n])
		z[off+labels[hd]] -= 1
		off += n
	}
	for k := range z {
		z[k] *= weight
		h.OutBias[k] -= rate * z[k] * 0.1
	}
	for j, a := range in {
		back[j] = 0
		if a <= 0 {
			continue
		}
		out := h.Out[j*width : (j+1)*width]
		var g float32
		for k, w := range out {
			g += w * z[k]
		}
		back[j] = g
		for k := range out {
			out[k] -= rate*a*z[k] + decay*out[k]
		}
	}
	for j, g := range back {
		h.Bias[j] -= rate * g * 0.1
	}
	g := (*[hiddenSize]float32)(back)
	for _, b := range bs {
		row := (*[hiddenSize]float32)(rows[b*hiddenSize:])
		for j := range hiddenSize {
			row[j] -= rate*g[j]*x + decay*row[j]
		}
	}
}

// hiddenInit is the spread of the rows' random start: small, so that the hidden layer starts
// near its bias and every unit learns.
const hiddenInit = 0.1
