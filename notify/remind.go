package notify

import (
	"context"
	"time"

	"meldwijzer"
)

// Registry lists the institutions and finds one (meldwijzer.InstitutionStore has both methods).
type Registry interface {
	Directory
	Institutions(ctx context.Context) ([]*meldwijzer.Institution, error)
}

// Reminder sends the deadline reminders for some institutions (meldpunt.Service).
type Reminder interface {
	RemindDeadlines(ctx context.Context, institutions []string) (int, error)
}

// RemindAt is when the daily reminder job runs: 05:00 UTC, early morning in the Netherlands
// (06:00 in winter, 07:00 in summer), so that the mail is there when the meldpunt starts.
const RemindAt = 5 * time.Hour

// Remind runs the reminder job once: for each institution with a meldpunt address, one
// reminder when an open report's deadline is two days away. It reads the institutions and their
// deadline counts, never a report. It returns how many institutions were reminded.
func Remind(ctx context.Context, reg Registry, r Reminder) (int, error) {
	insts, err := reg.Institutions(ctx)
	if err != nil {
		return 0, err
	}
	var ids []string
	for _, i := range insts {
		if i.MeldpuntEmail != "" {
			ids = append(ids, i.ID)
		}
	}
	return r.RemindDeadlines(ctx, ids)
}

// NextRun is the first RemindAt after now.
func NextRun(now time.Time) time.Time {
	next := now.UTC().Truncate(24 * time.Hour).Add(RemindAt)
	if !next.After(now) {
		next = next.Add(24 * time.Hour)
	}
	return next
}

// Daily calls run at every RemindAt until ctx ends: the local server's ticker (on AWS an
// EventBridge schedule invokes the remind function instead). A server that is down at
// RemindAt skips that day's run.
func Daily(ctx context.Context, now func() time.Time, run func(context.Context)) {
	for {
		t := time.NewTimer(NextRun(now()).Sub(now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
			run(ctx)
		}
	}
}
