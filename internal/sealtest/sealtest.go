// Package sealtest makes sealers for tests that run on DynamoDB Local: the wrapped keys in a
// keys table of their own, wrapped by a keyfile master key (KMS has no local emulator; the KMS
// adapter is tested at the SDK's boundary in seal/kms).
package sealtest

import (
	"crypto/rand"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/dynamo"
)

// Dynamo creates the keys table name (without TTL) and returns a sealer on it and its key store.
func Dynamo(tb testing.TB, client *dynamodb.Client, name string) (*seal.Sealer, *dynamo.Keys) {
	tb.Helper()
	if err := dynamo.CreateKeysTable(tb.Context(), client, name, false); err != nil {
		tb.Fatal(err)
	}
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	w, err := keyfile.New(master)
	if err != nil {
		tb.Fatal(err)
	}
	keys := dynamo.NewKeys(client, name)
	return seal.New(w, keys), keys
}
