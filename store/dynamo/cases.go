// Case work: the assignee, internal notes, and the open reports by their next deadline.

package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

func deadlinePrefix() string { return "NEXT#" }

// deadlineSK is the report's entry in the deadline index (ok false: closed, none).
func deadlineSK(r *meldwijzer.Report, created string) (string, bool) {
	by, ok := r.NextDeadline()
	if !ok {
		return "", false
	}
	return deadlinePrefix() + ts(by) + "#" + created + "#" + r.ID, true
}

// deadlineKeyCondition selects the deadline index; with before, only the entries whose
// deadline is before it: "NEXT#<ts(before)>" sorts after every entry of an earlier deadline
// and before every entry of that deadline or a later one (their keys continue with '#').
func deadlineKeyCondition(pk string, before time.Time) expression.KeyConditionBuilder {
	kc := expression.Key(attrPK).Equal(expression.Value(pk))
	if before.IsZero() {
		return kc.And(expression.Key(attrSK).BeginsWith(deadlinePrefix()))
	}
	return kc.And(expression.Key(attrSK).Between(expression.Value(deadlinePrefix()), expression.Value(deadlinePrefix()+ts(before))))
}

// deadlineItems moves the report's deadline index entry from before's next deadline to
// after's, in the transaction that changes what it waits on. Open entries carry no TTL.
func (s *Store) deadlineItems(pk, created string, before, after *meldwijzer.Report) ([]types.TransactWriteItem, error) {
	old, hadOld := deadlineSK(before, created)
	cur, hasCur := deadlineSK(after, created)
	var items []types.TransactWriteItem
	if hadOld && old != cur {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, old)}})
	}
	if hasCur && old != cur {
		item, err := attributevalue.MarshalMap(&indexItem{PK: pk, SK: cur, Type: typeIndex, ID: after.ID})
		if err != nil {
			return nil, err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: item}})
	}
	return items, nil
}

// change reads inst's report id, lets apply decide what to write (changed false: nothing), and
// writes it with one conditional UpdateItem whose condition includes apply's and that the
// report's retention has not changed since the read; when the condition fails, it reads again.
func (s *Store) change(ctx context.Context, op, inst, id string,
	apply func(it *reportItem, r *meldwijzer.Report) (changed bool, upd expression.UpdateBuilder, cond expression.ConditionBuilder, err error)) (*meldwijzer.Report, error) {
	for attempt := 0; ; attempt++ {
		it, err := s.reportItem(ctx, op, inst, id)
		if err != nil {
			return nil, err
		}
		r, err := it.report()
		if err != nil {
			return nil, err
		}
		changed, upd, cond, err := apply(it, r)
		if err != nil || !changed {
			return r, err
		}
		same := expression.Name("expires").AttributeNotExists()
		if it.Expires != "" {
			same = expression.Name("expires").Equal(expression.Value(it.Expires))
		}
		cond = expression.And(exists(), same, cond)
		u, err := s.update(key(it.PK, it.SK), upd, &cond)
		if err != nil {
			return nil, fmt.Errorf("dynamo: building %s: %w", op, err)
		}
		out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
			ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames,
			ExpressionAttributeValues: u.ExpressionAttributeValues, ReturnValues: types.ReturnValueAllNew,
		})
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			if attempt+1 >= transactAttempts {
				return nil, meldwijzer.Errorf(meldwijzer.ECONFLICT, "the report changed meanwhile; try again")
			}
			if err := backoff(ctx, attempt); err != nil {
				return nil, mapError(op, err)
			}
			continue
		}
		if err != nil {
			return nil, mapError(op, err)
		}
		var next reportItem
		if err := attributevalue.UnmarshalMap(out.Attributes, &next); err != nil {
			return nil, fmt.Errorf("dynamo: %s: %w", op, err)
		}
		return next.report()
	}
}

// SetAssignee sets or removes the report's assignee (meldwijzer.Report.SetAssignee).
func (s *Store) SetAssignee(ctx context.Context, inst, id, assignee string, at time.Time) (*meldwijzer.Report, error) {
	if err := meldwijzer.CheckAssignee(assignee); err != nil {
		return nil, err
	}
	return s.change(ctx, "SetAssignee", inst, id, func(_ *reportItem, r *meldwijzer.Report) (bool, expression.UpdateBuilder, expression.ConditionBuilder, error) {
		changed, err := r.SetAssignee(assignee, at)
		upd := expression.Set(expression.Name("assignee"), expression.Value(assignee))
		if assignee == "" {
			upd = expression.Remove(expression.Name("assignee"))
		}
		return changed, upd, exists(), err
	})
}

// AddNote appends an internal note (meldwijzer.Report.AddNote) with one conditional UpdateItem
// that keeps the limits under concurrent writes; lastNote keeps an SDK retry of an append that
// did commit from appending the note twice.
func (s *Store) AddNote(ctx context.Context, inst, id string, n meldwijzer.Note) (*meldwijzer.Report, error) {
	at := fmtTime(n.At)
	sum := sha256.Sum256([]byte(n.Author + "\x00" + at + "\x00" + n.Text))
	last := hex.EncodeToString(sum[:16])
	return s.change(ctx, "AddNote", inst, id, func(it *reportItem, r *meldwijzer.Report) (bool, expression.UpdateBuilder, expression.ConditionBuilder, error) {
		if it.LastNote == last {
			return false, expression.UpdateBuilder{}, expression.ConditionBuilder{}, nil // appended already
		}
		if err := r.AddNote(n); err != nil {
			return false, expression.UpdateBuilder{}, expression.ConditionBuilder{}, err
		}
		notes := expression.Name("notes")
		upd := expression.Set(notes, expression.ListAppend(notes.IfNotExists(expression.Value([]noteItem{})), expression.Value([]noteItem{{Author: n.Author, Text: n.Text, At: at}}))).
			Add(expression.Name("convBytes"), expression.Value(len(n.Text))).
			Set(expression.Name("lastNote"), expression.Value(last))
		cond := expression.And(
			expression.Or(notes.AttributeNotExists(), notes.Size().LessThan(expression.Value(meldwijzer.MaxNotes))),
			expression.Name("convBytes").LessThanEqual(expression.Value(meldwijzer.MaxConversationBytes-len(n.Text))),
			expression.Or(expression.Name("lastNote").AttributeNotExists(), expression.Name("lastNote").NotEqual(expression.Value(last))),
		)
		return true, upd, cond, nil
	})
}
