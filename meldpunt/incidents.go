package meldpunt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/dashboard"
	"meldwijzer/seal"
)

// Incidents: what staff register after something happened, beside the anonymous reports. Any
// employee with the staff role registers and sees their own; a handler (the vertrouwenspersoon,
// the meldpunt, and the school's safety coordinator, whose group the school maps to the handler
// role) sees all of the institution's, and the serious ones as a list for the Inspectie.

// Registration is what a staff member sends (POST .../incidents).
type Registration struct {
	Day        string   `json:"day"`
	Theme      string   `json:"theme"`
	Where      string   `json:"where"`
	Involved   []string `json:"involved"`
	Grounds    []string `json:"grounds,omitempty"`
	Categories []string `json:"categories"`
	// Serious and Actions are required: a registration says whether the Inspectie must be told
	// and what was done (an empty list: nothing yet).
	Serious  *bool    `json:"serious"`
	Actions  []string `json:"actions"`
	FollowUp string   `json:"followUp,omitempty"`
	Note     string   `json:"note,omitempty"`
}

var errNoIncidents = meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "this server takes no incidents")

// author is how the store knows an employee's registrations: a hash of their account within
// the institution, so that the record does not carry the account itself.
func author(who Staff) string {
	sum := sha256.Sum256([]byte("meldwijzer incident author\x00" + who.Institution + "\x00" + who.Subject))
	return hex.EncodeToString(sum[:])
}

// RegisterIncident registers an incident at the staff member's institution. The same
// Idempotency-Key with the same registration returns the first answer and stores nothing; with
// another registration it is a conflict.
func (s *Service) RegisterIncident(ctx context.Context, who Staff, idempotencyKey string, reg Registration) (*meldwijzer.Incident, bool, error) {
	if s.incidents == nil {
		return nil, false, errNoIncidents
	}
	if err := validIdempotencyKey(idempotencyKey); err != nil {
		return nil, false, err
	}
	now := s.now()
	today := Day(now)
	in, err := reg.incident(today)
	if err != nil {
		return nil, false, err
	}
	in.ID, in.Institution, in.Author = newReportID(), who.Institution, author(who)
	in.Registered, in.ExpiresAt = today, today.Add(s.retention)
	request, err := json.Marshal(in.Normalised())
	if err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(request)
	keySum := sha256.Sum256([]byte("meldwijzer incident key\x00" + in.Institution + "\x00" + in.Author + "\x00" + idempotencyKey))
	idem := &meldwijzer.IncidentIdempotency{KeyHash: hex.EncodeToString(keySum[:]), RequestHash: hex.EncodeToString(sum[:]), ExpiresAt: in.ExpiresAt}
	// The note is sealed with a data key of the incident's own that expires with it, so that
	// retention deletes the note from backups too (as a report's text).
	plain, ref := in.Note, IncidentKey(in.Institution, in.ID)
	if in.Note != "" {
		if s.sealer == nil {
			return nil, false, errNoSealer
		}
		box, err := s.sealer.Create(ctx, ref)
		if err != nil {
			return nil, false, err
		}
		in.Note = box.Seal(seal.FieldNote, in.Note)
		if err := s.sealer.Expire(ctx, ref, in.ExpiresAt); err != nil {
			return nil, false, err
		}
	}
	stored, requestHash, created, err := s.incidents.CreateIncident(ctx, in, idem)
	if err != nil {
		return nil, false, err
	}
	if !created && plain != "" {
		// A retry stored nothing new: the key made for it has no incident (it expires anyway).
		_ = s.sealer.Delete(ctx, ref)
	}
	if !created && requestHash != idem.RequestHash {
		return nil, false, meldwijzer.ErrIncidentKeyUsed
	}
	if created {
		stored.Note = plain
		return stored, true, nil
	}
	return stored, false, s.openNote(ctx, stored, now)
}

// incident is the registration as an incident, checked on the day today.
func (reg *Registration) incident(today time.Time) (*meldwijzer.Incident, error) {
	day, err := time.Parse(time.DateOnly, reg.Day)
	if err != nil {
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "day must be a day as YYYY-MM-DD")
	}
	if reg.Serious == nil || reg.Actions == nil {
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "serious (true or false) and actions (a list, which may be empty) are required")
	}
	in := &meldwijzer.Incident{
		Day: day, Theme: reg.Theme, Where: reg.Where, Involved: reg.Involved, Grounds: reg.Grounds,
		Categories: reg.Categories, Serious: *reg.Serious, Actions: reg.Actions, FollowUp: reg.FollowUp,
		Note: strings.TrimSpace(reg.Note),
	}
	return in, in.Validate(today)
}

// openNote opens the stored note, or forgets it when retention has ended.
func (s *Service) openNote(ctx context.Context, in *meldwijzer.Incident, now time.Time) error {
	in.Forget(now)
	if in.Note == "" {
		return nil
	}
	if !seal.Sealed(in.Note) {
		return nil
	}
	if s.sealer == nil {
		return errNoSealer
	}
	box, err := s.sealer.Open(ctx, IncidentKey(in.Institution, in.ID))
	if errors.Is(err, meldwijzer.ErrKeyNotFound) {
		in.Note = "" // its key was deleted: a copy from a backup, whose note is gone
		return nil
	}
	if err != nil {
		return err
	}
	in.Note, err = box.Open(seal.FieldNote, in.Note)
	return err
}

// IncidentKey names the data key that seals an incident's note.
func IncidentKey(institution, id string) meldwijzer.KeyRef {
	return meldwijzer.KeyRef{Institution: institution, Kind: meldwijzer.KeyKindIncident, ID: id}
}

// IncidentQuery selects a page of incidents.
type IncidentQuery struct {
	// Serious lists the serious ones only, for the Inspectie: without notes, which may hold
	// what no one should pass on.
	Serious bool
	Cursor  string
	Limit   int
}

// Incidents lists the incidents the staff member may see, newest first: a handler all of the
// institution's, anyone else their own.
func (s *Service) Incidents(ctx context.Context, who Staff, q IncidentQuery) ([]*meldwijzer.Incident, string, error) {
	if s.incidents == nil {
		return nil, "", errNoIncidents
	}
	if q.Limit < 0 || q.Limit > meldwijzer.MaxIncidentsPage {
		return nil, "", meldwijzer.Errorf(meldwijzer.EINVALID, "limit must be a number from 1 to %d", meldwijzer.MaxIncidentsPage)
	}
	f := meldwijzer.IncidentFilter{Institution: who.Institution, Serious: q.Serious, Cursor: q.Cursor, Limit: q.Limit}
	if !who.Has(auth.RoleHandler) {
		f.Author = author(who)
	}
	page, next, err := s.incidents.Incidents(ctx, f)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	for _, in := range page {
		if q.Serious {
			in.Note = ""
			continue
		}
		if err := s.openNote(ctx, in, now); err != nil {
			return nil, "", err
		}
	}
	return page, next, nil
}

// addIncidentSeries adds the incidents' series to a dashboard of the reports, from the
// incident counters, suppressed on their own counts like the reports'.
func (s *Service) addIncidentSeries(ctx context.Context, d *dashboard.Dashboard, k int) error {
	if s.incidents == nil {
		return nil
	}
	counts, err := s.incidents.IncidentCounts(ctx, d.Institution, d.From, d.To)
	if err != nil {
		return err
	}
	inc, err := dashboard.BuildSeries(dashboard.Incidents, d.Institution, d.From, d.To, counts, s.values, k)
	if err != nil {
		return err
	}
	d.Add(inc)
	return nil
}
