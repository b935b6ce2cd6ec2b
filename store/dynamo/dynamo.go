// Package dynamo is the DynamoDB adapter of meldwijzer.ReportStore: one table with string keys
// pk and sk and the TTL attribute expiresAt (see items.go for the item layout). It never scans:
// every read is a GetItem, a Query on one partition or a BatchGetItem of known keys.
package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// Store is a meldwijzer.ReportStore on one DynamoDB table.
type Store struct {
	db    *dynamodb.Client
	table string
}

var _ meldwijzer.ReportStore = (*Store)(nil)

// New returns a store on table; it does no I/O.
func New(client *dynamodb.Client, table string) *Store {
	return &Store{db: client, table: table}
}

// Close releases nothing: the client belongs to the caller.
func (s *Store) Close() error { return nil }

// transactAttempts bounds the retries of a transaction cancelled by a conflict with another
// transaction on the same item (the hot "total" count of a month, a concurrent status change).
const transactAttempts = 8

func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(10<<attempt) * time.Millisecond
	d = min(d, 400*time.Millisecond)
	d = d/2 + rand.N(d/2+1)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func (s *Store) put(v any, cond expression.ConditionBuilder) (*types.Put, error) {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, err
	}
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return nil, err
	}
	return &types.Put{
		TableName: aws.String(s.table), Item: item,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}, nil
}

func (s *Store) update(k map[string]types.AttributeValue, upd expression.UpdateBuilder, cond *expression.ConditionBuilder) (*types.Update, error) {
	b := expression.NewBuilder().WithUpdate(upd)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		return nil, err
	}
	return &types.Update{
		TableName: aws.String(s.table), Key: k,
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}, nil
}

func notExists() expression.ConditionBuilder {
	return expression.AttributeNotExists(expression.Name(attrPK))
}
func exists() expression.ConditionBuilder { return expression.AttributeExists(expression.Name(attrPK)) }

