package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
	"meldwijzer/lambdahttp"
	"meldwijzer/store/dynamo"
)

// roleStatements are the statements of the policies attached to fn's role.
func roleStatements(t *testing.T, res map[string]resource, fn string) []map[string]any {
	t.Helper()
	return statementsOfRole(res, ref(res[functionIDs(t, res)[fn]].Properties["Role"]))
}

// Finding 8: each function's table access is limited to its own partitions; nobody may delete
// or change audit entries; the internet-facing meldpunt cannot touch the audit log; the
// institution function cannot read the master secret.
func TestLeastPrivilege(t *testing.T) {
	_, _, res := synth(t)
	masterSecret := ""
	for id := range ofType(res, "AWS::SecretsManager::Secret") {
		if strings.Contains(id, "MasterSecret") {
			masterSecret = id
		}
	}
	if masterSecret == "" {
		t.Fatal("no master secret in the template")
	}
	for _, fn := range []string{api.FunctionMeldpunt, api.FunctionInstitution} {
		for _, s := range roleStatements(t, res, fn) {
			var actions []string
			for _, a := range list(s["Action"]) {
				actions = append(actions, a.(string))
			}
			if slices.ContainsFunc(actions, func(a string) bool { return strings.HasPrefix(a, "dynamodb:") }) {
				keys := list(get(s, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))
				if len(keys) == 0 {
					t.Errorf("%s: table statement %v without dynamodb:LeadingKeys", fn, s["Sid"])
				}
				for _, k := range keys {
					audit := strings.HasPrefix(k.(string), dynamo.PrefixAudit)
					if audit && fn == api.FunctionMeldpunt {
						t.Errorf("the meldpunt function may reach the audit log: %v", s)
					}
					if audit && (slices.Contains(actions, "dynamodb:DeleteItem") || slices.Contains(actions, "dynamodb:UpdateItem")) {
						t.Errorf("%s may delete or change audit entries: %v", fn, s)
					}
					if k == "*" {
						t.Errorf("%s: LeadingKeys *", fn)
					}
				}
			}
			if slices.Contains(actions, "secretsmanager:GetSecretValue") && fn == api.FunctionInstitution {
				for _, r := range list(s["Resource"]) {
					if ref(r) == masterSecret {
						t.Errorf("the institution function may read the master secret")
					}
				}
			}
		}
	}
}

// Finding 1 on AWS: CloudFront sends the origin secret (resolved from Secrets Manager at deploy
// time, never a literal in the template) to the API, and the functions that keep reports are
// told where to find it.
func TestOriginSecretHeader(t *testing.T) {
	_, _, res := synth(t)
	for id, d := range ofType(res, "AWS::CloudFront::Distribution") {
		found := false
		for _, o := range list(get(d.Properties, "DistributionConfig", "Origins")) {
			for _, h := range list(get(o, "OriginCustomHeaders")) {
				if get(h, "HeaderName") == lambdahttp.OriginSecretHeader {
					found = true
					raw, _ := json.Marshal(get(h, "HeaderValue"))
					if !strings.Contains(string(raw), "resolve:secretsmanager") {
						t.Errorf("%s: the origin header's value is not a Secrets Manager reference: %s", id, raw)
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: no origin sends %s", id, lambdahttp.OriginSecretHeader)
		}
	}
}

// Finding 8: per-route throttles, so that a flood of reports cannot use up the guide's.
func TestRouteThrottles(t *testing.T) {
	_, _, res := synth(t)
	for id, st := range ofType(res, "AWS::ApiGatewayV2::Stage") {
		settings, _ := st.Properties["RouteSettings"].(map[string]any)
		for _, r := range api.Routes {
			if r.Function == api.FunctionLocal {
				continue
			}
			s := settings[r.Method+" "+r.Path]
			want := routeThrottles[r.Function]
			if get(s, "ThrottlingRateLimit") != want[0] || get(s, "ThrottlingBurstLimit") != want[1] {
				t.Errorf("%s: route %s %s throttle %v, want %v", id, r.Method, r.Path, s, want)
			}
		}
	}
	if routeThrottles[api.FunctionWegwijzer][0] < routeThrottles[api.FunctionMeldpunt][0] {
		t.Errorf("the guide's throttle is below the intake's")
	}
}

// Finding 1 at the edge: a WAF rate-based rule per client address, with no logging and no
// sampled requests (both would hold visitors' addresses), and the guide outside it.
func TestEdgeStack(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := NewEdgeStack(app, "TestEdge", &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::WAFv2::LoggingConfiguration"), jsii.Number(0))
	raw, _ := json.Marshal(tpl.ToJSON())
	var doc struct{ Resources map[string]resource }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	acls := ofType(doc.Resources, "AWS::WAFv2::WebACL")
	if len(acls) != 1 {
		t.Fatalf("%d web ACLs", len(acls))
	}
	for _, acl := range acls {
		if acl.Properties["Scope"] != "CLOUDFRONT" {
			t.Errorf("scope %v", acl.Properties["Scope"])
		}
		text, _ := json.Marshal(acl.Properties)
		if strings.Contains(string(text), `"SampledRequestsEnabled":true`) {
			t.Errorf("the web ACL keeps sampled requests (with addresses)")
		}
		rules := list(acl.Properties["Rules"])
		if len(rules) != 1 || get(rules[0], "Statement", "RateBasedStatement", "AggregateKeyType") != "IP" ||
			get(rules[0], "Action", "Block", "CustomResponse", "ResponseCode") != float64(429) {
			t.Errorf("rules %v, want one rate-based rule per IP answering 429", rules)
		}
		if !strings.Contains(string(text), "/api/v1/wegwijzer/") {
			t.Errorf("the guide is not excepted from the rate rule")
		}
	}
	errs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	if len(*errs) > 0 {
		t.Errorf("nag errors on the edge stack: %d", len(*errs))
	}
}
