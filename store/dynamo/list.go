package dynamo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
)

// Page sizes of Reports.
const (
	DefaultLimit = 50
	MaxLimit     = 100 // one BatchGetItem
)

// cursor is the position after the last report of a page: the sort key of its list index
// entry, bound to the institution and the status filter it was made for. The encoded cursor
// is base64url(mac || json), where mac is a truncated HMAC-SHA256 under a fixed key: it is an
// integrity check that makes any altered, truncated or made-up cursor EINVALID. It is not a
// secret: a forged cursor gains nothing, as the partition key always comes from the caller's
// institution, never from the cursor.
type cursor struct {
	V int    `json:"v"`
	I string `json:"i"`
	S string `json:"s"`
	K string `json:"k"`
}

var (
	cursorKey      = []byte("meldwijzer/store/dynamo cursor v1")
	cursorEncoding = base64.RawURLEncoding.Strict()
)

const cursorMACLen = 16

func cursorMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, cursorKey)
	m.Write(payload)
	return m.Sum(nil)[:cursorMACLen]
}

func encodeCursor(institution, status, sk string) string {
	payload, _ := json.Marshal(cursor{V: 1, I: institution, S: status, K: sk}) // strings always marshal
	return cursorEncoding.EncodeToString(append(cursorMAC(payload), payload...))
}

func decodeCursor(s, institution, status, prefix string) (string, error) {
	if len(s) > 2048 {
		return "", meldwijzer.ErrBadCursor
	}
	b, err := cursorEncoding.DecodeString(s)
	if err != nil || len(b) <= cursorMACLen {
		return "", meldwijzer.ErrBadCursor
	}
	mac, payload := b[:cursorMACLen], b[cursorMACLen:]
	if !hmac.Equal(mac, cursorMAC(payload)) {
		return "", meldwijzer.ErrBadCursor
	}
	var c cursor
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", meldwijzer.ErrBadCursor
	}
	if c.V != 1 || c.I != institution || c.S != status || !strings.HasPrefix(c.K, prefix) {
		return "", meldwijzer.ErrBadCursor
	}
	return c.K, nil
}

// Reports lists an institution's reports newest first (CreatedAt, then ID, both descending).
// It queries a list index partition (all reports, or one status), whose entries are small, and
// reads the page's reports with one strongly consistent BatchGetItem: no read is spent on
// reports of another status. It reads one entry past the page to know whether there is a next.
func (s *Store) Reports(ctx context.Context, f meldwijzer.ReportFilter) ([]*meldwijzer.Report, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	pk := instPK(f.Institution)
	prefix := createdPrefix()
	if f.Status != "" {
		prefix = statusPrefix(f.Status)
	}
	var start map[string]types.AttributeValue
	if f.Cursor != "" {
		sk, err := decodeCursor(f.Cursor, f.Institution, f.Status, prefix)
		if err != nil {
			return nil, "", err
		}
		start = key(pk, sk)
	}
	kc := expression.Key(attrPK).Equal(expression.Value(pk)).And(expression.Key(attrSK).BeginsWith(prefix))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: building Reports: %w", err)
	}

	var (
		out []*meldwijzer.Report
		sks []string
	)
	for len(out) <= limit {
		q, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(s.table),
			KeyConditionExpression:    expr.KeyCondition(),
			ExpressionAttributeNames:  expr.Names(),
			ExpressionAttributeValues: expr.Values(),
			ScanIndexForward:          aws.Bool(false),
			ConsistentRead:            aws.Bool(true),
			Limit:                     aws.Int32(int32(limit + 1 - len(out))),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, "", mapError("Reports", err)
		}
		var entries []indexItem
		if err := attributevalue.UnmarshalListOfMaps(q.Items, &entries); err != nil {
			return nil, "", fmt.Errorf("dynamo: Reports: %w", err)
		}
		ids := make([]string, len(entries))
		for i, e := range entries {
			ids[i] = e.ID
		}
		reports, err := s.batchReports(ctx, f.Institution, ids)
		if err != nil {
			return nil, "", err
		}
		for _, e := range entries {
			it, ok := reports[e.ID]
			// An entry outlives its report only briefly (TTL deletes items one by one), and a
			// status may change between the Query and the read: leave such entries out.
			if !ok || (f.Status != "" && it.Status != f.Status) {
				continue
			}
			r, err := it.report()
			if err != nil {
				return nil, "", err
			}
			out, sks = append(out, r), append(sks, e.SK)
		}
		start = q.LastEvaluatedKey
		if len(start) == 0 {
			break
		}
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(f.Institution, f.Status, sks[limit-1])
	}
	return out, next, nil
}

// batchReports reads reports of one institution by id (at most MaxLimit+1), strongly consistent.
func (s *Store) batchReports(ctx context.Context, institution string, ids []string) (map[string]*reportItem, error) {
	found := make(map[string]*reportItem, len(ids))
	for chunk := range slices.Chunk(ids, 100) {
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = key(instPK(institution), reportSK(id))
		}
		req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt >= transactAttempts {
				return nil, unavailable("Reports", fmt.Errorf("BatchGetItem left %d keys unprocessed", len(req[s.table].Keys)))
			}
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return nil, mapError("Reports", err)
				}
			}
			out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, mapError("Reports", err)
			}
			for _, item := range out.Responses[s.table] {
				var it reportItem
				if err := attributevalue.UnmarshalMap(item, &it); err != nil {
					return nil, fmt.Errorf("dynamo: Reports: %w", err)
				}
				if it.Type == typeReport {
					found[it.ID] = &it
				}
			}
			req = out.UnprocessedKeys
		}
	}
	return found, nil
}

var monthPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)

// Counts queries the institution's count items of months from..to with sk BETWEEN.
func (s *Store) Counts(ctx context.Context, institution, from, to string) ([]meldwijzer.Count, error) {
	if institution == "" {
		return nil, meldwijzer.ErrNoInstitution
	}
	for _, m := range []string{from, to} {
		if !monthPattern.MatchString(m) {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "a month is written YYYY-MM, not %q", m)
		}
	}
	counts := []meldwijzer.Count{}
	if from > to {
		return counts, nil
	}
	// "$" sorts right after "#", so the upper bound takes every dimension of month to.
	kc := expression.Key(attrPK).Equal(expression.Value(instPK(institution))).
		And(expression.Key(attrSK).Between(expression.Value("COUNT#"+from+"#"), expression.Value("COUNT#"+to+"$")))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, fmt.Errorf("dynamo: building Counts: %w", err)
	}
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, mapError("Counts", err)
		}
		var items []countItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			return nil, fmt.Errorf("dynamo: Counts: %w", err)
		}
		for _, c := range items {
			counts = append(counts, meldwijzer.Count{CountKey: meldwijzer.CountKey{
				Institution: c.Institution, Month: c.Month, Dimension: c.Dimension, Value: c.Value,
			}, N: c.N})
		}
	}
	return counts, nil
}