// CreateReport writes the report, its list index entries (all, its status, open), its deadline counts, its receipt index, its
// idempotency record and its counts in one TransactWriteItems.
func (s *Store) CreateReport(ctx context.Context, r *meldwijzer.Report, idem *meldwijzer.Idempotency) (*meldwijzer.Report, *meldwijzer.Idempotency, bool, error) {
	if err := r.ValidateNew(idem); err != nil {
		return nil, nil, false, err
	}
	seq, err := s.nextSeq(ctx, "CreateReport", key(instPK(r.Institution), skSeq), typeSeq)
	if err != nil {
		return nil, nil, false, err
	}
	withSeq := *r
	withSeq.Seq = seq
	ri := newReportItem(&withSeq, idem)
	stored, err := ri.report()
	if err != nil {
		return nil, nil, false, err
	}
	ii := newIdemItem(idem, r.Institution)
	record, err := ii.record()
	if err != nil {
		return nil, nil, false, err
	}

	var items []types.TransactWriteItem
	add := func(p *types.Put, u *types.Update, err error) error {
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: p, Update: u})
		return nil
	}
	addPut := func(v any, cond expression.ConditionBuilder) error {
		p, err := s.put(v, cond)
		return add(p, nil, err)
	}
	const iIdem = 1
	iReceipt := -1
	ttlIndex := ri.ExpiresTTL
	if err := errors.Join(
		addPut(ri, notExists()),
		addPut(ii, notExists()),
		addPut(&indexItem{PK: ri.PK, SK: createdSK(ri), Type: typeIndex, ID: r.ID, ExpiresTTL: ttlIndex}, notExists()),
		addPut(&indexItem{PK: ri.PK, SK: statusSK(r.Status, ri), Type: typeIndex, ID: r.ID, ExpiresTTL: ttlIndex}, notExists()),
	); err != nil {
		return nil, nil, false, fmt.Errorf("dynamo: building CreateReport: %w", err)
	}
	if meldwijzer.Open(r.Status) {
		if err := addPut(&indexItem{PK: ri.PK, SK: openSK(ri), Type: typeIndex, ID: r.ID}, notExists()); err != nil {
			return nil, nil, false, fmt.Errorf("dynamo: building CreateReport: %w", err)
		}
	}
	if sk, ok := deadlineSK(stored, ri.Created); ok {
		if err := addPut(&indexItem{PK: ri.PK, SK: sk, Type: typeIndex, ID: r.ID}, notExists()); err != nil {
			return nil, nil, false, fmt.Errorf("dynamo: building CreateReport: %w", err)
		}
	}
	if r.ReceiptHash != "" {
		iReceipt = len(items)
		rc := &receiptItem{PK: receiptPK(r.ReceiptHash), SK: skReceipt, Type: typeReceipt, Institution: r.Institution, ReportID: r.ID, ExpiresTTL: ttlIndex}
		if err := addPut(rc, notExists()); err != nil {
			return nil, nil, false, fmt.Errorf("dynamo: building CreateReport: %w", err)
		}
	}
	seen := map[meldwijzer.CountKey]bool{}
	for _, k := range r.CountKeys() {
		if seen[k] { // one transaction may touch an item once
			continue
		}
		seen[k] = true
		upd := expression.Add(expression.Name("n"), expression.Value(1)).
			Set(expression.Name("type"), expression.Value(typeCount)).
			Set(expression.Name("institution"), expression.Value(k.Institution)).
			Set(expression.Name("month"), expression.Value(k.Month)).
			Set(expression.Name("dimension"), expression.Value(k.Dimension)).
			Set(expression.Name("value"), expression.Value(k.Value))
		u, err := s.update(key(instPK(k.Institution), countSK(k)), upd, nil)
		if err := add(nil, u, err); err != nil {
			return nil, nil, false, fmt.Errorf("dynamo: building CreateReport: %w", err)
		}
	}

	due, err := s.dueItems(r.Institution, meldwijzer.DueChange(nil, stored))
	if err != nil {
		return nil, nil, false, fmt.Errorf("dynamo: building CreateReport: %w", err)
	}
	items = append(items, due...)

	for attempt := 0; ; attempt++ {
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return stored, record, true, nil
		}
		reasons, cancelled := cancelReasons(err)
		if !cancelled {
			return nil, nil, false, mapError("CreateReport", err)
		}
		switch {
		case reasons[iIdem] == reasonCondition:
			stored, record, err := s.replay(ctx, idem.KeyHash, r.Institution)
			if errors.Is(err, errRecordGone) && attempt < transactAttempts {
				continue // the record expired in between: write again
			}
			return stored, record, false, err
		case iReceipt >= 0 && reasons[iReceipt] == reasonCondition:
			return nil, nil, false, meldwijzer.ErrReceiptTaken
		case hasReason(reasons, reasonCondition):
			return nil, nil, false, meldwijzer.ErrReportTaken
		case hasReason(reasons, reasonConflict) && attempt+1 < transactAttempts:
			if err := backoff(ctx, attempt); err != nil {
				return nil, nil, false, mapError("CreateReport", err)
			}
			continue
		case hasReason(reasons, reasonConflict), hasReason(reasons, reasonThrottling), hasReason(reasons, reasonThroughput):
			return nil, nil, false, unavailable("CreateReport", err)
		default:
			return nil, nil, false, mapError("CreateReport", err)
		}
	}
}

var errRecordGone = errors.New("idempotency record gone")

// replay reads the idempotency record keyHash and its report, for a retry of a request.
func (s *Store) replay(ctx context.Context, keyHash, institution string) (*meldwijzer.Report, *meldwijzer.Idempotency, error) {
	var ii idemItem
	found, err := s.get(ctx, idemPK(keyHash), skIdem, &ii)
	if err != nil {
		return nil, nil, mapError("CreateReport", err)
	}
	if !found {
		return nil, nil, errRecordGone
	}
	record, err := ii.record()
	if err != nil {
		return nil, nil, fmt.Errorf("dynamo: idempotency record: %w", err)
	}
	if ii.Institution != institution {
		return nil, nil, meldwijzer.ErrIdempotencyKeyUsed
	}
	stored, err := s.Report(ctx, ii.Institution, ii.ReportID)
	if err == meldwijzer.ErrReportNotFound {
		return nil, nil, meldwijzer.ErrReportGone
	}
	if err != nil {
		return nil, nil, err
	}
	return stored, record, nil
}

// get reads one item with a strongly consistent GetItem into v; found is false when it does
// not exist.
func (s *Store) get(ctx context.Context, pk, sk string, v any) (bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, err
	}
	if len(out.Item) == 0 {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(out.Item, v); err != nil {
		return false, fmt.Errorf("dynamo: bad item %s/%s: %w", pk, sk, err)
	}
	return true, nil
}

