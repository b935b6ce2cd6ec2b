package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// The institutions' items, in partitions of their own:
//
//	INSTITUTIONS     <id>    the record (every record in one partition: Institutions is one
//	                         Query; there are tens of schools, not thousands)
//	DOMAIN#<domain>  DOMAIN  the domain index: the id and a copy of the record, so that
//	                         InstitutionByDomain (every staff sign-in) is one GetItem
//
// The record carries a version; PutInstitution and DeleteInstitution write the record and every
// domain item it gains or loses in one TransactWriteItems, conditional on the version they read,
// so that two writers never leave a domain pointing at the wrong record.
//
// store/dynamoread reads the records too (the guide's function, without the SDK's client): a
// change to their item shape changes it as well; its tests read what this adapter wrote.
const (
	// PartitionInstitutions is the one partition of the institution records (an exact key).
	PartitionInstitutions = "INSTITUTIONS"
	// PrefixDomain starts the partition key of a domain index item.
	PrefixDomain    = "DOMAIN#"
	skDomain        = "DOMAIN"
	typeInstitution = "institution"
	typeDomain      = "domain"
)

func domainPK(domain string) string { return PrefixDomain + domain }

var _ meldwijzer.InstitutionStore = (*Store)(nil)

// institutionItem is a record or a domain index item; Record is the meldwijzer.Institution as
// JSON, the same bytes the embedded store keeps.
type institutionItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Type        string `dynamodbav:"type"`
	Institution string `dynamodbav:"institution"`
	Version     int64  `dynamodbav:"version"`
	Record      string `dynamodbav:"record"`
}

func (it *institutionItem) decode() (*meldwijzer.Institution, error) {
	inst := &meldwijzer.Institution{}
	if err := json.Unmarshal([]byte(it.Record), inst); err != nil {
		return nil, fmt.Errorf("dynamo: bad institution %s/%s: %w", it.PK, it.SK, err)
	}
	return inst, nil
}

// institutionItem reads the record with its version; nil when there is none.
func (s *Store) institutionItem(ctx context.Context, op, id string) (*institutionItem, error) {
	if id == "" {
		return nil, nil
	}
	var it institutionItem
	found, err := s.get(ctx, PartitionInstitutions, id, &it)
	if err != nil {
		return nil, mapError(op, err)
	}
	if !found {
		return nil, nil
	}
	return &it, nil
}

// PutInstitution adds or replaces the record and its domain index in one transaction.
func (s *Store) PutInstitution(ctx context.Context, inst *meldwijzer.Institution) error {
	if err := inst.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(inst)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		old, err := s.institutionItem(ctx, "PutInstitution", inst.ID)
		if err != nil {
			return err
		}
		rec := &institutionItem{PK: PartitionInstitutions, SK: inst.ID, Type: typeInstitution, Institution: inst.ID, Version: 1, Record: string(data)}
		cond := notExists()
		var oldDomains []string
		if old != nil {
			rec.Version = old.Version + 1
			cond = expression.Name("version").Equal(expression.Value(old.Version))
			prev, err := old.decode()
			if err != nil {
				return err
			}
			oldDomains = prev.Domains
		}
		items, err := s.domainItems(inst.ID, oldDomains, inst.Domains, rec)
		if err != nil {
			return err
		}
		p, err := s.put(rec, cond)
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: p})
		err = s.transactInstitution(ctx, "PutInstitution", items)
		var taken *domainTaken
		switch {
		case errors.As(err, &taken):
			// Which institution holds it is worth saying: the operator must resolve it.
			var other institutionItem
			if found, gerr := s.get(ctx, domainPK(taken.domain), skDomain, &other); gerr == nil && found && other.Institution != inst.ID {
				return meldwijzer.ErrDomainTaken(taken.domain, other.Institution)
			}
		case errors.Is(err, errChanged):
		default:
			return err
		}
		if attempt >= transactAttempts {
			return unavailable("PutInstitution", errors.New("the record kept changing"))
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// domainItems deletes the domains the record loses (when they are still its own) and puts the
// ones it has (when they are free or already its own), with a copy of the record.
func (s *Store) domainItems(id string, old, now []string, rec *institutionItem) ([]types.TransactWriteItem, error) {
	own := expression.Name("institution").Equal(expression.Value(id))
	var items []types.TransactWriteItem
	for _, d := range old {
		if slices.Contains(now, d) {
			continue
		}
		del, err := s.deleteIf(key(domainPK(d), skDomain), notExists().Or(own))
		if err != nil {
			return nil, err
		}
		items = append(items, types.TransactWriteItem{Delete: del})
	}
	for _, d := range now {
		it := *rec
		it.PK, it.SK, it.Type = domainPK(d), skDomain, typeDomain
		p, err := s.put(&it, notExists().Or(own))
		if err != nil {
			return nil, err
		}
		items = append(items, types.TransactWriteItem{Put: p})
	}
	return items, nil
}

func (s *Store) deleteIf(k map[string]types.AttributeValue, cond expression.ConditionBuilder) (*types.Delete, error) {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return nil, err
	}
	return &types.Delete{
		TableName: aws.String(s.table), Key: k,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}, nil
}

