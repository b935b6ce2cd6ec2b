package meldpunt

import (
	"context"

	"meldwijzer"
)

// Notifier tells an institution's meldpunt that something happened (notify.Mailer mails it).
// The service calls it only after the store write succeeded. Notify must not block on the
// network for long and cannot fail the caller: a report is taken whether or not the mail goes
// out, so the notifier handles (logs, retries or drops) its own failures.
type Notifier interface {
	Notify(ctx context.Context, n meldwijzer.Notice)
}

// notify tells the institution's meldpunt about an event, when the service has a notifier. The
// request's cancellation does not reach it: the report is stored, the mail is the notifier's.
func (s *Service) notify(ctx context.Context, institution, kind string) {
	if s.notifier != nil {
		s.notifier.Notify(context.WithoutCancel(ctx), meldwijzer.Notice{Institution: institution, Kind: kind})
	}
}

// RemindDeadlines tells the meldpunt of each institution whose open reports have a deadline
// RemindBefore from today (one notice per institution, however many reports), and returns how
// many it told. It reads only the deadline counts the store keeps per day, never a report.
// An institution whose counts cannot be read is skipped and the others are still told; the
// first such error is returned.
func (s *Service) RemindDeadlines(ctx context.Context, institutions []string) (int, error) {
	now := s.now()
	var first error
	n := 0
	for _, inst := range institutions {
		due, err := s.store.Due(ctx, inst)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if meldwijzer.DeadlineSoon(due, now) {
			s.notify(ctx, inst, meldwijzer.NoticeDeadline)
			n++
		}
	}
	return n, first
}
