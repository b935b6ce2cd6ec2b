package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/auth"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/sector"
	"meldwijzer/store/bolt"
)

const (
	sectorInstitutions = 60
	sectorSmall        = 100 // reports per institution
	sectorSeedTimeout  = 600 * time.Second
)

// sectorLarge is the reports per institution of the large store: 1,000 (60,000 reports, about
// half a minute to seed), or SECTOR_BENCH_LARGE. 10,000 a school (600,000 real reports through the
// store's write path) takes about eight minutes to seed on this machine, too long for make bench;
// the dashboard rows show the same counts query flat from 1k to 100k reports at one school.
func sectorLarge() int {
	if n, err := strconv.Atoi(os.Getenv("SECTOR_BENCH_LARGE")); err == nil && n > 0 {
		return n
	}
	return 1_000
}

// sectorParticipants are 60 schools, five in each of twelve regions.
func sectorParticipants() []sector.Participant {
	ps := make([]sector.Participant, sectorInstitutions)
	for i := range ps {
		ps[i] = sector.Participant{ID: fmt.Sprintf("bench-school-%02d", i), Region: fmt.Sprintf("regio-%02d", i%12)}
	}
	return ps
}

// seedSector files perInst real reports at each participant through meldpunt.Submit (the store's
// CreateReport: report, receipt, idempotency record and counts in one transaction), spread over
// the twelve months before this one.
func seedSector(store *bolt.Store, ps []sector.Participant, perInst int, deadline time.Time) (time.Duration, error) {
	keys, err := meldpunt.NewKeys(meldpunt.NewMasterSecret())
	if err != nil {
		return 0, err
	}
	// The counts are what the sector view reads; the text is sealed as always, its keys kept in
	// memory (seedKeys), as the dashboard's seed does.
	wrapper, err := keyfile.New(make([]byte, 32))
	if err != nil {
		return 0, err
	}
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month()-12, 1, 12, 0, 0, 0, time.UTC)
	var at time.Time
	svc := meldpunt.New(meldpunt.Config{Store: store, Keys: keys, Sealer: seal.New(wrapper, &seedKeys{keys: map[meldwijzer.KeyRef][]byte{}}), Institution: func(string) bool { return true },
		Now: func() time.Time { return at }})
	rng := rand.New(rand.NewPCG(60, 12))
	began := time.Now()
	for i := range perInst * len(ps) {
		if i%1000 == 0 && time.Now().After(deadline) {
			return 0, fmt.Errorf("seeding stopped after %d of %d reports: over %v", i, perInst*len(ps), sectorSeedTimeout)
		}
		inst := ps[i/perInst].ID // one school after the other: each transaction near the last
		n := i % perInst         // the school's n-th report
		at = first.AddDate(0, n%12, rng.IntN(28))
		theme := meldwijzer.Themes[rng.IntN(4)] // a few common themes, the rest rarer
		if rng.IntN(3) == 0 {
			theme = meldwijzer.Themes[rng.IntN(len(meldwijzer.Themes))]
		}
		sub := meldpunt.Submission{
			Audience: meldwijzer.Audiences[rng.IntN(4)/3], Lang: "nl", Theme: theme,
			Where: meldwijzer.Wheres[rng.IntN(len(meldwijzer.Wheres))], Description: "Een melding voor de meting.", FollowUp: n%3 != 0,
		}
		if sub.Theme == "discriminatie" {
			sub.Grounds = []string{meldwijzer.Grounds[rng.IntN(len(meldwijzer.Grounds))]}
		}
		if _, err := svc.Submit(context.Background(), inst, fmt.Sprintf("sector-%012d-bench-key", i), sub); err != nil {
			return 0, fmt.Errorf("seeding report %d: %w", i, err)
		}
	}
	return time.Since(began), nil
}

// BenchmarkSector is the sector rows alone (go test -run '^$' -bench Sector -benchtime 1x ./bench).
func BenchmarkSector(b *testing.B) {
	r := &run{b: b, began: time.Now()}
	sectorRows(r)
	table, _ := r.render(time.Since(r.began))
	fmt.Print(table)
}

