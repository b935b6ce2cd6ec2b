package bolt

import (
	"context"
	"time"
)

// Swept is what one retention pass deleted.
type Swept struct {
	Keys, Reports int
}

// DeleteExpired is the local server's retention pass. It deletes the expired data keys first
// (keys.SweepKeys), so that from then on the reports' text is unreadable wherever a copy lies,
// then the expired reports (store.Sweep), and then compacts each file that lost something, so
// that its free pages no longer hold the deleted keys or ciphertext. A key whose report is
// still being deleted is never needed again: an expired report's text is never opened.
func DeleteExpired(ctx context.Context, store *Store, keys *Keys, now time.Time) (Swept, error) {
	var out Swept
	var err error
	if out.Keys, err = keys.SweepKeys(ctx, now); err != nil {
		return out, err
	}
	if out.Keys > 0 {
		if err := keys.Compact(); err != nil {
			return out, err
		}
	}
	if out.Reports, err = store.Sweep(now); err != nil {
		return out, err
	}
	if out.Reports > 0 {
		if err := store.Compact(); err != nil {
			return out, err
		}
	}
	return out, nil
}
