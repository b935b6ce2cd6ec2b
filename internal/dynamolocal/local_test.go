package dynamolocal_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer/internal/dynamolocal"
)

func TestPersistAcrossRestart(t *testing.T) {
	l := dynamolocal.Start(t, dynamolocal.Options{Persist: true})
	t.Logf("DynamoDB Local start: %v", l.StartupTime)
	ctx := context.Background()
	c := l.Client()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("persist"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Stop()
	began := time.Now()
	if _, err := c.ListTables(ctx, &dynamodb.ListTablesInput{}); err == nil {
		t.Fatal("ListTables answered while stopped")
	} else if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("a stopped emulator took %v to fail", d)
	}
	if err := l.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Logf("DynamoDB Local restart: %v", l.StartupTime)
	out, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TableNames) != 1 || out.TableNames[0] != "persist" {
		t.Fatalf("tables after restart: %v", out.TableNames)
	}
}

func TestInMemory(t *testing.T) {
	l := dynamolocal.Start(t, dynamolocal.Options{})
	t.Logf("DynamoDB Local start: %v", l.StartupTime)
	if _, err := l.Client().ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
}
