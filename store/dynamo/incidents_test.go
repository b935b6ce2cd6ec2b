package dynamo_test

import (
	"testing"

	"meldwijzer"
	"meldwijzer/store/dynamo"
	"meldwijzer/store/storetest"
)

// TestIncidentContract runs the IncidentStore contract on the shared DynamoDB Local.
func TestIncidentContract(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) meldwijzer.IncidentStore {
		s := dynamo.New(client(local), newTable(t, local))
		t.Cleanup(func() { s.Close() })
		return s
	})
}
