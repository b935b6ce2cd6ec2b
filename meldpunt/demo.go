package meldpunt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"meldwijzer"
	"meldwijzer/seal"
)

// DemoSeed is the fixed seed of the demo data: every demo server shows the same reports.
const DemoSeed = 12

// demoTexts are fictitious reports, one per theme, written for the demo. None is about a real
// person or school.
var demoTexts = map[string]string{
	"discriminatie": "Demo: in de kantine worden steeds grappen gemaakt over mijn afkomst.",
	"seksueel":      "Demo: een medestudent stuurt berichten die ik niet wil krijgen.",
	"agressie":      "Demo: na de les werd er bij de fietsenstalling geduwd en gedreigd.",
	"pesten":        "Demo: in de groepsapp wordt een klasgenoot buitengesloten.",
	"criminaliteit": "Demo: iemand vraagt studenten om hun bankpas uit te lenen.",
	"stagemisbruik": "Demo: op mijn stage werk ik vaak alleen en zonder begeleiding.",
	"discussie":     "Demo: een discussie in de les liep uit op uitschelden.",
	"thuis":         "Demo: het is thuis niet veilig en ik weet niet bij wie ik terecht kan.",
	"anders":        "Demo: ik weet niet of dit telt, maar ik voel me niet prettig op school.",
}

var demoReplies = []string{
	"Demo: dank je voor je melding. Wil je vertellen wanneer dit gebeurde?",
	"Demo: we hebben dit besproken met de teamleider. Hoe gaat het nu?",
}

// SeedDemo fills each institution that has no reports yet with twelve months of fictitious
// reports up to now, from a fixed seed, so that a newcomer sees a living inbox, deadlines and
// dashboard, and as many months of fictitious incidents. It returns how many reports it
// stored. Only the demo server calls it.
func (s *Service) SeedDemo(ctx context.Context, institutions []string) (int, error) {
	if s.keys == nil {
		return 0, errNoKeys
	}
	rng := rand.New(rand.NewPCG(DemoSeed, DemoSeed))
	today := Day(s.now())
	n := 0
	for _, inst := range institutions {
		existing, _, err := s.store.Reports(ctx, meldwijzer.ReportFilter{Institution: inst, Limit: 1})
		if err != nil {
			return n, err
		}
		if len(existing) > 0 {
			continue
		}
		for back := 11; back >= 0; back-- {
			first := time.Date(today.Year(), today.Month()-time.Month(back), 1, 0, 0, 0, 0, time.UTC)
			for range 4 + rng.IntN(9) {
				created := first.AddDate(0, 0, rng.IntN(28))
				if created.After(today) {
					continue
				}
				if err := s.seedReport(ctx, rng, inst, created, today, n); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	// And the incidents staff registered, for the dashboard's second series.
	if _, err := s.seedDemoIncidents(ctx, institutions); err != nil {
		return n, err
	}
	return n, nil
}

func (s *Service) seedReport(ctx context.Context, rng *rand.Rand, inst string, created, today time.Time, i int) error {
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	sub := Submission{Audience: pick(meldwijzer.Audiences), Lang: "nl", Theme: pick(meldwijzer.Themes),
		Where: pick(meldwijzer.Wheres), When: pick(meldwijzer.Whens), FollowUp: rng.IntN(3) > 0}
	if sub.Theme == "discriminatie" {
		sub.Grounds = []string{pick(meldwijzer.Grounds)}
	}
	sub.Description = demoTexts[sub.Theme]
	r := s.newReport(inst, sub, created)
	idem := s.newIdempotency(inst, fmt.Sprintf("demo-seed-%016d", i), sub, r)
	// Sealed like every report, so that the demo shows what a real store holds.
	if s.sealer == nil {
		return errNoSealer
	}
	box, err := s.sealer.Create(ctx, ReportKey(inst, r.ID))
	if err != nil {
		return err
	}
	if _, _, _, err := s.store.CreateReport(ctx, sealReport(box, r), idem); err != nil {
		return err
	}
	message := func(from, text string, at time.Time) error {
		_, err := s.store.AddMessage(ctx, inst, r.ID, meldwijzer.Message{From: from, Text: box.Seal(seal.MessageField(from), text), At: at})
		return err
	}
	age := today.Sub(created)
	answered := age > 3*24*time.Hour && rng.IntN(5) > 0
	if answered && sub.FollowUp {
		at := created.AddDate(0, 0, 1+rng.IntN(5))
		if err := message(meldwijzer.FromInstitution, demoReplies[0], at); err != nil {
			return err
		}
		if rng.IntN(2) == 0 {
			if err := message(meldwijzer.FromReporter, "Demo: vorige week, na de pauze.", at.AddDate(0, 0, 1)); err != nil {
				return err
			}
		}
	}
	switch {
	case age > 60*24*time.Hour && rng.IntN(4) > 0:
		closed, err := s.store.SetStatus(ctx, inst, r.ID, meldwijzer.StatusClosed, created.AddDate(0, 0, 20+rng.IntN(30)), s.retention)
		if err != nil {
			return err
		}
		return s.sealer.Expire(ctx, ReportKey(inst, r.ID), closed.ExpiresAt)
	case answered:
		_, err := s.store.SetStatus(ctx, inst, r.ID, meldwijzer.StatusInProgress, created.AddDate(0, 0, 2), s.retention)
		return err
	}
	return nil
}
