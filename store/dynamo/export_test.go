package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// CreateTableWithoutTTL creates the table without TTL, for tests whose times lie in the past:
// DynamoDB Local deletes expired items within a second, the contract suite has no clock, and
// its reports are from 2025.
func CreateTableWithoutTTL(ctx context.Context, client *dynamodb.Client, table string) error {
	return createTable(ctx, client, table, false)
}

// SKSeq is the sort key of an institution's report sequence counter.
const SKSeq = skSeq
