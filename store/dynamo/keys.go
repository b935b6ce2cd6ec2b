// The wrapped data keys, in a second table of their own: the reports table has point-in-time
// recovery, this one must never have it (nor on-demand backups), so that deleting a key here
// deletes the report's text in every backup of the reports table too.
//
// Items (string keys pk and sk, like the reports table):
//
//	pk KEY#<institution>   sk <kind>#<id>               wrappedKey (B), keyExpires (S), expiresAt (N, TTL)
//	pk EXPIRES             sk <expires>#<inst>#<kind>#<id>  expiresAt (N, TTL)
//
// On AWS DynamoDB's TTL deletes an expired key (usually within days; the service hides the
// text from the moment it expires). SweepKeys deletes them at once, from the EXPIRES index
// (one small partition: a school closes a few reports a week), for the local server on
// DynamoDB and to prove the deletion on DynamoDB Local, which has no TTL clock to wait for.

package dynamo

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// The key table's partitions (the CDK grants name them in dynamodb:LeadingKeys).
const (
	PrefixKey   = "KEY#"
	PartExpires = "EXPIRES"
)

// Keys is a meldwijzer.KeyStore on the keys table.
type Keys struct {
	db    *dynamodb.Client
	table string
}

var _ meldwijzer.KeyStore = (*Keys)(nil)

// NewKeys returns the key store on table; it does no I/O.
func NewKeys(client *dynamodb.Client, table string) *Keys { return &Keys{db: client, table: table} }

// CreateKeysTable creates the keys table for tests and local use (the same keys as the reports
// table, TTL on expiresAt when withTTL). In AWS the table comes from the CDK stack.
func CreateKeysTable(ctx context.Context, client *dynamodb.Client, table string, withTTL bool) error {
	return createTable(ctx, client, table, withTTL)
}

// Close releases nothing: the client belongs to the caller.
func (k *Keys) Close() error { return nil }

func keyItemKey(ref meldwijzer.KeyRef) (map[string]types.AttributeValue, error) {
	for _, p := range []string{ref.Institution, ref.Kind, ref.ID} {
		if p == "" || strings.Contains(p, "#") {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "a data key needs an institution, a kind and an id")
		}
	}
	return key(PrefixKey+ref.Institution, ref.Kind+"#"+ref.ID), nil
}

func expiresSK(expires string, ref meldwijzer.KeyRef) string {
	return expires + "#" + ref.Institution + "#" + ref.Kind + "#" + ref.ID
}

// expiresText is a sortable text of an expiry: byte order is time order.
func expiresText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// PutKey stores ref's wrapped key; meldwijzer.ErrKeyTaken when it has one.
func (k *Keys) PutKey(ctx context.Context, ref meldwijzer.KeyRef, wrapped []byte) error {
	item, err := keyItemKey(ref)
	if err != nil {
		return err
	}
	item["wrappedKey"] = &types.AttributeValueMemberB{Value: wrapped}
	_, err = k.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(k.table), Item: item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	var cond *types.ConditionalCheckFailedException
	if errors.As(err, &cond) {
		return meldwijzer.ErrKeyTaken
	}
	return mapError("put key", err)
}

// Key returns ref's wrapped key (a strongly consistent read: a key just made must be found).
func (k *Keys) Key(ctx context.Context, ref meldwijzer.KeyRef) ([]byte, error) {
	kk, err := keyItemKey(ref)
	if err != nil {
		return nil, err
	}
	out, err := k.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(k.table), Key: kk, ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("wrappedKey"),
	})
	if err != nil {
		return nil, mapError("key", err)
	}
	b, ok := out.Item["wrappedKey"].(*types.AttributeValueMemberB)
	if !ok {
		return nil, meldwijzer.ErrKeyNotFound
	}
	return b.Value, nil
}

