package main

import (
	"slices"
	"strings"
	"testing"

	"meldwijzer/api"
	"meldwijzer/store/dynamo"
)

// TestIncidentGrants: only the institution function reaches the incidents' partitions, and it
// may neither change nor delete an incident (only add to its counters).
func TestIncidentGrants(t *testing.T) {
	_, _, res := synth(t)
	reaches := map[string]bool{}
	for _, fn := range []string{api.FunctionWegwijzer, api.FunctionMeldpunt, api.FunctionInstitution} {
		for _, s := range roleStatements(t, res, fn) {
			var actions []string
			for _, a := range list(s["Action"]) {
				actions = append(actions, a.(string))
			}
			for _, k := range list(get(s, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys")) {
				key := k.(string)
				if !strings.HasPrefix(key, dynamo.PrefixIncident) && !strings.HasPrefix(key, dynamo.PrefixIncidentCount) {
					continue
				}
				reaches[fn] = true
				if fn != api.FunctionInstitution {
					t.Errorf("%s may reach %s", fn, key)
				}
				if slices.Contains(actions, "dynamodb:DeleteItem") || (strings.HasPrefix(key, dynamo.PrefixIncident) && slices.Contains(actions, "dynamodb:UpdateItem")) {
					t.Errorf("%s may change or delete incidents: %v on %s", fn, actions, key)
				}
			}
		}
	}
	if !reaches[api.FunctionInstitution] {
		t.Error("the institution function, which serves the incidents, cannot reach them")
	}
}
