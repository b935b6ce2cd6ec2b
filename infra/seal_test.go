package main

import (
	"slices"
	"strings"
	"testing"

	"meldwijzer/api"
	"meldwijzer/store/dynamo"
)

// The sealing's infrastructure (docs/design.md, "Sealing and deletion"): a rotating KMS key
// for the data keys, a keys table WITHOUT point-in-time recovery (and with TTL), and grants
// limited by encryption context and partition.
func TestSealing(t *testing.T) {
	_, _, res := synth(t)
	var keysTable, sealKey string
	for id := range ofType(res, "AWS::DynamoDB::GlobalTable") {
		if strings.HasPrefix(id, "KeysTable") {
			keysTable = id
		}
	}
	for id := range ofType(res, "AWS::KMS::Key") {
		if strings.HasPrefix(id, "SealKey") {
			sealKey = id
		}
	}
	if keysTable == "" || sealKey == "" {
		t.Fatalf("keys table %q, seal key %q: want both", keysTable, sealKey)
	}
	k := res[sealKey]
	if k.Properties["EnableKeyRotation"] != true || k.DeletionPolicy != "Retain" {
		t.Errorf("seal key: rotation %v, deletion policy %q; want rotation and Retain", k.Properties["EnableKeyRotation"], k.DeletionPolicy)
	}
	tb := res[keysTable]
	p := tb.Properties
	if get(p, "TimeToLiveSpecification", "AttributeName") != "expiresAt" || get(p, "TimeToLiveSpecification", "Enabled") != true {
		t.Errorf("keys table TTL %v", p["TimeToLiveSpecification"])
	}
	replicas, _ := p["Replicas"].([]any)
	if len(replicas) != 1 {
		t.Fatalf("keys table replicas %v", replicas)
	}
	if pitr := get(replicas[0], "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"); pitr == true {
		t.Errorf("the keys table has point-in-time recovery: deleted keys would stay restorable for 35 days")
	}
	if tb.DeletionPolicy != "Retain" || get(replicas[0], "DeletionProtectionEnabled") != true {
		t.Errorf("keys table: deletion policy %q, protection %v", tb.DeletionPolicy, get(replicas[0], "DeletionProtectionEnabled"))
	}

	sts := statements(res)
	strs := func(v any) []string {
		var out []string
		for _, x := range list(v) {
			s, _ := x.(string)
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	}
	onKeysTable := func(s map[string]any) bool {
		for _, r := range list(s["Resource"]) {
			if ref(r) == keysTable {
				return true
			}
		}
		return false
	}
	onSealKey := func(s map[string]any) bool {
		for _, r := range list(s["Resource"]) {
			if ref(r) == sealKey {
				return true
			}
		}
		return false
	}
	wantKMS := map[string][]string{
		api.FunctionMeldpunt:    {"kms:Decrypt", "kms:GenerateDataKey"},
		api.FunctionInstitution: {"kms:Decrypt", "kms:GenerateDataKey"},
		api.FunctionWegwijzer:   nil,
	}
	wantKeys := map[string]map[string][]string{ // leading key → actions on the keys table
		api.FunctionMeldpunt:    {dynamo.PrefixKey + "*": {"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"}},
		api.FunctionInstitution: {dynamo.PrefixKey + "*": {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, dynamo.PartExpires + "*": {"dynamodb:DeleteItem", "dynamodb:PutItem"}},
		api.FunctionWegwijzer:   {},
	}
	// The kinds of data key each function may use the seal key for: one statement per kind,
	// each requiring exactly the institution and an item of that kind.
	wantKinds := map[string][]string{
		api.FunctionMeldpunt:    {"report"},
		api.FunctionInstitution: {"incident", "report"},
		api.FunctionWegwijzer:   nil,
	}
	for fn, want := range wantKMS {
		var kms, kinds []string
		gotKeys := map[string][]string{}
		for _, s := range roleStatements(t, res, fn) {
			if onSealKey(s) {
				kms = append(kms, strs(s["Action"])...)
				got := strs(get(s, "Condition", "ForAllValues:StringEquals", "kms:EncryptionContextKeys"))
				i := slices.Index(got, "institution")
				if len(got) != 2 || i < 0 {
					t.Errorf("%s: seal key allowed with encryption context keys %v, want exactly institution and one kind", fn, got)
					continue
				}
				kind := got[1-i]
				kinds = append(kinds, kind)
				for _, c := range []string{"kms:EncryptionContext:institution", "kms:EncryptionContext:" + kind} {
					if get(s, "Condition", "Null", c) != "false" {
						t.Errorf("%s: the seal key does not require %s", fn, c)
					}
				}
			}
			if onKeysTable(s) {
				leading := strs(get(s, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))
				if len(leading) != 1 {
					t.Errorf("%s: keys table statement without one leading key: %v", fn, s)
					continue
				}
				gotKeys[leading[0]] = append(gotKeys[leading[0]], strs(s["Action"])...)
			}
		}
		slices.Sort(kinds)
		if !slices.Equal(kinds, wantKinds[fn]) {
			t.Errorf("%s: seal key for the data keys of %v, want %v", fn, kinds, wantKinds[fn])
		}
		slices.Sort(kms)
		kms = slices.Compact(kms)
		if !slices.Equal(kms, want) {
			t.Errorf("%s: seal key actions %v, want %v", fn, kms, want)
		}
		if len(gotKeys) != len(wantKeys[fn]) {
			t.Errorf("%s: keys table grants %v, want %v", fn, gotKeys, wantKeys[fn])
		}
		for lk, acts := range wantKeys[fn] {
			slices.Sort(gotKeys[lk])
			if !slices.Equal(gotKeys[lk], acts) {
				t.Errorf("%s: keys table actions on %s: %v, want %v", fn, lk, gotKeys[lk], acts)
			}
		}
	}
	// Nothing in the stack may encrypt or re-encrypt with the seal key but through a data key.
	for id, ss := range sts {
		for _, s := range ss {
			if !onSealKey(s) {
				continue
			}
			for _, a := range strs(s["Action"]) {
				if a == "kms:Encrypt" || strings.HasPrefix(a, "kms:ReEncrypt") || a == "kms:*" {
					t.Errorf("%s may %s with the seal key", id, a)
				}
			}
		}
	}
}