// SetKeyExpiry sets when ref's key is deleted (zero: never), moving its EXPIRES entry with it
// in one transaction.
func (k *Keys) SetKeyExpiry(ctx context.Context, ref meldwijzer.KeyRef, at time.Time) error {
	kk, err := keyItemKey(ref)
	if err != nil {
		return err
	}
	out, err := k.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(k.table), Key: kk, ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("keyExpires"),
	})
	if err != nil {
		return mapError("set key expiry", err)
	}
	if out.Item == nil {
		return meldwijzer.ErrKeyNotFound
	}
	var old string
	if s, ok := out.Item["keyExpires"].(*types.AttributeValueMemberS); ok {
		old = s.Value
	}
	var items []types.TransactWriteItem
	if old != "" {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{
			TableName: aws.String(k.table), Key: key(PartExpires, expiresSK(old, ref)),
		}})
	}
	upd := &types.Update{TableName: aws.String(k.table), Key: kk, ConditionExpression: aws.String("attribute_exists(pk)")}
	if at.IsZero() {
		upd.UpdateExpression = aws.String("REMOVE keyExpires, expiresAt")
	} else {
		ttl := &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Unix(), 10)}
		upd.UpdateExpression = aws.String("SET keyExpires = :e, expiresAt = :t")
		upd.ExpressionAttributeValues = map[string]types.AttributeValue{
			":e": &types.AttributeValueMemberS{Value: expiresText(at)}, ":t": ttl,
		}
		entry := key(PartExpires, expiresSK(expiresText(at), ref))
		entry[attrTTL] = ttl
		if expiresText(at) != old {
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(k.table), Item: entry}})
		} else {
			items = items[:0] // the same expiry: keep the entry
		}
	}
	items = append(items, types.TransactWriteItem{Update: upd})
	_, err = k.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var cancelled *types.TransactionCanceledException
	if errors.As(err, &cancelled) {
		for _, r := range cancelled.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return meldwijzer.ErrKeyNotFound
			}
		}
	}
	return mapError("set key expiry", err)
}

// DeleteKey deletes ref's key now (its EXPIRES entry, if any, finds no key and goes with the
// next sweep or TTL).
func (k *Keys) DeleteKey(ctx context.Context, ref meldwijzer.KeyRef) error {
	kk, err := keyItemKey(ref)
	if err != nil {
		return err
	}
	_, err = k.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(k.table), Key: kk})
	return mapError("delete key", err)
}

// SweepKeys deletes every key whose expiry is before now, then its EXPIRES entry. A key whose
// expiry was moved meanwhile (a reopened report) is kept: the delete is conditioned on the
// expiry the entry names.
func (k *Keys) SweepKeys(ctx context.Context, now time.Time) (int, error) {
	deleted := 0
	var start map[string]types.AttributeValue
	for {
		out, err := k.db.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(k.table),
			KeyConditionExpression: aws.String("pk = :p AND sk < :s"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":p": &types.AttributeValueMemberS{Value: PartExpires},
				":s": &types.AttributeValueMemberS{Value: expiresText(now)},
			},
			ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
		})
		if err != nil {
			return deleted, mapError("sweep keys", err)
		}
		for _, it := range out.Items {
			sk := it[attrSK].(*types.AttributeValueMemberS).Value
			parts := strings.SplitN(sk, "#", 4)
			if len(parts) != 4 {
				continue
			}
			ref := meldwijzer.KeyRef{Institution: parts[1], Kind: parts[2], ID: parts[3]}
			kk, err := keyItemKey(ref)
			if err != nil {
				continue
			}
			_, err = k.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
				TableName: aws.String(k.table), Key: kk,
				ConditionExpression:       aws.String("keyExpires = :e"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":e": &types.AttributeValueMemberS{Value: parts[0]}},
			})
			var cond *types.ConditionalCheckFailedException
			switch {
			case err == nil:
				deleted++
			case errors.As(err, &cond): // moved or gone: nothing to delete
			default:
				return deleted, mapError("sweep keys", err)
			}
			if _, err := k.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(k.table), Key: key(PartExpires, sk)}); err != nil {
				return deleted, mapError("sweep keys", err)
			}
		}
		if start = out.LastEvaluatedKey; start == nil {
			return deleted, nil
		}
	}
}
