package meldpunt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"meldwijzer"
)

// seedDemoIncidents gives each demo institution that has no incidents yet twelve months of
// fictitious incidents, registered by a fictitious employee, so that the dashboard shows both
// series and the export has something in it.
func (s *Service) seedDemoIncidents(ctx context.Context, institutions []string) (int, error) {
	if s.incidents == nil {
		return 0, nil
	}
	rng := rand.New(rand.NewPCG(DemoSeed, DemoSeed+1))
	today := Day(s.now())
	n := 0
	for _, inst := range institutions {
		existing, _, err := s.incidents.Incidents(ctx, meldwijzer.IncidentFilter{Institution: inst, Limit: 1})
		if err != nil {
			return n, err
		}
		if len(existing) > 0 {
			continue
		}
		who := Staff{Institution: inst, Subject: "demo-staff", Role: "staff"}
		for back := 11; back >= 0; back-- {
			first := time.Date(today.Year(), today.Month()-time.Month(back), 1, 0, 0, 0, 0, time.UTC)
			for range 2 + rng.IntN(7) {
				day := first.AddDate(0, 0, rng.IntN(28))
				if day.After(today) {
					continue
				}
				in := demoIncident(rng, day)
				in.ID, in.Institution, in.Author = newReportID(), inst, author(who)
				in.Registered, in.ExpiresAt = day, day.Add(s.retention)
				sum := sha256.Sum256(fmt.Appendf(nil, "demo incident %s %d", inst, n))
				idem := &meldwijzer.IncidentIdempotency{KeyHash: hex.EncodeToString(sum[:]), RequestHash: "demo", ExpiresAt: in.ExpiresAt}
				if _, _, _, err := s.incidents.CreateIncident(ctx, in, idem); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

// demoIncident is a fictitious incident on day: some of a few, drawn from the lists.
func demoIncident(rng *rand.Rand, day time.Time) *meldwijzer.Incident {
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	some := func(list []string, most int) []string {
		var out []string
		for range 1 + rng.IntN(most) {
			if v := pick(list); !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out
	}
	in := &meldwijzer.Incident{
		Day: day, Theme: pick(meldwijzer.Themes), Where: pick(meldwijzer.Wheres),
		Involved: some(meldwijzer.IncidentInvolved, 2), Categories: some(meldwijzer.IncidentCategories, 2),
		Serious: rng.IntN(6) == 0, Actions: some(meldwijzer.IncidentActions, 3), FollowUp: pick(meldwijzer.IncidentFollowUps),
	}
	if in.Theme == "discriminatie" {
		in.Grounds = []string{pick(meldwijzer.Grounds)}
	}
	return in
}
