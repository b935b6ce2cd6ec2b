package meldwijzer

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Incident is what a staff member registers after something happened: the day, what and where,
// who was involved by role (never by name), what was done and what still needs doing. It is the
// institution's own registration, beside the anonymous reports; the coming Wet vrij en veilig
// onderwijs (Kamerstuk 36 777, pending) asks schools to register incidents and to tell the
// Inspectie of the serious ones.
type Incident struct {
	ID          string
	Institution string
	// Day is the day it happened (midnight UTC): no finer time is kept.
	Day        time.Time
	Theme      string
	Where      string
	Involved   []string
	Grounds    []string
	Categories []string
	// Serious: the Inspectie must be told (physical or sexual violence, a weapon, a threat that
	// is carried out or the police involved: the bill's "ernstig incident").
	Serious  bool
	Actions  []string
	FollowUp string
	// Note is optional free text. The service checks it in the clear (MaxIncidentNote) and
	// seals it with the incident's own data key (KeyKindIncident) before it reaches a store; stores keep it as they get it.
	Note string
	// Author is a hash of the employee's account within the institution, so that they find
	// their own registrations; it is never shown.
	Author string
	// Registered is the day it was registered; ExpiresAt is when the record and its note are
	// deleted (retention, like a closed report's text). The counts stay.
	Registered time.Time
	ExpiresAt  time.Time
}

// Incident limits.
const (
	// MaxIncidentNote is the longest note, in characters: a short note, not a file.
	MaxIncidentNote = 500
	// MaxIncidentAge is how long ago an incident may have happened to be registered.
	MaxIncidentAge   = 366 * 24 * time.Hour
	MaxIncidentsPage = 100
)

// Incident counters: the dimensions of IncidentCountKeys, the same Count items as a report's.
var IncidentDimensions = []string{"total", "theme", "where", "involved", "category", "serious", "ground"}

// The values of the "serious" dimension.
const (
	SeriousYes = "yes"
	SeriousNo  = "no"
)

// Errors of the incident's rules, the same from every store.
var (
	ErrIncidentTaken   = &Error{Code: ECONFLICT, Message: "the incident id is taken"}
	ErrIncidentKeyUsed = &Error{Code: ECONFLICT, Message: "this Idempotency-Key was already used for another incident; use a new key for a new incident"}
	ErrIncidentGone    = &Error{Code: ECONFLICT, Message: "this Idempotency-Key belongs to an incident that no longer exists; use a new key for a new incident"}
)

// Validate checks an incident as a staff member registered it, on the day today: every id from
// its list, the day no later than today and no older than MaxIncidentAge, at least one involved
// and one category, grounds only with the theme discriminatie or the category discrimination,
// and a note of at most MaxIncidentNote characters. It sorts the lists, so that the same
// registration is the same record whatever order its boxes were ticked in.
func (in *Incident) Validate(today time.Time) error {
	today = today.UTC().Truncate(24 * time.Hour)
	switch {
	case in.Day.IsZero():
		return Errorf(EINVALID, "day is required, as YYYY-MM-DD")
	case in.Day.After(today):
		return Errorf(EINVALID, "day is in the future: register an incident once it has happened")
	case today.Sub(in.Day) > MaxIncidentAge:
		return Errorf(EINVALID, "day is more than a year ago")
	case !slices.Contains(Themes, in.Theme):
		return Errorf(EINVALID, "theme must be one of %s", strings.Join(Themes, ", "))
	case !slices.Contains(Wheres, in.Where):
		return Errorf(EINVALID, "where must be one of %s", strings.Join(Wheres, ", "))
	case in.FollowUp != "" && !slices.Contains(IncidentFollowUps, in.FollowUp):
		return Errorf(EINVALID, "followUp must be one of %s", strings.Join(IncidentFollowUps, ", "))
	case len(in.Grounds) > 0 && in.Theme != "discriminatie" && !slices.Contains(in.Categories, "discrimination"):
		return Errorf(EINVALID, "grounds belong to the theme discriminatie or the category discrimination")
	case !utf8.ValidString(in.Note):
		return Errorf(EINVALID, "note is not valid UTF-8")
	case utf8.RuneCountInString(in.Note) > MaxIncidentNote:
		return Errorf(EINVALID, "note is longer than %d characters: keep it short, and write no names", MaxIncidentNote)
	}
	for _, l := range []struct {
		field      string
		got, allow []string
		required   bool
	}{
		{"involved", in.Involved, IncidentInvolved, true},
		{"categories", in.Categories, IncidentCategories, true},
		{"grounds", in.Grounds, Grounds, false},
		{"actions", in.Actions, IncidentActions, false},
	} {
		if err := checkSet(l.field, l.got, l.allow, l.required); err != nil {
			return err
		}
	}
	for _, l := range [][]string{in.Involved, in.Categories, in.Grounds, in.Actions} {
		slices.Sort(l)
	}
	return nil
}

