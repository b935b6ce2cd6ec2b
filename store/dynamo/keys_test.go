package dynamo_test

import (
	"testing"

	"meldwijzer"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/storetest"
)

// TestKeysContract runs the KeyStore contract suite on the shared DynamoDB Local, each subtest
// on a fresh keys table (without TTL: the suite's times lie in the past).
func TestKeysContract(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) meldwijzer.KeyStore {
		name := tableName(t)
		if err := dynamo.CreateKeysTable(t.Context(), local.Client(), name, false); err != nil {
			t.Fatal(err)
		}
		return dynamo.NewKeys(client(local), name)
	})
}
