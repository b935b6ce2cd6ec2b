package classify

import "fmt"

// Figures are a reader's results on one set.
type Figures struct {
	N                                          int
	ThemeOK, ThemeN                            int
	UrgentFlagged, UrgentSure, UrgentN, KindOK int
	CalmFlagged, CalmSure, CalmN               int
	TrapFlagged, TrapN                         int
	// MissedHinted are the urgent messages missed whose answer still carries the help line;
	// CalmHinted the calm messages whose answer carries it.
	MissedHinted, CalmHinted int
	MissedKinds              map[string]int
}

// Measure reads every utterance of a set and counts what a person relies on.
func Measure(read func(string) Reading, set []Utterance) Figures {
	f := Figures{N: len(set), MissedKinds: map[string]int{}}
	for _, u := range set {
		got := read(u.Text)
		if u.UrgentID() != "" {
			f.UrgentN++
			if got.Flagged() {
				f.UrgentFlagged++
			} else {
				f.MissedKinds[u.Kind]++
				if got.Hint != "" {
					f.MissedHinted++
				}
			}
			if got.Urgent != "" {
				f.UrgentSure++
			}
			if got.Urgent == u.UrgentID() || got.Ask == u.UrgentID() {
				f.KindOK++
			}
			continue
		}
		f.ThemeN++
		if got.Theme == u.ThemeID() {
			f.ThemeOK++
		}
		if u.Trap {
			f.TrapN++
			if got.Flagged() {
				f.TrapFlagged++
			}
		} else {
			f.CalmN++
			if got.Flagged() {
				f.CalmFlagged++
			}
			if got.Urgent != "" {
				f.CalmSure++
			}
			if got.Hint != "" {
				f.CalmHinted++
			}
		}
	}
	return f
}

// Percent is 100·a/b (0 when b is 0).
func Percent(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func (f Figures) String() string {
	return fmt.Sprintf("urgent recall %.1f%% (%d/%d; %d read as urgent outright, the rest asked directly; kind right %d), "+
		"theme accuracy %.1f%% (%d/%d non-urgent), false urgent %.1f%% of calm (%d/%d; %d outright), idiom traps flagged %.1f%% (%d/%d); "+
		"the help line on %d of the %d urgent messages missed and on %.1f%% of calm messages (%d)",
		Percent(f.UrgentFlagged, f.UrgentN), f.UrgentFlagged, f.UrgentN, f.UrgentSure, f.KindOK,
		Percent(f.ThemeOK, f.ThemeN), f.ThemeOK, f.ThemeN,
		Percent(f.CalmFlagged, f.CalmN), f.CalmFlagged, f.CalmN, f.CalmSure,
		Percent(f.TrapFlagged, f.TrapN), f.TrapFlagged, f.TrapN,
		f.MissedHinted, f.UrgentN-f.UrgentFlagged, Percent(f.CalmHinted, f.CalmN), f.CalmHinted)
}