func sectorRows(r *run) {
	b := r.b
	dir := seedDir(r)
	ps := sectorParticipants()
	type seeded struct {
		srv   *full
		token string
		took  time.Duration
		keys  int // count items the view reads: months × dimension values per school
	}
	stores := map[int]seeded{}
	large := sectorLarge()
	for _, n := range []int{sectorSmall, large} {
		store, err := bolt.Open(filepath.Join(dir, fmt.Sprintf("sector-%d.db", n)))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { store.Close() })
		took, err := seedSector(store, ps, n, time.Now().Add(sectorSeedTimeout))
		if err != nil {
			b.Fatal(err)
		}
		srv := newFull(b, store, meldpunt.NewMasterSecret(), func(o *app.Options) {
			o.Participants = func(context.Context) ([]sector.Participant, error) { return ps, nil }
		})
		token, err := srv.Key.Sign(auth.Identity{Subject: "bench", Role: auth.RoleSector}, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		keys := 0
		for _, p := range ps {
			cs, err := store.Counts(context.Background(), p.ID, "0000-01", "9999-12")
			if err != nil {
				b.Fatal(err)
			}
			keys += len(cs)
		}
		progress("sector: seeded %d × %d reports in %v (%.0f/s), %d count items", len(ps), n, took.Round(time.Millisecond), float64(n*len(ps))/took.Seconds(), keys)
		stores[n] = seeded{srv, token, took, keys}
	}
	get := func(s seeded) load { return staffGets(s.srv.URL+"/api/v1/sector/dashboard", s.token) }
	p := turns(dashPairs, dashTurn, get(stores[large]), get(stores[sectorSmall]))
	if p.A.Failed > 0 || p.B.Failed > 0 {
		b.Fatalf("sector dashboard: large %s; small %s", p.A.failures(), p.B.failures())
	}
	ratio := medianf(p.p50Ratios())
	r.add(Row{
		Part:  "Sector dashboard, bbolt (60 schools × 12 months)",
		Value: fmt.Sprintf("%d reports/school: p50 %s (n=%d)", large, fmtDur(p.A.q(.5)), p.A.OK), Ceiling: fmt.Sprintf("%d/school: p50 %s (n=%d)", sectorSmall, fmtDur(p.B.q(.5)), p.B.OK),
		Ratio: ratio, Formula: "p50(large)/p50(small)", Spread: spread(p.p50Ratios()),
		Goal: "near 1 (≤ 1.5)", Met: met(ratio <= 1.5), Slowdown: ratio,
		Figures: map[string]float64{
			"p50_large_ms": ms(p.A.q(.5)), "p99_large_ms": ms(p.A.q(.99)), "requests_large": float64(p.A.OK),
			"p50_small_ms": ms(p.B.q(.5)), "p99_small_ms": ms(p.B.q(.99)), "requests_small": float64(p.B.OK),
			"reports_per_school_large": float64(large), "reports_per_school_small": sectorSmall,
			"count_items_large": float64(stores[large].keys), "count_items_small": float64(stores[sectorSmall].keys),
			"seed_large_s": stores[large].took.Seconds(), "seed_small_s": stores[sectorSmall].took.Seconds(),
		},
		Why: fmt.Sprintf("the sector view reads one counts query per school (months × dimension values) and sums and suppresses them, "+
			"never a report: its work follows the count items, %d with %d reports a school and %d with %d (at 100 a school many "+
			"month × value pairs are still empty; from about 1,000 every pair has a count, so more reports add no work)",
			stores[sectorSmall].keys, sectorSmall, stores[large].keys, large),
		Note: fmt.Sprintf("GET /api/v1/sector/dashboard (the default: the last four finished quarters, 12 months) with a sector token; %d schools in 12 regions; "+
			"real reports through meldpunt.Submit → bolt CreateReport (%d in %.1f s, %d in %.1f s) on tmpfs; sequential requests",
			sectorInstitutions, sectorInstitutions*sectorSmall, stores[sectorSmall].took.Seconds(),
			sectorInstitutions*large, stores[large].took.Seconds()),
	})
}
