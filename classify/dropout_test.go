package classify

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Each step of training reads its line with whole words left out: the features of the words that
// are left (their n-grams, their pairs, their concepts), never a word's n-grams without the word,
// and never less than half of the line.
func TestWordDropoutLeavesOutWholeWords(t *testing.T) {
	for _, line := range []string{
		"ik heb het touw al klaar liggen op zolder",
		// a word twice, phrases of the concept lexicon, a clause break, chat spelling
		"ik wil niet meer leven. echt niet meer, ik wil dood en heb de pillen al",
		"he said he'll bring a knife tmrw and wait for me outside school",
		"ok!!! doei ??",
	} {
		t.Run(line, func(t *testing.T) { testWordDropout(t, line) })
	}
}

func testWordDropout(t *testing.T, line string) {
	toks := [][]token{tokenize(line)}
	all := features(line)
	for _, tc := range []struct {
		name  string
		share float32
	}{{"none left out", 0}, {"some left out", 0.3}, {"half left out", 0.5}, {"every word left out", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			d := wordDropout{share: tc.share, lines: dropLines(toks), rng: rand.New(rand.NewPCG(1, 2))}
			shorter := 0
			for range 50 {
				got := d.features(0, all)
				var kept []token // the words this step kept
				for j, k := range d.keep {
					if k {
						kept = append(kept, toks[0][j])
					}
				}
				if 2*len(kept) < len(toks[0]) {
					// more than half left out: the step reads the whole line rather than a fragment
					if !slices.Equal(got, all) {
						t.Fatalf("with %d of %d words kept the step reads %d features, want the line's %d", len(kept), len(toks[0]), len(got), len(all))
					}
					continue
				}
				if want := featuresOf(kept); !slices.Equal(got, want) {
					t.Fatalf("the step's features are not those of the words kept %v", kept)
				}
				if len(kept) < len(toks[0]) {
					shorter++
				}
			}
			switch {
			case tc.share == 0 && shorter > 0:
				t.Errorf("share 0 left words out in %d of 50 steps", shorter)
			case tc.share > 0 && tc.share < 1 && shorter == 0:
				t.Errorf("share %.1f never left a word out in 50 steps", tc.share)
			}
		})
	}
	if got := (&wordDropout{}).features(0, all); !slices.Equal(got, all) {
		t.Error("without words to leave out, a step does not read the line's own features")
	}
}
