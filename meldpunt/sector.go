package meldpunt

import (
	"context"
	"sync"
	"time"

	"meldwijzer"
	"meldwijzer/dashboard"
	"meldwijzer/sector"
)

// sectorReads bounds the counts queries in flight for one sector view.
const sectorReads = 8

// SectorDashboard is the sector view of from..to: the participants' counts summed and suppressed
// (package sector). Whole past months only: a to in the current month or later becomes last
// month, a from after that is a 400; from defaults to eleven months before to. It reads one
// counts query per participant (months × dimensions, whatever the number of reports), never a
// report. A past month's suppression is worked out once (sector.Memo) while its counts stay the
// same.
func (s *Service) SectorDashboard(ctx context.Context, from, to string) (*sector.Dashboard, error) {
	now := s.now().UTC()
	last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	for _, m := range []string{from, to} {
		if _, err := time.Parse("2006-01", m); m != "" && err != nil {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "from and to must be months as YYYY-MM")
		}
	}
	if to == "" || to > last {
		to = last
	}
	if from == "" {
		t, _ := time.Parse("2006-01", to)
		from = t.AddDate(0, -11, 0).Format("2006-01")
	}
	if _, err := dashboard.Months(from, to); err != nil {
		if from > last {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "the sector view shows whole past months: the current month appears when it ends")
		}
		return nil, err
	}
	var participants []sector.Participant
	if s.participants != nil {
		var err error
		if participants, err = s.participants(ctx); err != nil {
			return nil, err
		}
	}
	counts, err := s.sectorCounts(ctx, participants, from, to)
	if err != nil {
		return nil, err
	}
	reports := sector.Series{Name: "reports", Counts: counts, Dimensions: []sector.Dimension{
		{Name: "theme", Values: s.values["theme"], Exclusive: true},
		{Name: "where", Values: s.values["where"], Exclusive: true},
		{Name: "audience", Values: s.values["audience"], Exclusive: true},
		{Name: "ground", Values: s.values["ground"]},
	}}
	return s.sectorMemo.Build(from, to, participants, []sector.Series{reports}, s.k)
}

// sectorCounts reads each participant's counts, a few queries at a time.
func (s *Service) sectorCounts(ctx context.Context, ps []sector.Participant, from, to string) (map[string][]meldwijzer.Count, error) {
	out := make(map[string][]meldwijzer.Count, len(ps))
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
	)
	slots := make(chan struct{}, sectorReads)
	for _, p := range ps {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			cs, err := s.store.Counts(ctx, p.ID, from, to)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
			}
			out[p.ID] = cs
		}()
	}
	wg.Wait()
	return out, first
}
