package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"meldwijzer/api"
	"meldwijzer/config"
)

const testMailFrom = "meldwijzer@school.example"

// roleOf is the logical id of the role of a function's logical id.
func roleOf(res map[string]resource, fnID string) string { return ref(res[fnID].Properties["Role"]) }

// remindID is the reminder function's logical id.
func remindID(t *testing.T, res map[string]resource) string {
	t.Helper()
	for id := range ofType(res, "AWS::Lambda::Function") {
		if strings.HasPrefix(id, titled(FunctionRemind)+"Function") {
			return id
		}
	}
	t.Fatal("no remind function")
	return ""
}

// statementsOfRole are the statements of the policies attached to a role (logical id).
func statementsOfRole(res map[string]resource, role string) []map[string]any {
	sts := statements(res)
	var out []map[string]any
	for id, r := range ofType(res, "AWS::IAM::Policy") {
		for _, rl := range list(r.Properties["Roles"]) {
			if ref(rl) == role {
				out = append(out, sts[id]...)
			}
		}
	}
	return out
}

func TestMailSendingIsLimitedToTheIdentityAndSender(t *testing.T) {
	_, _, res := synth(t)
	ids := ofType(res, "AWS::SES::EmailIdentity")
	if len(ids) != 1 {
		t.Fatalf("want one SES identity, got %d", len(ids))
	}
	var identityID string
	for id, r := range ids {
		identityID = id
		if r.Properties["EmailIdentity"] != testMailFrom {
			t.Errorf("identity %v, want the sender %s", r.Properties["EmailIdentity"], testMailFrom)
		}
	}
	fns := functionIDs(t, res)
	senders := map[string]string{roleOf(res, fns[api.FunctionMeldpunt]): "meldpunt", roleOf(res, remindID(t, res)): "remind"}
	seen := map[string]bool{}
	for role := range ofType(res, "AWS::IAM::Role") {
		for _, s := range statementsOfRole(res, role) {
			var ses []string
			for _, a := range list(s["Action"]) {
				if str, _ := a.(string); strings.HasPrefix(str, "ses:") {
					ses = append(ses, str)
				}
			}
			if len(ses) == 0 {
				continue
			}
			name, ok := senders[role]
			if !ok {
				t.Errorf("role %s may %v; only the meldpunt and the reminder send mail", role, ses)
				continue
			}
			seen[name] = true
			if !slices.Equal(ses, []string{"ses:SendEmail"}) {
				t.Errorf("%s: SES actions %v, want ses:SendEmail only", name, ses)
			}
			res, _ := json.Marshal(s["Resource"])
			if rs := list(s["Resource"]); len(rs) != 1 || !strings.Contains(string(res), identityID) || strings.Contains(string(res), "*") {
				t.Errorf("%s: SendEmail on %s, want only the identity %s", name, res, identityID)
			}
			if got := get(s["Condition"], "StringEquals", "ses:FromAddress"); got != testMailFrom {
				t.Errorf("%s: ses:FromAddress condition %v, want %s", name, got, testMailFrom)
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("SendEmail granted to %v, want meldpunt and remind", seen)
	}
	for name, id := range map[string]string{"meldpunt": fns[api.FunctionMeldpunt], "remind": remindID(t, res)} {
		if got := get(res[id].Properties, "Environment", "Variables", config.EnvMailFrom); got != testMailFrom {
			t.Errorf("%s: %s = %v", name, config.EnvMailFrom, got)
		}
	}
}

func TestRemindRunsDailyAndReadsOnlyDeadlines(t *testing.T) {
	_, _, res := synth(t)
	remind := remindID(t, res)
	rules := ofType(res, "AWS::Events::Rule")
	if len(rules) != 1 {
		t.Fatalf("want one schedule, got %d", len(rules))
	}
	for _, r := range rules {
		if got := r.Properties["ScheduleExpression"]; got != "cron(0 5 * * ? *)" {
			t.Errorf("schedule %v, want every day at 05:00 UTC", got)
		}
		targets := list(r.Properties["Targets"])
		if len(targets) != 1 || !strings.Contains(fmt.Sprint(get(targets[0], "Arn")), remind) {
			t.Errorf("targets %v, want the remind function", targets)
		}
	}
	grants := map[string][]string{} // leading keys -> actions
	for _, s := range statementsOfRole(res, roleOf(res, remind)) {
		keys, _ := json.Marshal(get(s["Condition"], "ForAllValues:StringLike", "dynamodb:LeadingKeys"))
		for _, a := range list(s["Action"]) {
			str, _ := a.(string)
			if strings.HasPrefix(str, "dynamodb:") {
				grants[string(keys)] = append(grants[string(keys)], str)
			}
			if strings.HasPrefix(str, "secretsmanager:") {
				t.Errorf("remind may %s; it needs no secret", str)
			}
		}
	}
	want := map[string][]string{
		`["INST#*"]`:        {"dynamodb:Query"},                     // the deadline counts
		`["INSTITUTIONS*"]`: {"dynamodb:GetItem", "dynamodb:Query"}, // the records and their addresses
	}
	if fmt.Sprint(grants) != fmt.Sprint(want) {
		t.Errorf("remind's table grants %v, want %v", grants, want)
	}
	if got := res[remind].Properties["Timeout"]; got != float64(remindTimeoutSec) {
		t.Errorf("remind timeout %v", got)
	}
}
