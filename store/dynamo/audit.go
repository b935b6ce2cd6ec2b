package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// The audit log's items, in partitions of their own (never the report partition INST#<inst>,
// whose items expire with the reports):
//
//	AUDIT#<inst>     <at>#<seq>  one entry; no expiresAt: entries never expire
//	AUDITSEQ#<inst>  SEQ         the institution's entry counter (ADD n 1)
//
// <at> is ts(At): fixed-width UTC with nanoseconds; <seq> is the counter's value, 20 digits. So
// the sort key orders by time and then by append order, and is unique: a Query of the partition,
// newest first, is the log. Appending costs two writes (the counter, then the entry); a counter
// value lost to a failed put leaves a gap in the sequence, which is harmless.

var _ meldwijzer.AuditLog = (*Store)(nil)

const (
	typeAudit    = "audit"
	typeAuditSeq = "auditSeq"
	skAuditSeq   = "SEQ"
	// auditCursorScope takes the place of the status filter in an audit cursor: no status is
	// called so, so that an audit cursor is never a Reports cursor, nor the other way round.
	auditCursorScope = "#audit"
	auditSeqDigits   = 20
)

func auditPK(inst string) string    { return PrefixAudit + inst }
func auditSeqPK(inst string) string { return PrefixAuditSeq + inst }
func auditSK(at time.Time, seq int64) string {
	return fmt.Sprintf("%s#%0*d", ts(at), auditSeqDigits, seq)
}

// validAuditSK reports whether sk has the form of auditSK.
func validAuditSK(sk string) bool {
	at, seq, ok := strings.Cut(sk, "#")
	if !ok || len(at) != len(tsLayout) || len(seq) != auditSeqDigits {
		return false
	}
	if _, err := time.Parse(tsLayout, at); err != nil {
		return false
	}
	_, err := strconv.ParseUint(seq, 10, 64)
	return err == nil
}

type auditItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Type        string `dynamodbav:"type"`
	Institution string `dynamodbav:"institution"`
	At          string `dynamodbav:"at"`
	Actor       string `dynamodbav:"actor"`
	Role        string `dynamodbav:"role,omitempty"`
	Action      string `dynamodbav:"action"`
	ReportID    string `dynamodbav:"reportId,omitempty"`
	Detail      string `dynamodbav:"detail,omitempty"`
}

func (it *auditItem) entry() (meldwijzer.AuditEntry, error) {
	at, err := parseTime(it.At)
	if err != nil {
		return meldwijzer.AuditEntry{}, fmt.Errorf("audit entry %s: %w", it.SK, err)
	}
	return meldwijzer.AuditEntry{
		Institution: it.Institution, At: at, Actor: it.Actor, Role: it.Role, Action: it.Action,
		ReportID: it.ReportID, Detail: it.Detail,
	}, nil
}

// AppendAudit takes the next value of the institution's counter and puts the entry under it,
// on the condition that the key is new.
func (s *Store) AppendAudit(ctx context.Context, e meldwijzer.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		seq, err := s.nextAuditSeq(ctx, e.Institution)
		if err != nil {
			return err
		}
		it := &auditItem{
			PK: auditPK(e.Institution), SK: auditSK(e.At, seq), Type: typeAudit,
			Institution: e.Institution, At: fmtTime(e.At), Actor: e.Actor, Role: e.Role,
			Action: e.Action, ReportID: e.ReportID, Detail: e.Detail,
		}
		p, err := s.put(it, notExists())
		if err != nil {
			return fmt.Errorf("dynamo: building AppendAudit: %w", err)
		}
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression,
			ExpressionAttributeNames: p.ExpressionAttributeNames, ExpressionAttributeValues: p.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			return mapError("AppendAudit", err)
		}
		// The key is taken. When by this very entry, the SDK retried a put whose answer was
		// lost: it is stored once. Else the counter went back (it was restored or deleted):
		// take another value.
		var old auditItem
		if len(ccf.Item) > 0 && attributevalue.UnmarshalMap(ccf.Item, &old) == nil && old == *it {
			return nil
		}
		if attempt+1 >= transactAttempts {
			return fmt.Errorf("dynamo: AppendAudit: %d keys in a row were taken in %s", attempt+1, it.PK)
		}
	}
}

// nextAuditSeq adds one to the institution's audit counter and returns the new value.
func (s *Store) nextAuditSeq(ctx context.Context, inst string) (int64, error) {
	return s.nextSeq(ctx, "AppendAudit", key(auditSeqPK(inst), skAuditSeq), typeAuditSeq)
}

// nextSeq adds one to the counter item at k and returns the new value.
func (s *Store) nextSeq(ctx context.Context, op string, k map[string]types.AttributeValue, typ string) (int64, error) {
	upd := expression.Add(expression.Name("n"), expression.Value(1)).
		Set(expression.Name("type"), expression.Value(typ))
	u, err := s.update(k, upd, nil)
	if err != nil {
		return 0, fmt.Errorf("dynamo: building %s: %w", op, err)
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
		ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
		ReturnValues: types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, mapError(op, err)
	}
	var c struct {
		N int64 `dynamodbav:"n"`
	}
	if err := attributevalue.UnmarshalMap(out.Attributes, &c); err != nil || c.N <= 0 {
		return 0, fmt.Errorf("dynamo: %s: bad counter %v: %v", op, out.Attributes, err)
	}
	return c.N, nil
}

// Audit queries the institution's audit partition newest first, one entry past the page to know
// whether there is a next. The cursor is the sort key of the page's last entry.
func (s *Store) Audit(ctx context.Context, inst, cursor string, limit int) ([]meldwijzer.AuditEntry, string, error) {
	if inst == "" {
		return nil, "", meldwijzer.ErrNoInstitution
	}
	limit = meldwijzer.PageSize(limit, meldwijzer.MaxAuditPage)
	pk := auditPK(inst)
	var startSK string
	if cursor != "" {
		var err error
		if startSK, err = decodeCursor(cursor, inst, auditCursorScope, ""); err != nil {
			return nil, "", err
		}
		if !validAuditSK(startSK) {
			return nil, "", meldwijzer.ErrBadCursor
		}
	}
	kc := expression.Key(attrPK).Equal(expression.Value(pk))
	out, nextSK, err := queryPage(ctx, s, "Audit", kc, pk, startSK, limit, func(raw []map[string]types.AttributeValue) ([]meldwijzer.AuditEntry, []string, error) {
		var items []auditItem
		if err := attributevalue.UnmarshalListOfMaps(raw, &items); err != nil {
			return nil, nil, fmt.Errorf("dynamo: Audit: %w", err)
		}
		var out []meldwijzer.AuditEntry
		var sks []string
		for _, it := range items {
			if it.Type != typeAudit || it.Institution != inst {
				continue
			}
			e, err := it.entry()
			if err != nil {
				return nil, nil, fmt.Errorf("dynamo: Audit: %w", err)
			}
			out, sks = append(out, e), append(sks, it.SK)
		}
		return out, sks, nil
	})
	if err != nil || nextSK == "" {
		return out, "", err
	}
	return out, encodeCursor(inst, auditCursorScope, nextSK), nil
}
