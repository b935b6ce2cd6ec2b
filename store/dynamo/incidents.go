package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// Incidents registered by staff live in partitions of their own, so that IAM grants them only to
// the function that serves them (dynamodb:LeadingKeys):
//
//	INCIDENT#<inst>  ALL#<day>#<id>              the incident (listing: newest first)
//	INCIDENT#<inst>  BY#<author>#<day>#<id>      a copy, for the employee's own listing
//	INCIDENT#<inst>  SERIOUS#<day>#<id>          a copy of a serious one, for the Inspectie's list
//	INCIDENT#<inst>  IDEM#<keyhash>              the registration's idempotency record
//	INCCOUNT#<inst>  COUNT#<YYYY-MM>#<dim>#<value>  a counter (ADD n 1), as a report's COUNT#
//
// An incident is small (its note at most 500 characters), so each listing keeps a whole copy
// and is one Query, no BatchGetItem. Every item but the counters carries the incident's
// expiresAt (TTL): the record and its note expire like a report's text; the counters stay.
const (
	PrefixIncident      = "INCIDENT#" // incidents, their listings and idempotency records
	PrefixIncidentCount = "INCCOUNT#" // incident counters (what a dashboard or sector view reads)
	typeIncident        = "incident"
	typeIncidentIdem    = "incident-idempotency"
)

func incidentPK(inst string) string      { return PrefixIncident + inst }
func incidentCountPK(inst string) string { return PrefixIncidentCount + inst }
func incidentPos(in *meldwijzer.Incident) string {
	return ts(in.Day) + "#" + in.ID
}

const (
	incidentAll     = "ALL#"
	incidentSerious = "SERIOUS#"
)

func incidentBy(author string) string { return "BY#" + author + "#" }

type incidentItem struct {
	PK          string   `dynamodbav:"pk"`
	SK          string   `dynamodbav:"sk"`
	Type        string   `dynamodbav:"type"`
	ID          string   `dynamodbav:"id"`
	Institution string   `dynamodbav:"institution"`
	Day         string   `dynamodbav:"day"`
	Theme       string   `dynamodbav:"theme"`
	Where       string   `dynamodbav:"where"`
	Involved    []string `dynamodbav:"involved"`
	Grounds     []string `dynamodbav:"grounds,omitempty"`
	Categories  []string `dynamodbav:"categories"`
	Serious     bool     `dynamodbav:"serious"`
	Actions     []string `dynamodbav:"actions,omitempty"`
	FollowUp    string   `dynamodbav:"followUp,omitempty"`
	Note        string   `dynamodbav:"note,omitempty"`
	Author      string   `dynamodbav:"author"`
	Registered  string   `dynamodbav:"registered"`
	Expires     string   `dynamodbav:"expires,omitempty"`
	ExpiresTTL  int64    `dynamodbav:"expiresAt,omitempty"`
}

type incidentIdemItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Type        string `dynamodbav:"type"`
	RequestHash string `dynamodbav:"requestHash"`
	IncidentSK  string `dynamodbav:"incidentSK"`
	ExpiresTTL  int64  `dynamodbav:"expiresAt,omitempty"`
}

func newIncidentItem(in *meldwijzer.Incident, sk string) *incidentItem {
	it := &incidentItem{
		PK: incidentPK(in.Institution), SK: sk, Type: typeIncident, ID: in.ID, Institution: in.Institution,
		Day: fmtTime(in.Day), Theme: in.Theme, Where: in.Where, Involved: in.Involved, Grounds: in.Grounds,
		Categories: in.Categories, Serious: in.Serious, Actions: in.Actions, FollowUp: in.FollowUp,
		Note: in.Note, Author: in.Author, Registered: fmtTime(in.Registered),
		Expires: fmtTime(in.ExpiresAt), ExpiresTTL: ttl(in.ExpiresAt),
	}
	for _, l := range []*[]string{&it.Grounds, &it.Actions} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return it
}

func (it *incidentItem) incident() (*meldwijzer.Incident, error) {
	in := &meldwijzer.Incident{
		ID: it.ID, Institution: it.Institution, Theme: it.Theme, Where: it.Where, Involved: it.Involved,
		Grounds: it.Grounds, Categories: it.Categories, Serious: it.Serious, Actions: it.Actions,
		FollowUp: it.FollowUp, Note: it.Note, Author: it.Author,
	}
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&in.Day, it.Day}, {&in.Registered, it.Registered}, {&in.ExpiresAt, it.Expires}} {
		var err error
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, fmt.Errorf("incident %s: %w", it.ID, err)
		}
	}
	return in, nil
}

