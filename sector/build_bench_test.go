package sector_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"meldwijzer"
	"meldwijzer/sector"
)

// benchWorld is 60 schools in 12 regions, perInst reports each spread over 12 months as the
// bench seeds them.
func benchWorld(perInst int) ([]sector.Participant, []sector.Series) {
	months, _ := sector.Quarters("2025-Q1", "2025-Q4")
	rng := rand.New(rand.NewPCG(60, 12))
	ps := make([]sector.Participant, 60)
	counts := map[string][]meldwijzer.Count{}
	for i := range ps {
		ps[i] = sector.Participant{ID: fmt.Sprintf("s%02d", i), Region: fmt.Sprintf("r%02d", i%12)}
		for n := range perInst {
			theme := meldwijzer.Themes[rng.IntN(4)]
			if rng.IntN(3) == 0 {
				theme = meldwijzer.Themes[rng.IntN(len(meldwijzer.Themes))]
			}
			add(counts, ps[i].ID, months[n%4], theme, meldwijzer.Wheres[rng.IntN(4)], meldwijzer.Audiences[rng.IntN(4)/3], 1)
		}
	}
	// As the store keeps them: one count per month, dimension and value.
	for id, cs := range counts {
		sum := map[meldwijzer.CountKey]int{}
		for _, c := range cs {
			sum[c.CountKey] += c.N
		}
		counts[id] = counts[id][:0]
		for k, n := range sum {
			counts[id] = append(counts[id], meldwijzer.Count{CountKey: k, N: n})
		}
	}
	return ps, []sector.Series{{Name: "reports", Dimensions: reportDims, Counts: counts}}
}

func BenchmarkBuild(b *testing.B) {
	for _, per := range []int{100, 1000, 10000} {
		ps, series := benchWorld(per)
		b.Run(fmt.Sprint(per), func(b *testing.B) {
			for b.Loop() {
				if _, err := sector.Build("2025-Q1", "2025-Q4", ps, series, 5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
