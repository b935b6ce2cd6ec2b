package meldpunt

import (
	"context"
	"sync"

	"meldwijzer"
	"meldwijzer/sector"
)

// sectorReads bounds the counts queries in flight for one sector view.
const sectorReads = 8

// SectorDashboard is the sector view of the quarters of from..to (months, YYYY-MM): the
// participants' counts summed per quarter and suppressed (package sector). Finished quarters
// only: a to in the current quarter or later becomes the last finished quarter, a from after it
// is a 400; from defaults to three quarters before to (a year). It reads one counts query per
// participant (months × dimensions, whatever the number of reports), never a report. A quarter's
// suppression is worked out once (sector.Memo) while its counts stay the same.
func (s *Service) SectorDashboard(ctx context.Context, from, to string) (*sector.Dashboard, error) {
	last := sector.LastQuarter(s.now())
	toQ, fromQ := last, ""
	var err error
	if to != "" {
		if toQ, err = sector.QuarterOf(to); err != nil {
			return nil, err
		}
	}
	if from != "" {
		if fromQ, err = sector.QuarterOf(from); err != nil {
			return nil, err
		}
		if fromQ > last { // quarters of four-digit years sort as text
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "the sector view shows quarters that have ended: the current quarter appears when it ends")
		}
	}
	if toQ > last {
		toQ = last
	}
	if fromQ == "" {
		start, _ := sector.QuarterStart(toQ)
		fromQ, _ = sector.QuarterOf(start.AddDate(0, -9, 0).Format("2006-01"))
	}
	if _, err := sector.Quarters(fromQ, toQ); err != nil {
		return nil, err
	}
	var participants []sector.Participant
	if s.participants != nil {
		if participants, err = s.participants(ctx); err != nil {
			return nil, err
		}
	}
	first, _ := sector.QuarterStart(fromQ)
	end, _ := sector.QuarterStart(toQ)
	var series []sector.Series
	for _, src := range s.sectorSources() {
		counts, err := sectorCounts(ctx, src.read, participants, first.Format("2006-01"), end.AddDate(0, 2, 0).Format("2006-01"))
		if err != nil {
			return nil, err
		}
		series = append(series, sector.Series{Name: src.name, Dimensions: src.dims, Counts: counts})
	}
	return s.sectorMemo.Build(fromQ, toQ, participants, series, s.k)
}

// sectorSource is one series of the sector view: its dimensions and the counters it reads.
type sectorSource struct {
	name string
	dims []sector.Dimension
	read func(ctx context.Context, institution, from, to string) ([]meldwijzer.Count, error)
}

// sectorSources are the series the sector view shows: the anonymous reports (and, where a store
// keeps them, the incidents staff register: a second source with its own counters).
func (s *Service) sectorSources() []sectorSource {
	sources := []sectorSource{{name: "reports", read: s.store.Counts, dims: []sector.Dimension{
		{Name: "theme", Values: s.values["theme"], Exclusive: true},
		{Name: "where", Values: s.values["where"], Exclusive: true},
		{Name: "audience", Values: s.values["audience"], Exclusive: true},
		{Name: "ground", Values: s.values["ground"]},
	}}}
	if s.incidents != nil {
		// An incident has one theme, one place and is serious or not; it may have several
		// categories, several involved and several grounds.
		sources = append(sources, sectorSource{name: "incidents", read: s.incidents.IncidentCounts, dims: []sector.Dimension{
			{Name: "theme", Values: s.values["theme"], Exclusive: true},
			{Name: "where", Values: s.values["where"], Exclusive: true},
			{Name: "serious", Values: []string{meldwijzer.SeriousYes, meldwijzer.SeriousNo}, Exclusive: true},
			{Name: "category", Values: meldwijzer.IncidentCategories},
			{Name: "involved", Values: meldwijzer.IncidentInvolved},
			{Name: "ground", Values: s.values["ground"]},
		}})
	}
	return sources
}

// sectorCounts reads each participant's counts of the months from..to, a few queries at a time,
// and adds them up per quarter.
func sectorCounts(ctx context.Context, read func(ctx context.Context, institution, from, to string) ([]meldwijzer.Count, error),
	ps []sector.Participant, from, to string) (map[string][]meldwijzer.Count, error) {
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
			cs, err := read(ctx, p.ID, from, to)
			if err == nil {
				cs, err = sector.ByQuarter(cs)
			}
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