func (s *Store) reportItem(ctx context.Context, op, institution, id string) (*reportItem, error) {
	if institution == "" || id == "" {
		return nil, meldwijzer.ErrReportNotFound
	}
	var it reportItem
	found, err := s.get(ctx, instPK(institution), reportSK(id), &it)
	if err != nil {
		return nil, mapError(op, err)
	}
	if !found || it.Type != typeReport {
		return nil, meldwijzer.ErrReportNotFound
	}
	return &it, nil
}

// Report returns a report with its messages.
func (s *Store) Report(ctx context.Context, institution, id string) (*meldwijzer.Report, error) {
	it, err := s.reportItem(ctx, "Report", institution, id)
	if err != nil {
		return nil, err
	}
	return it.report()
}

// ReportByReceipt follows the receipt index to the report.
func (s *Store) ReportByReceipt(ctx context.Context, hash string) (*meldwijzer.Report, error) {
	if hash == "" {
		return nil, meldwijzer.ErrReportNotFound
	}
	var rc receiptItem
	found, err := s.get(ctx, receiptPK(hash), skReceipt, &rc)
	if err != nil {
		return nil, mapError("ReportByReceipt", err)
	}
	if !found {
		return nil, meldwijzer.ErrReportNotFound
	}
	it, err := s.reportItem(ctx, "ReportByReceipt", rc.Institution, rc.ReportID)
	if err != nil {
		return nil, err
	}
	if it.ReceiptHash != hash {
		return nil, meldwijzer.ErrReportNotFound
	}
	return it.report()
}

// AddMessage appends m to the report's messages with one conditional UpdateItem whose
// condition is meldwijzer.Report.CanAddMessage's rule: the report exists, is not closed, has
// room for one more message and for m's bytes. When the condition fails, the rule itself says
// why, from the item as it was.
func (s *Store) AddMessage(ctx context.Context, institution, id string, m meldwijzer.Message) (*meldwijzer.Report, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if institution == "" || id == "" {
		return nil, meldwijzer.ErrReportNotFound
	}
	at := fmtTime(m.At)
	msg := messageItem{From: m.From, Text: m.Text, At: at}
	// lastMessage identifies the last appended message, so that a retry of an append that did
	// commit (the SDK retries when an answer is lost) does not append the message twice.
	sum := sha256.Sum256([]byte(m.From + "\x00" + at + "\x00" + m.Text))
	last := hex.EncodeToString(sum[:16])
	upd := expression.Set(expression.Name("messages"), expression.Name("messages").ListAppend(expression.Value([]messageItem{msg}))).
		Add(expression.Name("convBytes"), expression.Value(len(m.Text))).
		Set(expression.Name("updatedAt"), expression.Value(at)).
		Set(expression.Name("lastMessage"), expression.Value(last))
	if m.From == meldwijzer.FromInstitution {
		upd = upd.Set(expression.Name("acknowledgedAt"), expression.Name("acknowledgedAt").IfNotExists(expression.Value(at)))
	}
	cond := expression.And(
		exists(),
		expression.Name("status").NotEqual(expression.Value(meldwijzer.StatusClosed)),
		expression.Name("messages").Size().LessThan(expression.Value(meldwijzer.MaxMessages)),
		expression.Name("convBytes").LessThanEqual(expression.Value(meldwijzer.MaxConversationBytes-len(m.Text))),
		expression.Or(expression.Name("lastMessage").AttributeNotExists(), expression.Name("lastMessage").NotEqual(expression.Value(last))),
	)
	for attempt := 0; ; attempt++ {
		cond := cond
		if m.From == meldwijzer.FromInstitution {
			// The institution's first answer acknowledges the report and so changes the
			// deadline counts: it is written with them, in one transaction.
			it, err := s.reportItem(ctx, "AddMessage", institution, id)
			if err != nil {
				return nil, err
			}
			// Its first answer acknowledges the report, and an answer to a received report
			// takes it in progress: both change indexes and counts, written in one transaction.
			if it.AckAt == "" || it.Status == meldwijzer.StatusReceived {
				r, err := it.report()
				if err != nil {
					return nil, err
				}
				if it.LastMessage == last {
					return r, nil // this very message was appended already
				}
				if err := r.CanAddMessage(m); err != nil {
					return nil, err
				}
				done, err := s.acknowledge(ctx, it, r, m, upd, cond)
				if err != nil {
					return nil, err
				}
				if done {
					return s.Report(ctx, institution, id)
				}
				if attempt+1 >= transactAttempts {
					return nil, meldwijzer.Errorf(meldwijzer.ECONFLICT, "the report changed while the message was added; try again")
				}
				if err := backoff(ctx, attempt); err != nil {
					return nil, mapError("AddMessage", err)
				}
				continue
			}
			// Acknowledged and in progress already, and it must stay so for the counts to hold.
			cond = cond.And(expression.Name("acknowledgedAt").AttributeExists(),
				expression.Name("status").NotEqual(expression.Value(meldwijzer.StatusReceived)))
		}
		r, retry, err := s.appendMessage(ctx, institution, id, m, last, upd, cond)
		if !retry || attempt+1 >= transactAttempts {
			return r, err
		}
	}
}