// errChanged: the record changed (or a domain item was rewritten) since it was read; read again.
var errChanged = errors.New("dynamo: the institution changed while it was written")

// domainTaken: the condition on a new domain's item failed, so another institution holds it.
type domainTaken struct{ domain string }

func (e *domainTaken) Error() string { return "domain taken: " + e.domain }

// transactInstitution writes the items; the last one is the record, the puts before it with
// a pk of PrefixDomain are domain index items.
func (s *Store) transactInstitution(ctx context.Context, op string, items []types.TransactWriteItem) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	reasons, cancelled := cancelReasons(err)
	if !cancelled {
		return mapError(op, err)
	}
	switch {
	case hasReason(reasons, reasonThrottling), hasReason(reasons, reasonThroughput):
		return unavailable(op, err)
	case hasReason(reasons, reasonConflict):
		return errChanged
	}
	for i, r := range reasons {
		if r != reasonCondition || i >= len(items) || items[i].Put == nil {
			continue
		}
		var it institutionItem
		if err := attributevalue.UnmarshalMap(items[i].Put.Item, &it); err == nil && it.Type == typeDomain {
			return &domainTaken{domain: it.PK[len(PrefixDomain):]}
		}
	}
	if hasReason(reasons, reasonCondition) {
		return errChanged
	}
	return mapError(op, err)
}

// Institution returns the record.
func (s *Store) Institution(ctx context.Context, id string) (*meldwijzer.Institution, error) {
	it, err := s.institutionItem(ctx, "Institution", id)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, meldwijzer.ErrInstitutionNotFound(id)
	}
	return it.decode()
}

// Institutions lists every record: one Query of their partition, in sort key (id) order.
func (s *Store) Institutions(ctx context.Context) ([]*meldwijzer.Institution, error) {
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key(attrPK).Equal(expression.Value(PartitionInstitutions))).Build()
	if err != nil {
		return nil, err
	}
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName: aws.String(s.table), KeyConditionExpression: expr.KeyCondition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ConsistentRead: aws.Bool(true),
	})
	list := []*meldwijzer.Institution{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, mapError("Institutions", err)
		}
		for _, item := range out.Items {
			var it institutionItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, fmt.Errorf("dynamo: bad institution item: %w", err)
			}
			inst, err := it.decode()
			if err != nil {
				return nil, err
			}
			list = append(list, inst)
		}
	}
	return list, nil
}

// InstitutionByDomain reads the domain's index item, which holds a copy of the record.
func (s *Store) InstitutionByDomain(ctx context.Context, domain string) (*meldwijzer.Institution, error) {
	notFound := meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution registered the domain %q", domain)
	if domain == "" {
		return nil, notFound
	}
	var it institutionItem
	found, err := s.get(ctx, domainPK(domain), skDomain, &it)
	if err != nil {
		return nil, mapError("InstitutionByDomain", err)
	}
	if !found {
		return nil, notFound
	}
	return it.decode()
}

// DeleteInstitution removes the record and its domain index in one transaction.
func (s *Store) DeleteInstitution(ctx context.Context, id string) error {
	for attempt := 1; ; attempt++ {
		old, err := s.institutionItem(ctx, "DeleteInstitution", id)
		if err != nil {
			return err
		}
		if old == nil {
			return meldwijzer.ErrInstitutionNotFound(id)
		}
		prev, err := old.decode()
		if err != nil {
			return err
		}
		items, err := s.domainItems(id, prev.Domains, nil, old)
		if err != nil {
			return err
		}
		del, err := s.deleteIf(key(PartitionInstitutions, id), expression.Name("version").Equal(expression.Value(old.Version)))
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Delete: del})
		if err := s.transactInstitution(ctx, "DeleteInstitution", items); !errors.Is(err, errChanged) {
			return err
		}
		if attempt >= transactAttempts {
			return unavailable("DeleteInstitution", errors.New("the record kept changing"))
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}
