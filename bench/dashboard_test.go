package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
)

const (
	dashboardInst = "roc-voorbeeldstad"
	smallStore    = 1_000
	largeStore    = 100_000
	// dashTurn is one turn of sequential dashboard requests; at most dashMaxCalls per turn.
	dashTurn     = 2 * time.Second
	dashPairs    = 3
	dashMaxCalls = 400
	// seedTimeout bounds the seeding of the large store.
	seedTimeout = 90 * time.Second
)

// seedDir is where the seeded stores live: tmpfs (/dev/shm) when there is one. Seeding writes
// 100,000 real reports through meldpunt.Submit and the store's CreateReport, one bbolt
// transaction each; on this machine's disk every transaction's fsync makes that about 1,300 a
// second (78 s), on tmpfs about 8,000 a second (13 s). The dashboard reads from memory (mmap)
// either way.
func seedDir(r *run) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "meldwijzer-bench-"); err == nil {
			r.b.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return r.b.TempDir()
}

// seed files n real reports at the institution through meldpunt.Submit (so through the store's
// CreateReport: report, receipt, idempotency record and counts in one transaction), their
// creation times spread over the last 12 months, every theme, where and audience.
func seed(store *bolt.Store, n int, deadline time.Time) (time.Duration, error) {
	keys, err := meldpunt.NewKeys(meldpunt.NewMasterSecret())
	if err != nil {
		return 0, err
	}
	wrapper, err := keyfile.New(make([]byte, 32))
	if err != nil {
		return 0, err
	}
	base := time.Now().UTC()
	i := 0
	svc := meldpunt.New(meldpunt.Config{Store: store, Keys: keys, Sealer: seal.New(wrapper, &seedKeys{keys: map[meldwijzer.KeyRef][]byte{}}), Institution: func(string) bool { return true },
		// One Submit at a time: the clock steps back through the year, a little over a day per report.
		Now: func() time.Time { return base.Add(-time.Duration(i%3571) * 8831 * time.Second) }})
	descriptions := []string{
		"Een docent maakt opmerkingen over mijn lichaam als we alleen zijn.",
		"Ze pesten me elke dag in de kantine en in de groepsapp, en niemand doet er iets aan.",
		"Op mijn stage moet ik veel langer werken dan afgesproken en mijn begeleider scheldt me uit als ik er iets van zeg.",
		"Iemand heeft een filmpje van mij rondgestuurd.",
	}
	began := time.Now()
	for i = 0; i < n; i++ {
		if i%1000 == 0 && time.Now().After(deadline) {
			return 0, fmt.Errorf("seeding stopped after %d of %d reports: over %v", i, n, seedTimeout)
		}
		sub := meldpunt.Submission{
			Audience: meldwijzer.Audiences[i%len(meldwijzer.Audiences)], Lang: meldwijzer.Languages[i%len(meldwijzer.Languages)],
			Theme: meldwijzer.Themes[i%len(meldwijzer.Themes)], Where: meldwijzer.Wheres[(i/3)%len(meldwijzer.Wheres)],
			When: meldwijzer.Whens[i%len(meldwijzer.Whens)], Description: descriptions[i%len(descriptions)], FollowUp: i%3 != 0,
		}
		if sub.Theme == "discriminatie" {
			sub.Grounds = []string{meldwijzer.Grounds[i%len(meldwijzer.Grounds)]}
		}
		res, err := svc.Submit(context.Background(), dashboardInst, fmt.Sprintf("seed-%012d-bench-key", i), sub)
		if err != nil {
			return 0, fmt.Errorf("seeding report %d: %w", i, err)
		}
		if !res.Created {
			return 0, fmt.Errorf("seeding report %d: not created", i)
		}
	}
	return time.Since(began), nil
}

