package dynamo

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

// Page sizes of Reports.
const (
	DefaultLimit = meldwijzer.DefaultPageSize
	MaxLimit     = meldwijzer.MaxReportsPage
)

// Cursors are the position after the last item of a page: the sort key of its item, bound to
// the institution and the listing (a status filter, or the audit log). They are signed with a
// fixed key: an integrity check that makes any altered, truncated or made-up cursor
// ErrBadCursor. It is not a secret: a forged cursor gains nothing, as the partition key always
// comes from the caller's institution, never from the cursor.
var cursors = cursor.New([]byte("meldwijzer/store/dynamo cursor v1"))

func encodeCursor(institution, listing, sk string) string {
	return cursors.Encode(cursor.Scope(institution, listing), []byte(sk))
}

func decodeCursor(c, institution, listing, prefix string) (string, error) {
	sk, err := cursors.Decode(cursor.Scope(institution, listing), c)
	if err != nil || !strings.HasPrefix(string(sk), prefix) {
		return "", meldwijzer.ErrBadCursor
	}
	return string(sk), nil
}

// queryPage queries one partition newest first (the key condition kc) from the cursor's sort
// key startSK, until page has one item past limit or the partition ends: a page of limit items
// and the sort key of its last one when there is more ("" at the end). items turns each Query
// page into the listed items and their sort keys; it may leave items out.
func queryPage[T any](ctx context.Context, s *Store, op string, kc expression.KeyConditionBuilder, pk, startSK string, limit int,
	items func(raw []map[string]types.AttributeValue) ([]T, []string, error)) (page []T, nextSK string, err error) {
	return queryPageDir(ctx, s, op, kc, pk, startSK, limit, false, items)
}

// queryPageDir is queryPage in either direction: forward lists the sort keys ascending.
func queryPageDir[T any](ctx context.Context, s *Store, op string, kc expression.KeyConditionBuilder, pk, startSK string, limit int, forward bool,
	items func(raw []map[string]types.AttributeValue) ([]T, []string, error)) (page []T, nextSK string, err error) {
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: building %s: %w", op, err)
	}
	var start map[string]types.AttributeValue
	if startSK != "" {
		start = key(pk, startSK)
	}
	var sks []string
	for len(page) <= limit {
		q, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(s.table),
			KeyConditionExpression:    expr.KeyCondition(),
			ExpressionAttributeNames:  expr.Names(),
			ExpressionAttributeValues: expr.Values(),
			ScanIndexForward:          aws.Bool(forward),
			ConsistentRead:            aws.Bool(true),
			Limit:                     aws.Int32(int32(limit + 1 - len(page))),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, "", mapError(op, err)
		}
		got, keys, err := items(q.Items)
		if err != nil {
			return nil, "", err
		}
		page, sks = append(page, got...), append(sks, keys...)
		if start = q.LastEvaluatedKey; len(start) == 0 {
			break
		}
	}
	if len(page) > limit {
		return page[:limit], sks[limit-1], nil
	}
	return page, "", nil
}

// Reports lists an institution's reports newest first (CreatedAt, then ID, both descending).
// It queries a list index partition (all reports, one status, or the open ones), whose entries are small, and
// reads the page's reports with one strongly consistent BatchGetItem: no read is spent on
// reports of another status. It reads one entry past the page to know whether there is a next.
func (s *Store) Reports(ctx context.Context, f meldwijzer.ReportFilter) ([]*meldwijzer.Report, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	limit := meldwijzer.PageSize(f.Limit, meldwijzer.MaxReportsPage)
	pk := instPK(f.Institution)
	prefix := createdPrefix()
	if f.Status != "" {
		prefix = statusPrefix(f.Status)
	}
	listing := f.Status
	kc := expression.Key(attrPK).Equal(expression.Value(pk)).And(expression.Key(attrSK).BeginsWith(prefix))
	if f.Sort == meldwijzer.SortDeadline {
		prefix, listing, kc = deadlinePrefix(), "deadline:"+f.Status, deadlineKeyCondition(pk, f.DueBefore)
	}
	var startSK string
	if f.Cursor != "" {
		var err error
		if startSK, err = decodeCursor(f.Cursor, f.Institution, listing, prefix); err != nil {
			return nil, "", err
		}
	}
	out, nextSK, err := queryPageDir(ctx, s, "Reports", kc, pk, startSK, limit, f.Sort == meldwijzer.SortDeadline, func(raw []map[string]types.AttributeValue) ([]*meldwijzer.Report, []string, error) {
		var entries []indexItem
		if err := attributevalue.UnmarshalListOfMaps(raw, &entries); err != nil {
			return nil, nil, fmt.Errorf("dynamo: Reports: %w", err)
		}
		ids := make([]string, len(entries))
		for i, e := range entries {
			ids[i] = e.ID
		}
		reports, err := s.batchReports(ctx, f.Institution, ids)
		if err != nil {
			return nil, nil, err
		}
		var out []*meldwijzer.Report
		var sks []string
		for _, e := range entries {
			it, ok := reports[e.ID]
			// An entry outlives its report only briefly (TTL deletes items one by one), and a
			// status may change between the Query and the read: leave such entries out.
			if !ok || !f.Matches(it.Status) {
				continue
			}
			r, err := it.report()
			if err != nil {
				return nil, nil, err
			}
			out, sks = append(out, r), append(sks, e.SK)
		}
		return out, sks, nil
	})
	if err != nil || nextSK == "" {
		return out, "", err
	}
	return out, encodeCursor(f.Institution, listing, nextSK), nil
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
	var items []countItem
	if err := queryAll(ctx, s, "Counts", kc, &items); err != nil {
		return nil, err
	}
	for _, c := range items {
		counts = append(counts, meldwijzer.Count{CountKey: meldwijzer.CountKey{
			Institution: c.Institution, Month: c.Month, Dimension: c.Dimension, Value: c.Value,
		}, N: c.N})
	}
	return counts, nil
}

// Due queries the institution's deadline counts (sk begins with DUE#): one item per deadline,
// so one or two Query pages, whatever the number of reports. Counts at zero are left out.
func (s *Store) Due(ctx context.Context, institution string) ([]meldwijzer.Due, error) {
	if institution == "" {
		return nil, meldwijzer.ErrNoInstitution
	}
	kc := expression.Key(attrPK).Equal(expression.Value(instPK(institution))).
		And(expression.Key(attrSK).BeginsWith(duePrefix()))
	var items []dueItem
	if err := queryAll(ctx, s, "Due", kc, &items); err != nil {
		return nil, err
	}
	var out []meldwijzer.Due
	for _, d := range items {
		if d.N == 0 {
			continue
		}
		by, err := time.Parse(tsLayout, d.By)
		if err != nil {
			return nil, fmt.Errorf("dynamo: Due: %w", err)
		}
		out = append(out, meldwijzer.Due{DueKey: meldwijzer.DueKey{Kind: d.Kind, By: by.UTC()}, N: d.N})
	}
	return out, nil
}

// queryAll reads every item of the key condition kc, strongly consistent, into out (a pointer
// to a slice of item structs).
func queryAll[T any](ctx context.Context, s *Store, op string, kc expression.KeyConditionBuilder, out *[]T) error {
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return fmt.Errorf("dynamo: building %s: %w", op, err)
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
			return mapError(op, err)
		}
		var items []T
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			return fmt.Errorf("dynamo: %s: %w", op, err)
		}
		*out = append(*out, items...)
	}
	return nil
}
