package bench

import (
	"fmt"
	"time"

	"meldwijzer/wegwijzer"
)

const (
	// firstTurn is one turn of the first-message row; firstPairs pairs of turns.
	firstTurn  = 300 * time.Millisecond
	firstPairs = 8
	// firstGoal: the first typed message after a cold start may cost at most this many times a
	// warm one. It has no vocabulary to parse or compile any more (prepared at build time), only
	// what a warm reader remembers from earlier messages: each word's features and vocabulary
	// lookups, the rendered node and the option answers of the question.
	firstGoal = 15.0
)

// firstMessageRow is the first typed message a fresh guide reads, as after a cold start (the
// reader made, every word and node new to it), against the same messages read by a warm guide:
// the ceiling is the same work with nothing left to prepare, so the ratio is what being first
// costs. (A request through the handler would add the same HTTP work to both sides.)
func firstMessageRow(r *run) {
	b := r.b
	req := func(i int) wegwijzer.MessageRequest {
		return wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Text: messages[i%len(messages)]}
	}
	i := 0
	first := func(d time.Duration) sample {
		s := newSample()
		for began := time.Now(); time.Since(began) < d; i++ {
			g, _, err := wegwijzer.Embedded() // a cold start's own work, not timed
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			_, err = g.Message(req(i))
			s.record(0, fmt.Sprint(err), time.Since(t0), err == nil)
		}
		return s
	}
	warmGuide, _, err := wegwijzer.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	for j := range messages {
		if _, err := warmGuide.Message(req(j)); err != nil {
			b.Fatal(err)
		}
	}
	j := 0
	warm := func(d time.Duration) sample {
		s := newSample()
		for began := time.Now(); time.Since(began) < d; j++ {
			t0 := time.Now()
			_, err := warmGuide.Message(req(j))
			s.record(0, fmt.Sprint(err), time.Since(t0), err == nil)
		}
		return s
	}
	p := turns(firstPairs, firstTurn, first, warm)
	if p.A.Failed > 0 || p.B.Failed > 0 {
		b.Fatalf("first message: %s; warm: %s", p.A.failures(), p.B.failures())
	}
	ratio := medianf(p.p50Ratios())
	r.add(Row{
		Part:    "First typed message",
		Value:   fmt.Sprintf("fresh guide: p50 %s p99 %s (n=%d)", fmtDur(p.A.q(.5)), fmtDur(p.A.q(.99)), p.A.OK),
		Ceiling: fmt.Sprintf("warm guide: p50 %s p99 %s (n=%d)", fmtDur(p.B.q(.5)), fmtDur(p.B.q(.99)), p.B.OK),
		Ratio:   ratio, Formula: "p50(first)/p50(warm)", Spread: spread(p.p50Ratios()),
		Goal: fmt.Sprintf("≤ %.0f", firstGoal), Met: met(ratio <= firstGoal), Slowdown: ratio,
		Figures: map[string]float64{
			"first_p50_us": float64(p.A.q(.5)) / 1e3, "first_p99_us": float64(p.A.q(.99)) / 1e3, "first_messages": float64(p.A.OK),
			"warm_p50_us": float64(p.B.q(.5)) / 1e3, "warm_p99_us": float64(p.B.q(.99)) / 1e3, "warm_messages": float64(p.B.OK),
			"turn_s": firstTurn.Seconds(), "pairs": firstPairs,
		},
		Note: fmt.Sprintf("guide.Message in process, %d bench sentences in turn (student, nl); first: a new wegwijzer.Embedded() before each message (not timed), "+
			"so the reader is made and every word, node and option is new to it; warm: one guide that read them all before", len(messages)),
		Why: "a fresh reader builds what a warm one remembers: each word's features and vocabulary lookups, the rendered node, the question's option answers; " +
			"the vocabulary and the concept lexicon are compiled at build time (classify/vocabulary_gen.go, concepts_gen.go), so nothing is parsed",
	})
}