// appendMessage is AddMessage's one conditional UpdateItem; retry says that the condition
// failed on a report that takes the message (it was acknowledged in a way the condition did
// not expect: read it again).
func (s *Store) appendMessage(ctx context.Context, institution, id string, m meldwijzer.Message, last string, upd expression.UpdateBuilder, cond expression.ConditionBuilder) (_ *meldwijzer.Report, retry bool, _ error) {
	u, err := s.update(key(instPK(institution), reportSK(id)), upd, &cond)
	if err != nil {
		return nil, false, fmt.Errorf("dynamo: building AddMessage: %w", err)
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
		ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames,
		ExpressionAttributeValues:           u.ExpressionAttributeValues,
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		var old reportItem
		if len(ccf.Item) == 0 || attributevalue.UnmarshalMap(ccf.Item, &old) != nil || old.Type != typeReport {
			return nil, false, meldwijzer.ErrReportNotFound
		}
		r, err := old.report()
		if err != nil {
			return nil, false, err
		}
		if old.LastMessage == last {
			return r, false, nil // this very message was appended already
		}
		if err := r.CanAddMessage(m); err != nil {
			return nil, false, err
		}
		if m.From == meldwijzer.FromInstitution && (old.AckAt == "" || old.Status == meldwijzer.StatusReceived) {
			return nil, true, meldwijzer.Errorf(meldwijzer.ECONFLICT, "the report changed while the message was added; try again")
		}
		return nil, false, fmt.Errorf("dynamo: AddMessage: the condition failed on a report that takes the message")
	}
	if err != nil {
		return nil, false, mapError("AddMessage", err)
	}
	var it reportItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return nil, false, fmt.Errorf("dynamo: AddMessage: %w", err)
	}
	r, err := it.report()
	return r, false, err
}

// acknowledge appends the institution's answer m to the report it (read as r) that it
// acknowledges or takes in progress: it takes the report off its acknowledge deadline's count,
// moves its status and deadline index entries, in one TransactWriteItems conditioned on the
// report's status and acknowledgement as read; done is false when that condition or a
// conflict cancelled it.
func (s *Store) acknowledge(ctx context.Context, it *reportItem, r *meldwijzer.Report, m meldwijzer.Message, upd expression.UpdateBuilder, cond expression.ConditionBuilder) (done bool, err error) {
	after := *r
	after.Messages = slices.Clone(r.Messages)
	if err := after.AddMessage(m); err != nil {
		return false, err
	}
	cond = cond.And(expression.Name("status").Equal(expression.Value(it.Status)))
	if it.AckAt == "" {
		cond = cond.And(expression.Name("acknowledgedAt").AttributeNotExists())
	} else {
		cond = cond.And(expression.Name("acknowledgedAt").AttributeExists())
	}
	var items []types.TransactWriteItem
	if after.Status != r.Status {
		upd = upd.Set(expression.Name("status"), expression.Value(after.Status))
		item, err := attributevalue.MarshalMap(&indexItem{PK: it.PK, SK: statusSK(after.Status, it), Type: typeIndex, ID: it.ID})
		if err != nil {
			return false, err
		}
		items = append(items,
			types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: item}},
			types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(it.PK, statusSK(r.Status, it))}})
	}
	u, err := s.update(key(it.PK, it.SK), upd, &cond)
	if err != nil {
		return false, fmt.Errorf("dynamo: building AddMessage: %w", err)
	}
	due, err := s.dueItems(it.Institution, meldwijzer.DueChange(r, &after))
	if err != nil {
		return false, fmt.Errorf("dynamo: building AddMessage: %w", err)
	}
	next, err := s.deadlineItems(it.PK, it.Created, r, &after)
	if err != nil {
		return false, fmt.Errorf("dynamo: building AddMessage: %w", err)
	}
	items = append(append(append([]types.TransactWriteItem{{Update: u}}, items...), due...), next...)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return true, nil
	}
	reasons, cancelled := cancelReasons(err)
	switch {
	case !cancelled:
		return false, mapError("AddMessage", err)
	case hasReason(reasons, reasonCondition), hasReason(reasons, reasonConflict):
		return false, nil
	case hasReason(reasons, reasonThrottling), hasReason(reasons, reasonThroughput):
		return false, unavailable("AddMessage", err)
	default:
		return false, mapError("AddMessage", err)
	}
}