// CreateIncident writes the incident, its listing copies, its idempotency record and its
// counters in one TransactWriteItems.
func (s *Store) CreateIncident(ctx context.Context, in *meldwijzer.Incident, idem *meldwijzer.IncidentIdempotency) (*meldwijzer.Incident, string, bool, error) {
	if err := in.ValidateNew(idem); err != nil {
		return nil, "", false, err
	}
	pos := incidentPos(in)
	allSK := incidentAll + pos
	var items []types.TransactWriteItem
	addPut := func(v any) error {
		p, err := s.put(v, notExists())
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: p})
		return nil
	}
	errs := []error{
		addPut(&incidentIdemItem{PK: incidentPK(in.Institution), SK: "IDEM#" + idem.KeyHash, Type: typeIncidentIdem,
			RequestHash: idem.RequestHash, IncidentSK: allSK, ExpiresTTL: ttl(idem.ExpiresAt)}),
		addPut(newIncidentItem(in, allSK)),
		addPut(newIncidentItem(in, incidentBy(in.Author)+pos)),
	}
	if in.Serious {
		errs = append(errs, addPut(newIncidentItem(in, incidentSerious+pos)))
	}
	seen := map[meldwijzer.CountKey]bool{}
	for _, k := range in.IncidentCountKeys() {
		if seen[k] {
			continue
		}
		seen[k] = true
		upd := expression.Add(expression.Name("n"), expression.Value(1)).
			Set(expression.Name("type"), expression.Value(typeCount)).
			Set(expression.Name("institution"), expression.Value(k.Institution)).
			Set(expression.Name("month"), expression.Value(k.Month)).
			Set(expression.Name("dimension"), expression.Value(k.Dimension)).
			Set(expression.Name("value"), expression.Value(k.Value))
		u, err := s.update(key(incidentCountPK(k.Institution), countSK(k)), upd, nil)
		errs = append(errs, err)
		items = append(items, types.TransactWriteItem{Update: u})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, "", false, fmt.Errorf("dynamo: building CreateIncident: %w", err)
	}
	const iIdem = 0
	for attempt := 0; ; attempt++ {
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			back, err := newIncidentItem(in, allSK).incident()
			return back, idem.RequestHash, true, err
		}
		reasons, cancelled := cancelReasons(err)
		switch {
		case !cancelled:
			return nil, "", false, mapError("CreateIncident", err)
		case reasons[iIdem] == reasonCondition:
			return s.replayIncident(ctx, in.Institution, idem.KeyHash)
		case hasReason(reasons, reasonCondition):
			return nil, "", false, meldwijzer.ErrIncidentTaken
		case hasReason(reasons, reasonConflict) && attempt+1 < transactAttempts:
			if err := backoff(ctx, attempt); err != nil {
				return nil, "", false, mapError("CreateIncident", err)
			}
		case hasReason(reasons, reasonConflict), hasReason(reasons, reasonThrottling), hasReason(reasons, reasonThroughput):
			return nil, "", false, unavailable("CreateIncident", err)
		default:
			return nil, "", false, mapError("CreateIncident", err)
		}
	}
}

// replayIncident reads the idempotency record keyHash and its incident, for a retry.
func (s *Store) replayIncident(ctx context.Context, inst, keyHash string) (*meldwijzer.Incident, string, bool, error) {
	var ii incidentIdemItem
	found, err := s.get(ctx, incidentPK(inst), "IDEM#"+keyHash, &ii)
	if err != nil {
		return nil, "", false, mapError("CreateIncident", err)
	}
	if !found {
		return nil, "", false, meldwijzer.Errorf(meldwijzer.ECONFLICT, "the registration changed while it was stored; try again")
	}
	var it incidentItem
	found, err = s.get(ctx, incidentPK(inst), ii.IncidentSK, &it)
	if err != nil {
		return nil, "", false, mapError("CreateIncident", err)
	}
	if !found {
		return nil, "", false, meldwijzer.ErrIncidentGone
	}
	in, err := it.incident()
	return in, ii.RequestHash, false, err
}

// Incidents queries one listing (all, an author's, the serious ones) newest first: one Query.
func (s *Store) Incidents(ctx context.Context, f meldwijzer.IncidentFilter) ([]*meldwijzer.Incident, string, error) {
	if f.Institution == "" {
		return nil, "", meldwijzer.ErrNoInstitution
	}
	limit := meldwijzer.PageSize(f.Limit, meldwijzer.MaxIncidentsPage)
	pk := incidentPK(f.Institution)
	prefix, listing := incidentAll, "incidents"
	switch {
	case f.Author != "":
		prefix, listing = incidentBy(f.Author), "incidents by "+f.Author
	case f.Serious:
		prefix, listing = incidentSerious, "serious incidents"
	}
	var startSK string
	if f.Cursor != "" {
		var err error
		if startSK, err = decodeCursor(f.Cursor, f.Institution, listing, prefix); err != nil {
			return nil, "", err
		}
	}
	kc := expression.Key(attrPK).Equal(expression.Value(pk)).And(expression.Key(attrSK).BeginsWith(prefix))
	out, nextSK, err := queryPage(ctx, s, "Incidents", kc, pk, startSK, limit, func(raw []map[string]types.AttributeValue) ([]*meldwijzer.Incident, []string, error) {
		var items []incidentItem
		if err := attributevalue.UnmarshalListOfMaps(raw, &items); err != nil {
			return nil, nil, fmt.Errorf("dynamo: Incidents: %w", err)
		}
		var out []*meldwijzer.Incident
		var sks []string
		for _, it := range items {
			// An author's listing of both filters leaves out the others.
			if f.Serious && !it.Serious {
				continue
			}
			in, err := it.incident()
			if err != nil {
				return nil, nil, err
			}
			out, sks = append(out, in), append(sks, it.SK)
		}
		return out, sks, nil
	})
	if err != nil || nextSK == "" {
		return out, "", err
	}
	return out, encodeCursor(f.Institution, listing, nextSK), nil
}

// IncidentCounts queries the institution's incident counters of months from..to.
func (s *Store) IncidentCounts(ctx context.Context, institution, from, to string) ([]meldwijzer.Count, error) {
	return s.counts(ctx, "IncidentCounts", incidentCountPK(institution), institution, from, to)
}

var _ meldwijzer.IncidentStore = (*Store)(nil)
