package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"meldwijzer"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/storetest"
)

// local is the one DynamoDB Local (in memory) of this test binary; each store gets its own table.
var local *dynamolocal.Local

func TestMain(m *testing.M) {
	l, err := dynamolocal.Launch(dynamolocal.Options{})
	if err != nil {
		// Fail, never skip: CI must not pass without testing the adapter.
		fmt.Fprintf(os.Stderr, "FAIL: store/dynamo needs DynamoDB Local: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("dynamolocal: DynamoDB Local started in %v\n", l.StartupTime.Round(time.Millisecond))
	local = l
	code := m.Run()
	l.Stop()
	if n, ok := ops.Load("Scan"); ok && n.(*atomic.Int64).Load() > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the store called Scan %d times; every read must be a GetItem, Query or BatchGetItem\n", n.(*atomic.Int64).Load())
		code = 1
	}
	os.Exit(code)
}

// ops counts the DynamoDB operations of every store in this binary, to prove there is no Scan.
var ops sync.Map // operation name → *atomic.Int64

func recordOps(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("recordOps",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			n, _ := ops.LoadOrStore(awsmiddleware.GetOperationName(ctx), new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

func client(l *dynamolocal.Local) *dynamodb.Client {
	return dynamodb.New(l.Client().Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, recordOps)
	})
}

var tableSeq atomic.Int64
var nonName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// newTable creates a fresh table on l with a name unique in this binary, WITHOUT TTL: DynamoDB
// Local deletes expired items within a second, and the tests' times (like the contract suite's)
// lie in the past. Tests of TTL itself use newTTLTable.
func newTable(t *testing.T, l *dynamolocal.Local) string {
	t.Helper()
	name := tableName(t)
	if err := dynamo.CreateTableWithoutTTL(t.Context(), l.Client(), name); err != nil {
		t.Fatal(err)
	}
	return name
}

// newTTLTable creates a fresh table as dynamo.CreateTable does, with TTL on expiresAt.
func newTTLTable(t *testing.T, l *dynamolocal.Local) string {
	t.Helper()
	name := tableName(t)
	if err := dynamo.CreateTable(t.Context(), l.Client(), name); err != nil {
		t.Fatal(err)
	}
	return name
}

func tableName(t *testing.T) string {
	name := nonName.ReplaceAllString(t.Name(), "-")
	if len(name) > 180 {
		name = name[:180]
	}
	return fmt.Sprintf("mw-%d-%s", tableSeq.Add(1), name)
}

// open is the contract suite's constructor: a store on a fresh table.
func open(t *testing.T) meldwijzer.ReportStore {
	s := dynamo.New(client(local), newTable(t, local))
	t.Cleanup(func() { s.Close() })
	return s
}

// TestContract runs the ReportStore contract suite, each subtest on a fresh table.
func TestContract(t *testing.T) {
	storetest.Run(t, open)
}

// TestInstitutionContract runs the InstitutionStore contract suite, each subtest on a fresh table.
func TestInstitutionContract(t *testing.T) {
	storetest.RunInstitutions(t, func(t *testing.T) meldwijzer.InstitutionStore {
		return open(t).(*dynamo.Store)
	})
}

// TestInstitutionReadContract: the adapter reads what it wrote (store/dynamoread runs the same
// suite, reading what this adapter wrote).
func TestInstitutionReadContract(t *testing.T) {
	storetest.RunInstitutionReads(t, func(t *testing.T) (meldwijzer.InstitutionStore, meldwijzer.InstitutionReader) {
		s := open(t).(*dynamo.Store)
		return s, s
	})
}