// SetStatus changes the status in one TransactWriteItems: the report (conditioned on the status
// it was read with), its per-status and open index entries (moved), its deadline counts, and on closing the TTL attribute of
// every item of the report (report, index entries, receipt index, idempotency record), which
// reopening removes again.
func (s *Store) SetStatus(ctx context.Context, institution, id, status string, at time.Time, retention time.Duration) (*meldwijzer.Report, error) {
	if err := meldwijzer.CheckStatus(status); err != nil {
		return nil, err
	}
	withIdem, withReceipt := true, true
	for attempt := 0; ; attempt++ {
		it, err := s.reportItem(ctx, "SetStatus", institution, id)
		if err != nil {
			return nil, err
		}
		next, err := it.report()
		if err != nil {
			return nil, err
		}
		changed, err := next.SetStatus(status, at, retention)
		if err != nil {
			return nil, err
		}
		if !changed {
			return next, nil
		}
		items, iIdem, iReceipt, err := s.statusItems(it, next, withIdem, withReceipt)
		if err != nil {
			return nil, fmt.Errorf("dynamo: building SetStatus: %w", err)
		}
		_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return s.Report(ctx, institution, id)
		}
		reasons, cancelled := cancelReasons(err)
		if !cancelled {
			return nil, mapError("SetStatus", err)
		}
		retry := false
		switch {
		case hasReason(reasons, reasonCondition):
			// The report changed status since it was read (re-read it), or its receipt index or
			// idempotency record expired on its own (leave it out).
			if iIdem >= 0 && reasons[iIdem] == reasonCondition {
				withIdem = false
			}
			if iReceipt >= 0 && reasons[iReceipt] == reasonCondition {
				withReceipt = false
			}
			retry = true
		case hasReason(reasons, reasonConflict):
			retry = true
		case hasReason(reasons, reasonThrottling), hasReason(reasons, reasonThroughput):
			return nil, unavailable("SetStatus", err)
		default:
			return nil, mapError("SetStatus", err)
		}
		if !retry || attempt+1 >= transactAttempts {
			if hasReason(reasons, reasonConflict) {
				return nil, unavailable("SetStatus", err)
			}
			return nil, meldwijzer.Errorf(meldwijzer.ECONFLICT, "the report changed while its status was set; try again")
		}
		if err := backoff(ctx, attempt); err != nil {
			return nil, mapError("SetStatus", err)
		}
	}
}