// checkSet says whether got holds different values of allow (and at least one when required).
func checkSet(field string, got, allow []string, required bool) error {
	if required && len(got) == 0 {
		return Errorf(EINVALID, "%s needs at least one of %s", field, strings.Join(allow, ", "))
	}
	seen := map[string]bool{}
	for _, v := range got {
		if !slices.Contains(allow, v) || seen[v] {
			return Errorf(EINVALID, "%s must be different values of %s", field, strings.Join(allow, ", "))
		}
		seen[v] = true
	}
	return nil
}

// ValidateNew checks what a store needs of a new incident and its idempotency record.
func (in *Incident) ValidateNew(idem *IncidentIdempotency) error {
	switch {
	case in == nil || idem == nil:
		return Errorf(EINVALID, "an incident and its idempotency record are required")
	case in.ID == "" || in.Institution == "" || in.Author == "" || idem.KeyHash == "":
		return Errorf(EINVALID, "an incident needs an id, an institution and an author, and its idempotency record a key hash")
	case in.Day.IsZero() || in.Registered.IsZero():
		return Errorf(EINVALID, "an incident needs its day and the day it was registered")
	}
	return nil
}

// Expired reports whether the incident's retention has ended at now.
func (in *Incident) Expired(now time.Time) bool {
	return !in.ExpiresAt.IsZero() && !now.Before(in.ExpiresAt)
}

// Forget removes the note of an incident whose retention has ended at now, so that no reader
// sees what retention deleted, whether or not the sweep has run.
func (in *Incident) Forget(now time.Time) {
	if in.Expired(now) {
		in.Note = ""
	}
}

// IncidentCountKeys returns the counters an incident adds to, in the month it happened: the
// total, its theme, where, seriousness, and each involved role, category and ground.
func (in *Incident) IncidentCountKeys() []CountKey {
	month := in.Day.UTC().Format("2006-01")
	key := func(dim, val string) CountKey {
		return CountKey{Institution: in.Institution, Month: month, Dimension: dim, Value: val}
	}
	serious := SeriousNo
	if in.Serious {
		serious = SeriousYes
	}
	keys := []CountKey{key("total", "all"), key("theme", in.Theme), key("where", in.Where), key("serious", serious)}
	for _, l := range []struct {
		dim    string
		values []string
	}{{"involved", in.Involved}, {"category", in.Categories}, {"ground", in.Grounds}} {
		for _, v := range l.values {
			keys = append(keys, key(l.dim, v))
		}
	}
	return keys
}

// IncidentIdempotency is what a store keeps of a registration's Idempotency-Key, so that a
// retry registers nothing new.
type IncidentIdempotency struct {
	// KeyHash is the hash of the client's key, scoped to the institution and the employee.
	KeyHash string
	// RequestHash identifies the registration: the same key with another one is a conflict.
	RequestHash string
	ExpiresAt   time.Time
}

// IncidentFilter selects a page of an institution's incidents.
type IncidentFilter struct {
	Institution string
	// Author, when set, selects one employee's own registrations.
	Author string
	// Serious selects the serious incidents only.
	Serious bool
	Cursor  string
	Limit   int
}

// NewestIncidentFirst orders incidents as every listing does: the day it happened, descending,
// then the id.
func NewestIncidentFirst(a, b *Incident) int {
	if c := b.Day.Compare(a.Day); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}

// IncidentStore keeps the incidents and their counters. Errors as ReportStore's.
type IncidentStore interface {
	// CreateIncident stores the incident, its counters (IncidentCountKeys) and its idempotency
	// record in one atomic write. When idem.KeyHash is known it writes nothing and returns the
	// stored incident and the stored record's RequestHash with created == false.
	CreateIncident(ctx context.Context, in *Incident, idem *IncidentIdempotency) (stored *Incident, requestHash string, created bool, err error)
	// Incidents lists an institution's incidents newest first (NewestIncidentFirst), a page at
	// a time, and the cursor of the next page ("" at the end).
	Incidents(ctx context.Context, f IncidentFilter) ([]*Incident, string, error)
	// IncidentCounts returns the institution's incident counters for months from..to
	// (YYYY-MM, inclusive): the same Count items as Counts, with IncidentDimensions.
	IncidentCounts(ctx context.Context, institution, from, to string) ([]Count, error)
}

// Normalised is what identifies a registration for its idempotency key: what the employee
// entered, without the id, author and dates the service gives it.
func (in *Incident) Normalised() any {
	return struct {
		Day                                    string
		Theme, Where, FollowUp, Note           string
		Involved, Grounds, Categories, Actions []string
		Serious                                bool
	}{in.Day.Format(time.DateOnly), in.Theme, in.Where, in.FollowUp, in.Note, in.Involved, in.Grounds, in.Categories, in.Actions, in.Serious}
}
