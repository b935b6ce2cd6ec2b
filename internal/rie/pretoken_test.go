package rie_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/internal/rie"
	"meldwijzer/store/dynamo"
)

// The pre-token-generation trigger's real arm64 bootstrap answers real Cognito trigger events
// (signin/testdata) against DynamoDB Local: a SURFconext user of a registered domain gets the
// institution and the role its school group maps to; an unknown domain gets neither; an
// operator-made account keeps its institution and pool groups.
func TestPreTokenUnderRIE(t *testing.T) {
	helloBaseline(t)
	ctx := context.Background()
	local := dynamolocal.Start(t, dynamolocal.Options{})
	table := fmt.Sprintf("meldwijzer-rie-%d", time.Now().UnixNano())
	if err := dynamo.CreateTable(ctx, local.Client(), table); err != nil {
		t.Fatal(err)
	}
	var s any = dynamo.New(local.Client(), table)
	insts, ok := s.(meldwijzer.InstitutionStore)
	if !ok {
		t.Fatal("store/dynamo does not implement meldwijzer.InstitutionStore: the trigger reads the institutions branch's domain index (merge it first)")
	}
	if err := insts.PutInstitution(ctx, &meldwijzer.Institution{ID: "voorbeeldschool", Name: "Voorbeeldschool",
		Domains:  []string{"voorbeeldschool.example"},
		Groups:   map[string]string{"urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen": auth.RoleHandler},
		Contacts: []meldwijzer.Contact{}, Updated: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}

	path := bootstrap(t, "pretoken")
	fn := rie.Start(t, path, map[string]string{
		config.EnvTable:            table,
		"AWS_ACCESS_KEY_ID":        "local",
		"AWS_SECRET_ACCESS_KEY":    "local",
		config.EnvDynamoDBEndpoint: local.Endpoint,
	})
	federated := readFile(t, "../../signin/testdata/pretokengen-v2-surfconext.json")
	type answer struct {
		Response struct {
			Details struct {
				IDTokenGeneration struct {
					ClaimsToAddOrOverride map[string]any
					ClaimsToSuppress      []string
				}
				GroupOverrideDetails struct{ GroupsToOverride []string }
			} `json:"claimsAndScopeOverrideDetails"`
			V1 struct {
				ClaimsToAddOrOverride map[string]string
				GroupOverrideDetails  struct{ GroupsToOverride []string }
			} `json:"claimsOverrideDetails"`
		}
	}
	invoke := func(event []byte) answer {
		t.Helper()
		var a answer
		if out := fn.Invoke(t, event); json.Unmarshal(out, &a) != nil {
			t.Fatalf("not a trigger answer: %s", out)
		}
		return a
	}

	got := invoke(federated)
	cold := measure(t, fn, path)
	add := got.Response.Details.IDTokenGeneration.ClaimsToAddOrOverride
	if add["institution"] != "voorbeeldschool" || add["role"] != auth.RoleHandler ||
		!slices.Equal(got.Response.Details.GroupOverrideDetails.GroupsToOverride, []string{auth.RoleHandler}) {
		t.Errorf("a mapped SURFconext user: %+v", got.Response.Details)
	}

	var e map[string]any
	_ = json.Unmarshal(federated, &e)
	e["request"].(map[string]any)["userAttributes"].(map[string]any)["custom:schac_home"] = "andereschool.example"
	unknown, _ := json.Marshal(e)
	began := time.Now()
	got = invoke(unknown)
	warm := time.Since(began)
	if d := got.Response.Details; d.IDTokenGeneration.ClaimsToAddOrOverride["institution"] != nil || len(d.GroupOverrideDetails.GroupsToOverride) != 0 ||
		!slices.Contains(d.IDTokenGeneration.ClaimsToSuppress, "custom:institution") {
		t.Errorf("an unknown domain: %+v", d)
	}

	got = invoke(readFile(t, "../../signin/testdata/pretokengen-v1-admin-created.json"))
	if v1 := got.Response.V1; v1.ClaimsToAddOrOverride["institution"] != "voorbeeldschool" ||
		!slices.Equal(v1.GroupOverrideDetails.GroupsToOverride, []string{auth.RoleAdmin, auth.RoleViewer}) {
		t.Errorf("an operator-made account (V1): %+v", v1)
	}
	report(t, fn, cold, fmt.Sprintf(", warm invoke %v", ms(warm)))
}