// statusItems writes next, the report as meldwijzer.Report.SetStatus left it, over it, the
// item it was read from.
func (s *Store) statusItems(it *reportItem, next *meldwijzer.Report, withIdem, withReceipt bool) (items []types.TransactWriteItem, iIdem, iReceipt int, err error) {
	iIdem, iReceipt = -1, -1
	status := next.Status
	exp := ttl(next.ExpiresAt)
	// set sets an attribute, or removes it for a zero time or TTL.
	set := func(u expression.UpdateBuilder, name string, v any, zero bool) expression.UpdateBuilder {
		if zero {
			return u.Remove(expression.Name(name))
		}
		return u.Set(expression.Name(name), expression.Value(v))
	}
	setTTL := func(u expression.UpdateBuilder, v int64) expression.UpdateBuilder { return set(u, attrTTL, v, v == 0) }
	setTime := func(u expression.UpdateBuilder, name string, t time.Time) expression.UpdateBuilder {
		return set(u, name, fmtTime(t), t.IsZero())
	}

	// The report.
	upd := expression.Set(expression.Name("status"), expression.Value(status))
	upd = setTime(upd, "updatedAt", next.UpdatedAt)
	if !next.AcknowledgedAt.IsZero() { // an answer written meanwhile may have acknowledged it first
		upd = upd.Set(expression.Name("acknowledgedAt"), expression.Name("acknowledgedAt").IfNotExists(expression.Value(fmtTime(next.AcknowledgedAt))))
	}
	upd = setTime(upd, "closedAt", next.ClosedAt)
	upd = setTime(upd, "expires", next.ExpiresAt)
	upd = setTTL(upd, exp)
	cond := expression.And(exists(), expression.Name("status").Equal(expression.Value(it.Status)))
	if it.AckAt == "" {
		// The deadline counts below assume it unacknowledged: an answer that acknowledged it
		// meanwhile fails the write, which reads it again.
		cond = cond.And(expression.Name("acknowledgedAt").AttributeNotExists())
	}
	u, err := s.update(key(it.PK, it.SK), upd, &cond)
	if err != nil {
		return nil, 0, 0, err
	}
	items = append(items, types.TransactWriteItem{Update: u})

	// The list index entries: the per-status one moves, both carry the TTL.
	created := &indexItem{PK: it.PK, SK: createdSK(it), Type: typeIndex, ID: it.ID, ExpiresTTL: exp}
	byStatus := &indexItem{PK: it.PK, SK: statusSK(status, it), Type: typeIndex, ID: it.ID, ExpiresTTL: exp}
	for _, v := range []*indexItem{created, byStatus} {
		item, err := attributevalue.MarshalMap(v)
		if err != nil {
			return nil, 0, 0, err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: item}})
	}
	if it.Status != status {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{
			TableName: aws.String(s.table), Key: key(it.PK, statusSK(it.Status, it)),
		}})
	}
	// The open index entry: put on reopening, deleted on closing (open entries carry no TTL).
	switch wasOpen, isOpen := meldwijzer.Open(it.Status), meldwijzer.Open(status); {
	case isOpen && !wasOpen:
		item, err := attributevalue.MarshalMap(&indexItem{PK: it.PK, SK: openSK(it), Type: typeIndex, ID: it.ID})
		if err != nil {
			return nil, 0, 0, err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: item}})
	case wasOpen && !isOpen:
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{
			TableName: aws.String(s.table), Key: key(it.PK, openSK(it)),
		}})
	}

	// The deadline counts and the deadline index entry.
	before, err := it.report()
	if err != nil {
		return nil, 0, 0, err
	}
	due, err := s.dueItems(it.Institution, meldwijzer.DueChange(before, next))
	if err != nil {
		return nil, 0, 0, err
	}
	items = append(items, due...)
	moved, err := s.deadlineItems(it.PK, it.Created, before, next)
	if err != nil {
		return nil, 0, 0, err
	}
	items = append(items, moved...)

	// The receipt index and the idempotency record, if they still exist.
	ex := exists()
	if it.ReceiptHash != "" && withReceipt {
		u, err := s.update(key(receiptPK(it.ReceiptHash), skReceipt), setTTL(expression.UpdateBuilder{}, exp), &ex)
		if err != nil {
			return nil, 0, 0, err
		}
		iReceipt = len(items)
		items = append(items, types.TransactWriteItem{Update: u})
	}
	if it.IdemKeyHash != "" && withIdem {
		// The record keeps its own expiry; closing can only bring it forward.
		own, err := parseTime(it.IdemExpires)
		if err != nil {
			return nil, 0, 0, err
		}
		v := ttl(own)
		if exp != 0 && (v == 0 || exp < v) {
			v = exp
		}
		u, err := s.update(key(idemPK(it.IdemKeyHash), skIdem), setTTL(expression.UpdateBuilder{}, v), &ex)
		if err != nil {
			return nil, 0, 0, err
		}
		iIdem = len(items)
		items = append(items, types.TransactWriteItem{Update: u})
	}
	return items, iIdem, iReceipt, nil
}

// dueItems adds change to the deadline counts, one update per deadline (in key order).
func (s *Store) dueItems(institution string, change map[meldwijzer.DueKey]int) ([]types.TransactWriteItem, error) {
	keys := slices.SortedFunc(maps.Keys(change), func(a, b meldwijzer.DueKey) int {
		return strings.Compare(dueSK(a), dueSK(b))
	})
	var items []types.TransactWriteItem
	for _, k := range keys {
		upd := expression.Add(expression.Name("n"), expression.Value(change[k])).
			Set(expression.Name("type"), expression.Value(typeDue)).
			Set(expression.Name("kind"), expression.Value(k.Kind)).
			Set(expression.Name("by"), expression.Value(ts(k.By)))
		u, err := s.update(key(instPK(institution), dueSK(k)), upd, nil)
		if err != nil {
			return nil, err
		}
		items = append(items, types.TransactWriteItem{Update: u})
	}
	return items, nil
}