func dashboardRows(r *run) {
	b := r.b
	dir := seedDir(r)
	type seeded struct {
		srv   *full
		token string
		took  time.Duration
	}
	stores := map[int]seeded{}
	for _, n := range []int{smallStore, largeStore} {
		store, err := bolt.Open(filepath.Join(dir, fmt.Sprintf("%d.db", n)))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { store.Close() })
		took, err := seed(store, n, time.Now().Add(seedTimeout))
		if err != nil {
			b.Fatal(err)
		}
		srv := newFull(b, store, meldpunt.NewMasterSecret())
		token, err := srv.Key.Sign(auth.Identity{Subject: "bench", Institution: dashboardInst, Role: auth.RoleHandler}, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		// The counts are real: the dashboard's period total is the number seeded.
		counts, err := store.Counts(context.Background(), dashboardInst, "0000-01", "9999-12")
		if err != nil {
			b.Fatal(err)
		}
		total := 0
		for _, c := range counts {
			if c.Dimension == "total" {
				total += c.N
			}
		}
		if total != n {
			b.Fatalf("seeded %d reports, the counts say %d", n, total)
		}
		progress("seeded %d reports in %v (%.0f/s)", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
		stores[n] = seeded{srv, token, took}
	}

	get := func(s seeded, path string) load {
		return staffGets(s.srv.URL+"/api/v1/institutions/"+dashboardInst+path, s.token)
	}

	measure := func(path string) pairs {
		// A is the large store, B the small one.
		p := turns(dashPairs, dashTurn, get(stores[largeStore], path), get(stores[smallStore], path))
		if p.A.Failed > 0 || p.B.Failed > 0 {
			b.Fatalf("dashboard%s: 100k %s; 1k %s", path, p.A.failures(), p.B.failures())
		}
		return p
	}
	jsonRes := measure("/dashboard")
	csvRes := measure("/dashboard.csv")
	inboxRes := measure(inboxPath)

	row := func(part string, p pairs, why string) Row {
		ratio := medianf(p.p50Ratios())
		return Row{
			Part:  part,
			Value: fmt.Sprintf("100k reports: p50 %s (n=%d)", fmtDur(p.A.q(.5)), p.A.OK), Ceiling: fmt.Sprintf("1k reports: p50 %s (n=%d)", fmtDur(p.B.q(.5)), p.B.OK),
			Ratio: ratio, Formula: "p50(100k)/p50(1k)", Spread: spread(p.p50Ratios()),
			Goal: "near 1 (≤ 1.5)", Met: met(ratio <= 1.5), Slowdown: ratio,
			Figures: map[string]float64{
				"p50_100k_ms": ms(p.A.q(.5)), "p99_100k_ms": ms(p.A.q(.99)), "requests_100k": float64(p.A.OK),
				"p50_1k_ms": ms(p.B.q(.5)), "p99_1k_ms": ms(p.B.q(.99)), "requests_1k": float64(p.B.OK),
				"p50_ratio_all_turns": ms(p.A.q(.5)) / ms(p.B.q(.5)),
				"seed_100k_s":         stores[largeStore].took.Seconds(), "seed_1k_s": stores[smallStore].took.Seconds(),
			},
			Why: why,
		}
	}
	jp50 := func(n int) time.Duration {
		if n == largeStore {
			return jsonRes.A.q(.5)
		}
		return jsonRes.B.q(.5)
	}
	cp50 := func(n int) time.Duration {
		if n == largeStore {
			return csvRes.A.q(.5)
		}
		return csvRes.B.q(.5)
	}
	jsonRow := row("Dashboard JSON, bbolt", jsonRes, fmt.Sprintf(
		"a handler's JSON dashboard adds the open and overdue cases, summed from the store's deadline counts (one per day, "+
			"written with each status change), never from the open reports: %s with 1k, %s with 100k; the CSV, which reads "+
			"only the counts, goes %s → %s (%.2f×)",
		fmtDur(jp50(smallStore)), fmtDur(jp50(largeStore)),
		fmtDur(cp50(smallStore)), fmtDur(cp50(largeStore)), ms(cp50(largeStore))/ms(cp50(smallStore))))
	jsonRow.Note = fmt.Sprintf("GET /api/v1/institutions/{id}/dashboard (and dashboard.csv below); real reports seeded through meldpunt.Submit → bolt CreateReport (one transaction each; %d in %.1f s, %d in %.1f s) "+
		"on tmpfs, to spare 100k fsyncs; all seeded reports are open (received), the worst case for the open-case count; "+
		"sequential requests (one at a time) with a handler's token (the one that gets the case counts), 12 months",
		smallStore, stores[smallStore].took.Seconds(), largeStore, stores[largeStore].took.Seconds())
	r.add(jsonRow)
	csvRow := row("Dashboard CSV, bbolt (counts only)", csvRes, fmt.Sprintf(
		"the CSV reads only the pre-aggregated counts (months × dimensions), whatever the number of reports: %s with 1k, %s with 100k",
		fmtDur(cp50(smallStore)), fmtDur(cp50(largeStore))))
	r.add(csvRow)
	r.add(inboxRow(row, inboxRes))
}

// seedKeys keeps the seeded reports' wrapped keys in memory. The seed is the dashboard rows'
// fixture, not what they measure (the dashboard reads counts, never text), and 100,000 reports
// with a key file's fsync each would double the seeding time; the intake and case rows use the
// real key file.
type seedKeys struct {
	keys map[meldwijzer.KeyRef][]byte
}

func (k *seedKeys) PutKey(_ context.Context, ref meldwijzer.KeyRef, w []byte) error {
	if _, ok := k.keys[ref]; ok {
		return meldwijzer.ErrKeyTaken
	}
	k.keys[ref] = w
	return nil
}

func (k *seedKeys) Key(_ context.Context, ref meldwijzer.KeyRef) ([]byte, error) {
	if w, ok := k.keys[ref]; ok {
		return w, nil
	}
	return nil, meldwijzer.ErrKeyNotFound
}

func (k *seedKeys) SetKeyExpiry(context.Context, meldwijzer.KeyRef, time.Time) error { return nil }
func (k *seedKeys) DeleteKey(_ context.Context, ref meldwijzer.KeyRef) error {
	delete(k.keys, ref)
	return nil
}
func (k *seedKeys) SweepKeys(context.Context, time.Time) (int, error) { return 0, nil }
func (k *seedKeys) Close() error                                      { return nil }

// staffGets is one GET of url at a time with a staff token, up to dashMaxCalls: each must be a 200.
func staffGets(url, token string) load {
	return funcLoad(1, dashMaxCalls, func() error {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := setupClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			return err
		}
		if res.StatusCode != 200 {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	})
}
