package main

import (
	"archive/zip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
	"meldwijzer/config"
)

// One jsii kernel for the whole package: a Close per test would restart it (TOOLCHAIN §2).
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

var (
	synthOnce sync.Once
	synthed   struct {
		stack    awscdk.Stack
		template assertions.Template
		res      map[string]resource
		err      error
	}
)

type resource struct {
	Type           string
	Properties     map[string]any
	DeletionPolicy string
	UpdateReplace  string `json:"UpdateReplacePolicy"`
}

// synth builds the stack once, from stub function zips and a stub web directory in a temporary
// directory (asset paths are relative to the working directory, which for go test is infra/).
func synth(t *testing.T) (awscdk.Stack, assertions.Template, map[string]resource) {
	t.Helper()
	synthOnce.Do(func() {
		dir, err := os.MkdirTemp("", "meldwijzer-infra-test")
		if err != nil {
			synthed.err = err
			return
		}
		// Not removed with t.Cleanup: the synthesized assembly refers to it for the whole run.
		for _, name := range append(deployedFunctions(), functionPretoken, FunctionRemind) {
			if err := writeZip(filepath.Join(dir, name+".zip")); err != nil {
				synthed.err = err
				return
			}
		}
		web := filepath.Join(dir, "web")
		if err := os.MkdirAll(filepath.Join(web, "instelling"), 0o755); err != nil {
			synthed.err = err
			return
		}
		for _, f := range []string{"index.html", "instelling/index.html"} {
			if err := os.WriteFile(filepath.Join(web, f), []byte("<!doctype html><title>t</title>"), 0o644); err != nil {
				synthed.err = err
				return
			}
		}
		app := awscdk.NewApp(nil)
		stack := NewMeldwijzerStack(app, "Test", &MeldwijzerStackProps{
			StackProps: awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-west-1")}},
			AssetDir:   dir, WebDir: web, CognitoDomainPrefix: "meldwijzer-test", MailFrom: testMailFrom,
		})
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
		tpl := assertions.Template_FromStack(stack, nil)
		raw, err := json.Marshal(tpl.ToJSON())
		if err != nil {
			synthed.err = err
			return
		}
		var doc struct{ Resources map[string]resource }
		if err := json.Unmarshal(raw, &doc); err != nil {
			synthed.err = err
			return
		}
		synthed.stack, synthed.template, synthed.res = stack, tpl, doc.Resources
	})
	if synthed.err != nil {
		t.Fatal(synthed.err)
	}
	return synthed.stack, synthed.template, synthed.res
}

func writeZip(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("bootstrap")
	if err == nil {
		_, err = w.Write([]byte("#!/bin/sh\n"))
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func ofType(res map[string]resource, typ string) map[string]resource {
	out := map[string]resource{}
	for id, r := range res {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// ref returns the logical id a {"Ref": id} or {"Fn::GetAtt": [id, attr]} points at.
func ref(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if s, ok := m["Ref"].(string); ok {
		return s
	}
	if a, ok := m["Fn::GetAtt"].([]any); ok && len(a) > 0 {
		s, _ := a[0].(string)
		return s
	}
	return ""
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// functionIDs maps each deployed function name to its AWS::Lambda::Function logical id.
func functionIDs(t *testing.T, res map[string]resource) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for id := range ofType(res, "AWS::Lambda::Function") {
		for _, name := range deployedFunctions() {
			if strings.HasPrefix(id, titled(name)+"Function") {
				ids[name] = id
			}
		}
	}
	if len(ids) != len(deployedFunctions()) {
		t.Fatalf("functions found %v, want one for each of %v", ids, deployedFunctions())
	}
	return ids
}

func TestDeployedFunctionsAreTheRouteTables(t *testing.T) {
	got := deployedFunctions()
	slices.Sort(got)
	want := []string{api.FunctionInstitution, api.FunctionMeldpunt, api.FunctionWegwijzer}
	if !slices.Equal(got, want) {
		t.Fatalf("deployed functions %v, want %v", got, want)
	}
}

func TestRoutesAreExactlyTheRouteTable(t *testing.T) {
	_, _, res := synth(t)
	fnIDs := functionIDs(t, res)
	integrations := ofType(res, "AWS::ApiGatewayV2::Integration")
	authorizers := ofType(res, "AWS::ApiGatewayV2::Authorizer")
	if len(authorizers) != 1 {
		t.Fatalf("%d authorizers, want 1", len(authorizers))
	}
	var authorizerID string
	for id, a := range authorizers {
		authorizerID = id
		if a.Properties["AuthorizerType"] != "JWT" {
			t.Errorf("authorizer type %v, want JWT", a.Properties["AuthorizerType"])
		}
	}

	routes := map[string]resource{}
	for _, r := range ofType(res, "AWS::ApiGatewayV2::Route") {
		key, _ := r.Properties["RouteKey"].(string)
		if _, dup := routes[key]; dup {
			t.Errorf("route %q defined twice", key)
		}
		routes[key] = r
	}
	want := 0
	for _, rt := range api.Routes {
		key := rt.Method + " " + rt.Path
		r, ok := routes[key]
		if rt.Function == api.FunctionLocal {
			if ok {
				t.Errorf("local-only route %q is deployed", key)
			}
			continue
		}
		want++
		if !ok {
			t.Errorf("route %q is missing", key)
			continue
		}
		// Integrated with its own function.
		parts, _ := get(r.Properties, "Target", "Fn::Join").([]any)
		var integ string
		if len(parts) == 2 {
			if l, ok := parts[1].([]any); ok && len(l) == 2 {
				integ = ref(l[1])
			}
		}
		if fn := ref(integrations[integ].Properties["IntegrationUri"]); fn != fnIDs[rt.Function] {
			t.Errorf("route %q goes to %q, want the %s function (%s)", key, fn, rt.Function, fnIDs[rt.Function])
		}
		if rt.Auth == api.AuthStaff {
			if r.Properties["AuthorizationType"] != "JWT" || ref(r.Properties["AuthorizerId"]) != authorizerID {
				t.Errorf("staff route %q: authorization %v %v, want JWT with %s", key, r.Properties["AuthorizationType"], r.Properties["AuthorizerId"], authorizerID)
			}
		} else {
			if at := r.Properties["AuthorizationType"]; at != nil && at != "NONE" {
				t.Errorf("route %q: authorization %v, want none", key, at)
			}
			if r.Properties["AuthorizerId"] != nil {
				t.Errorf("route %q has an authorizer", key)
			}
		}
	}
	if len(routes) != want {
		t.Errorf("%d routes deployed, want %d (the route table without local routes)", len(routes), want)
	}
}

func TestAuthorizerTrustsTheUserPool(t *testing.T) {
	_, _, res := synth(t)
	var pool, client string
	for id := range ofType(res, "AWS::Cognito::UserPool") {
		pool = id
	}
	for id := range ofType(res, "AWS::Cognito::UserPoolClient") {
		client = id
	}
	for _, a := range ofType(res, "AWS::ApiGatewayV2::Authorizer") {
		aud, _ := get(a.Properties, "JwtConfiguration", "Audience").([]any)
		if len(aud) != 1 || ref(aud[0]) != client {
			t.Errorf("audience %v, want the app client %s", aud, client)
		}
		iss, _ := json.Marshal(get(a.Properties, "JwtConfiguration", "Issuer"))
		if !strings.Contains(string(iss), "https://cognito-idp.eu-west-1.") || !strings.Contains(string(iss), `{"Ref":"`+pool+`"}`) {
			t.Errorf("issuer %s, want https://cognito-idp.<region>.amazonaws.com/<pool>", iss)
		}
	}
}

func TestFunctions(t *testing.T) {
	_, tpl, res := synth(t)
	fnIDs := functionIDs(t, res)
	logGroups := ofType(res, "AWS::Logs::LogGroup")
	for name, id := range fnIDs {
		p := res[id].Properties
		checks := map[string][2]any{
			"Runtime":      {p["Runtime"], "provided.al2023"},
			"Architecture": {fmt.Sprint(p["Architectures"]), "[arm64]"},
			"Handler":      {p["Handler"], "bootstrap"},
			"MemorySize":   {p["MemorySize"], float64(functionMemoryMB)},
			"Timeout":      {p["Timeout"], float64(functionTimeoutSec)},
			"LogFormat":    {get(p, "LoggingConfig", "LogFormat"), "JSON"},
		}
		for what, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s: %s = %v, want %v", name, what, c[0], c[1])
			}
		}
		lg, ok := logGroups[ref(get(p, "LoggingConfig", "LogGroup"))]
		if !ok || lg.Properties["RetentionInDays"] != float64(90) {
			t.Errorf("%s: log group %v with retention %v, want an explicit log group with 90 days", name, get(p, "LoggingConfig", "LogGroup"), lg.Properties["RetentionInDays"])
		}
	}
	// Besides the route table's: the pre-token-generation trigger, the daily reminder (mail_test.go)
	// and CDK's BucketDeployment handler.
	tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(len(fnIDs)+3))
}

func TestEnvironmentHoldsNamesNotSecrets(t *testing.T) {
	_, _, res := synth(t)
	fnIDs := functionIDs(t, res)
	wantVars := map[string][]string{
		api.FunctionWegwijzer: {config.EnvTable},
		api.FunctionMeldpunt:  {config.EnvKeysTable, config.EnvMailFrom, config.EnvOriginSecretARN, config.EnvSealKeyARN, config.EnvSecretARN, config.EnvTable},
		api.FunctionInstitution: {config.EnvJWKSURL, config.EnvKeysTable, config.EnvOIDCAuthorizationEndpoint, config.EnvOIDCEndSessionEndpoint, config.EnvOIDCRevocationEndpoint, config.EnvOIDCTokenEndpoint,
			config.EnvOriginSecretARN, config.EnvSealKeyARN, config.EnvTable, config.EnvTokenAudience, config.EnvTokenIssuer, config.EnvUserPoolID},
	}
	secretish := regexp.MustCompile(`(?i)secret|password|passwd|private|token|key|credential`)
	highEntropy := regexp.MustCompile(`^[A-Za-z0-9+/=_-]{20,}$`)
	for _, id := range ofType(res, "AWS::Lambda::Function") {
		vars, _ := get(id.Properties, "Environment", "Variables").(map[string]any)
		for k, v := range vars {
			s, literal := v.(string)
			if !literal {
				continue // a Ref, GetAtt or Join: a name, an ARN or a URL made from them
			}
			// A public https address (the sign-in provider's endpoints) is no secret, whatever its name.
			public := strings.HasPrefix(s, "https://") && !strings.Contains(s, "@") && !strings.Contains(s, "?")
			if highEntropy.MatchString(s) || (secretish.MatchString(k) && k != "AWS_CA_BUNDLE" && !public) {
				t.Errorf("environment %s=%q looks like a secret value", k, s)
			}
		}
	}
	for name, id := range fnIDs {
		vars, _ := get(res[id].Properties, "Environment", "Variables").(map[string]any)
		var got []string
		for k := range vars {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, wantVars[name]) {
			t.Errorf("%s: environment %v, want %v", name, got, wantVars[name])
		}
		if v, ok := vars[config.EnvSecretARN]; ok {
			if _, isSecret := res[ref(v)]; !isSecret || res[ref(v)].Type != "AWS::SecretsManager::Secret" {
				t.Errorf("%s: SECRET_ARN = %v, want a Ref to the secret", name, v)
			}
		}
	}
	for id, s := range ofType(res, "AWS::SecretsManager::Secret") {
		if s.Properties["SecretString"] != nil {
			t.Errorf("secret %s has a literal value in the template", id)
		}
		if get(s.Properties, "GenerateSecretString", "ExcludePunctuation") != true ||
			get(s.Properties, "GenerateSecretString", "PasswordLength") != float64(64) {
			t.Errorf("secret %s: generator %v, want 64 characters without punctuation", id, s.Properties["GenerateSecretString"])
		}
		if s.Properties["KmsKeyId"] == nil {
			t.Errorf("secret %s is not under the customer-managed key", id)
		}
	}
}

// The generated secret (64 letters and digits) must be what the functions accept: base64 that
// decodes to at least 32 bytes (meldpunt.NewKeys).
func TestGeneratedSecretShapeDecodes(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for range 1000 {
		b := make([]byte, 64)
		for i := range b {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				t.Fatal(err)
			}
			b[i] = alphabet[n.Int64()]
		}
		raw, err := base64.StdEncoding.DecodeString(string(b))
		if err != nil || len(raw) < 32 {
			t.Fatalf("%s: %d bytes, %v", b, len(raw), err)
		}
	}
}

func TestTable(t *testing.T) {
	_, _, res := synth(t)
	tables := ofType(res, "AWS::DynamoDB::GlobalTable")
	if len(tables) != 2 || len(ofType(res, "AWS::DynamoDB::Table")) != 0 {
		t.Fatalf("want exactly two TableV2 (GlobalTable): the reports and the data keys, got %d", len(tables))
	}
	// The keys table is checked in seal_test.go: it must not have PITR.
	for id := range tables {
		if strings.HasPrefix(id, "KeysTable") {
			delete(tables, id)
		}
	}
	keys := ofType(res, "AWS::KMS::Key")
	for id, tb := range tables {
		p := tb.Properties
		if tb.DeletionPolicy != "Retain" || tb.UpdateReplace != "Retain" {
			t.Errorf("%s: DeletionPolicy %q UpdateReplacePolicy %q, want Retain", id, tb.DeletionPolicy, tb.UpdateReplace)
		}
		if p["BillingMode"] != "PAY_PER_REQUEST" {
			t.Errorf("billing %v", p["BillingMode"])
		}
		ks, _ := json.Marshal(p["KeySchema"])
		if string(ks) != `[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]` {
			t.Errorf("key schema %s", ks)
		}
		ad, _ := json.Marshal(p["AttributeDefinitions"])
		if string(ad) != `[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]` {
			t.Errorf("attributes %s", ad)
		}
		if get(p, "TimeToLiveSpecification", "AttributeName") != "expiresAt" || get(p, "TimeToLiveSpecification", "Enabled") != true {
			t.Errorf("TTL %v", p["TimeToLiveSpecification"])
		}
		if get(p, "SSESpecification", "SSEEnabled") != true || get(p, "SSESpecification", "SSEType") != "KMS" {
			t.Errorf("SSE %v", p["SSESpecification"])
		}
		replicas, _ := p["Replicas"].([]any)
		if len(replicas) != 1 {
			t.Fatalf("replicas %v", replicas)
		}
		r := replicas[0]
		if get(r, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
			t.Errorf("PITR %v", get(r, "PointInTimeRecoverySpecification"))
		}
		if get(r, "DeletionProtectionEnabled") != true {
			t.Errorf("deletion protection %v", get(r, "DeletionProtectionEnabled"))
		}
		key, ok := keys[ref(get(r, "SSESpecification", "KMSMasterKeyId"))]
		if !ok {
			t.Errorf("SSE key %v is not a customer-managed key of the stack", get(r, "SSESpecification"))
		} else if key.Properties["EnableKeyRotation"] != true {
			t.Errorf("the table's key does not rotate")
		}
	}
}

// statements lists every policy statement in the template: identity policies and resource
// policies (KMS keys, buckets, topics).
func statements(res map[string]resource) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	add := func(id string, doc any) {
		st, _ := get(doc, "Statement").([]any)
		for _, s := range st {
			if m, ok := s.(map[string]any); ok {
				out[id] = append(out[id], m)
			}
		}
	}
	for id, r := range res {
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			add(id, r.Properties["PolicyDocument"])
		case "AWS::IAM::Role":
			add(id, r.Properties["AssumeRolePolicyDocument"])
			pols, _ := r.Properties["Policies"].([]any)
			for _, p := range pols {
				add(id, get(p, "PolicyDocument"))
			}
		case "AWS::KMS::Key":
			add(id, r.Properties["KeyPolicy"])
		case "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy":
			add(id, r.Properties["PolicyDocument"])
		}
	}
	return out
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func TestNoWildcardGrants(t *testing.T) {
	_, _, res := synth(t)
	for id, sts := range statements(res) {
		for _, s := range sts {
			var dynamo bool
			for _, a := range list(s["Action"]) {
				if a == "*" || a == "dynamodb:*" {
					t.Errorf("%s: statement with Action %q: %v", id, a, s)
				}
				if str, _ := a.(string); strings.HasPrefix(str, "dynamodb:") {
					dynamo = true
					if strings.Contains(str, "*") {
						t.Errorf("%s: wildcard DynamoDB action %q", id, str)
					}
				}
			}
			for _, r := range list(s["Resource"]) {
				if r == "*" && dynamo {
					t.Errorf("%s: DynamoDB actions on Resource *: %v", id, s)
				}
			}
		}
	}
}

func TestGrantsPerFunction(t *testing.T) {
	_, _, res := synth(t)
	fnIDs := functionIDs(t, res)
	sts := statements(res)
	actionsOf := func(fn string) []string {
		role := ref(res[fnIDs[fn]].Properties["Role"])
		var acts []string
		for id, r := range ofType(res, "AWS::IAM::Policy") {
			for _, rl := range list(r.Properties["Roles"]) {
				if ref(rl) == role {
					for _, s := range sts[id] {
						for _, a := range list(s["Action"]) {
							acts = append(acts, a.(string))
						}
					}
				}
			}
		}
		if len(list(res[role].Properties["ManagedPolicyArns"])) > 0 {
			t.Errorf("%s: its role has managed policies", fn)
		}
		slices.Sort(acts)
		return acts
	}
	with := func(acts []string, prefix string) []string {
		var out []string
		for _, a := range acts {
			if strings.HasPrefix(a, prefix) {
				out = append(out, a)
			}
		}
		return out
	}
	weg := actionsOf(api.FunctionWegwijzer)
	for _, p := range []string{"secretsmanager:"} {
		if got := with(weg, p); len(got) > 0 {
			t.Errorf("wegwijzer may %v; it needs no secret", got)
		}
	}
	if got := slices.Compact(with(weg, "dynamodb:")); !slices.Equal(got, []string{"dynamodb:GetItem", "dynamodb:Query"}) {
		t.Errorf("wegwijzer: DynamoDB actions %v, want only reads of the institutions", got)
	}
	want := map[string][]string{
		api.FunctionMeldpunt:    {"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"},
		api.FunctionInstitution: {"dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"},
	}
	for fn, w := range want {
		acts := slices.Compact(actionsOf(fn))
		if got := with(acts, "dynamodb:"); !slices.Equal(got, w) {
			t.Errorf("%s: DynamoDB actions %v, want %v", fn, got, w)
		}
		if got := with(acts, "secretsmanager:"); !slices.Equal(got, []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}) {
			t.Errorf("%s: Secrets Manager actions %v", fn, got)
		}
	}
}

func TestAccessLogIsAnonymous(t *testing.T) {
	_, _, res := synth(t)
	stages := ofType(res, "AWS::ApiGatewayV2::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want 1", len(stages))
	}
	logGroups := ofType(res, "AWS::Logs::LogGroup")
	for _, s := range stages {
		p := s.Properties
		if p["StageName"] != "$default" || p["AutoDeploy"] != true {
			t.Errorf("stage %v autodeploy %v", p["StageName"], p["AutoDeploy"])
		}
		if get(p, "DefaultRouteSettings", "ThrottlingRateLimit") != float64(throttleRatePerSecond) ||
			get(p, "DefaultRouteSettings", "ThrottlingBurstLimit") != float64(throttleBurst) {
			t.Errorf("throttling %v", p["DefaultRouteSettings"])
		}
		format, _ := get(p, "AccessLogSettings", "Format").(string)
		if !strings.Contains(format, "$context.requestId") {
			t.Errorf("access log format %q lacks the request id", format)
		}
		for _, bad := range []string{"sourceip", "useragent", "user-agent", "authorization", "identity", "caller", "user", "header"} {
			if strings.Contains(strings.ToLower(format), bad) {
				t.Errorf("access log format %q contains %q", format, bad)
			}
		}
		lg, ok := logGroups[ref(get(p, "AccessLogSettings", "DestinationArn"))]
		if !ok || lg.Properties["RetentionInDays"] == nil {
			t.Errorf("access log destination %v: want a log group with retention", get(p, "AccessLogSettings", "DestinationArn"))
		}
	}
}

func TestDistribution(t *testing.T) {
	_, _, res := synth(t)
	dists := ofType(res, "AWS::CloudFront::Distribution")
	if len(dists) != 1 {
		t.Fatalf("%d distributions", len(dists))
	}
	var cfg map[string]any
	for _, d := range dists {
		cfg, _ = d.Properties["DistributionConfig"].(map[string]any)
	}
	if _, ok := cfg["Logging"]; ok {
		t.Errorf("CloudFront standard logging is on: %v", cfg["Logging"])
	}
	if cfg["HttpVersion"] != "http2and3" || cfg["DefaultRootObject"] != "index.html" {
		t.Errorf("http version %v, root %v", cfg["HttpVersion"], cfg["DefaultRootObject"])
	}
	if cfg["WebACLId"] != nil {
		t.Errorf("a WAF is attached")
	}
	def, _ := cfg["DefaultCacheBehavior"].(map[string]any)
	if def["ViewerProtocolPolicy"] != "redirect-to-https" || def["FunctionAssociations"] == nil {
		t.Errorf("default behaviour %v", def)
	}
	apiBehaviours := 0
	for _, b := range list(cfg["CacheBehaviors"]) {
		if get(b, "PathPattern") != "/api/*" {
			continue
		}
		apiBehaviours++
		const cachingDisabled, allViewerExceptHost = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "b689b0a8-53d0-40ab-baf2-68738e2966ac"
		if get(b, "CachePolicyId") != cachingDisabled || get(b, "OriginRequestPolicyId") != allViewerExceptHost {
			t.Errorf("/api/* policies: cache %v origin request %v", get(b, "CachePolicyId"), get(b, "OriginRequestPolicyId"))
		}
		if m := fmt.Sprint(get(b, "AllowedMethods")); m != "[GET HEAD OPTIONS PUT PATCH POST DELETE]" {
			t.Errorf("/api/* methods %s", m)
		}
	}
	if apiBehaviours != 1 {
		t.Errorf("%d /api/* behaviours", apiBehaviours)
	}
	var s3Origins, oac int
	for _, o := range list(cfg["Origins"]) {
		if get(o, "S3OriginConfig") != nil {
			s3Origins++
			if get(o, "OriginAccessControlId") != nil {
				oac++
			}
		} else if fmt.Sprint(get(o, "CustomOriginConfig", "OriginSSLProtocols")) != "[TLSv1.2]" || get(o, "CustomOriginConfig", "OriginProtocolPolicy") != "https-only" {
			t.Errorf("API origin %v", o)
		}
	}
	if s3Origins != 1 || oac != 1 {
		t.Errorf("S3 origins %d, with OAC %d", s3Origins, oac)
	}
	for _, b := range ofType(res, "AWS::S3::Bucket") {
		if get(b.Properties, "PublicAccessBlockConfiguration", "BlockPublicAcls") != true ||
			get(b.Properties, "PublicAccessBlockConfiguration", "RestrictPublicBuckets") != true ||
			b.Properties["BucketEncryption"] == nil {
			t.Errorf("bucket %v", b.Properties)
		}
	}
}

func TestResponseHeaders(t *testing.T) {
	_, tpl, _ := synth(t)
	tpl.HasResourceProperties(jsii.String("AWS::CloudFront::ResponseHeadersPolicy"), map[string]any{
		"ResponseHeadersPolicyConfig": map[string]any{
			"SecurityHeadersConfig": map[string]any{
				"ContentSecurityPolicy": map[string]any{"ContentSecurityPolicy": api.ContentSecurityPolicy, "Override": true},
				"StrictTransportSecurity": map[string]any{
					"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": true, "Preload": true, "Override": true,
				},
				"ReferrerPolicy":     map[string]any{"ReferrerPolicy": "no-referrer", "Override": true},
				"ContentTypeOptions": map[string]any{"Override": true},
				"FrameOptions":       map[string]any{"FrameOption": "DENY", "Override": true},
			},
			"CustomHeadersConfig": map[string]any{"Items": []any{
				map[string]any{"Header": "Permissions-Policy", "Value": api.PermissionsPolicy, "Override": true},
			}},
		},
	})
	want := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	if api.ContentSecurityPolicy != want {
		t.Errorf("CSP %q, want %q", api.ContentSecurityPolicy, want)
	}
}

func TestUserPool(t *testing.T) {
	_, tpl, _ := synth(t)
	tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), map[string]any{
		"AdminCreateUserConfig": map[string]any{"AllowAdminCreateUserOnly": true},
		"MfaConfiguration":      "ON",
		"EnabledMfas":           []any{"SOFTWARE_TOKEN_MFA"},
		"UserPoolTier":          "PLUS",
		"Schema": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Name": "institution", "AttributeDataType": "String", "Mutable": false,
		})}),
	})
	tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), map[string]any{
		"GenerateSecret":     false,
		"AllowedOAuthFlows":  []any{"code"},
		"WriteAttributes":    assertions.Match_ArrayWith(&[]any{"email"}),
		"AllowedOAuthScopes": assertions.Match_ArrayWith(&[]any{"openid"}),
	})
	for _, g := range []string{"handler", "viewer", "admin", "staff", "sector"} {
		tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolGroup"), map[string]any{"GroupName": g})
	}
}

func TestAlarms(t *testing.T) {
	_, _, res := synth(t)
	alarms := ofType(res, "AWS::CloudWatch::Alarm")
	metrics := map[string]int{}
	var topic string
	for id := range ofType(res, "AWS::SNS::Topic") {
		topic = id
		if res[id].Properties["KmsMasterKeyId"] == nil {
			t.Errorf("alarm topic is not encrypted")
		}
	}
	for id, a := range alarms {
		name, _ := a.Properties["MetricName"].(string)
		if name == "" {
			name = "expression" // the table's SystemErrors across operations
		}
		metrics[name]++
		acts := list(a.Properties["AlarmActions"])
		if len(acts) != 1 || ref(acts[0]) != topic {
			t.Errorf("alarm %s actions %v, want the topic %s", id, acts, topic)
		}
	}
	n := len(deployedFunctions())
	want := map[string]int{"5xx": 1, "Errors": n + 1, "Throttles": n, "expression": 1} // + the trigger's errors
	for m, c := range want {
		if metrics[m] != c {
			t.Errorf("%d alarms on %s, want %d (all: %v)", metrics[m], m, c, metrics)
		}
	}
}

func TestNoNagErrors(t *testing.T) {
	stack, _, _ := synth(t)
	ann := assertions.Annotations_FromStack(stack)
	for _, m := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		t.Errorf("nag error at %s: %v", *m.Id, m.Entry.Data)
	}
	for _, m := range *ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		t.Errorf("nag warning at %s: %v", *m.Id, m.Entry.Data)
	}
}

// The institutions: the guide and the meldpunt only read their partition; only the institution
// function writes it (an admin's contacts), and the domain index besides; nobody deletes them.
func TestInstitutionGrants(t *testing.T) {
	_, _, res := synth(t)
	sts := statements(res)
	type grant struct{ actions, keys []string }
	bySid := map[string][]grant{}
	for _, ss := range sts {
		for _, s := range ss {
			sid, _ := s["Sid"].(string)
			var acts, keys []string
			for _, a := range list(s["Action"]) {
				acts = append(acts, a.(string))
			}
			for _, k := range list(get(s, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys")) {
				keys = append(keys, k.(string))
			}
			bySid[sid] = append(bySid[sid], grant{acts, keys})
		}
	}
	for _, g := range bySid["TableInstitutionsRead"] {
		if !slices.Equal(g.keys, []string{"INSTITUTIONS*"}) || !slices.Equal(g.actions, []string{"dynamodb:GetItem", "dynamodb:Query"}) {
			t.Errorf("InstitutionsRead: %v on %v", g.actions, g.keys)
		}
	}
	if n := len(bySid["TableInstitutionsRead"]); n != 3 {
		t.Errorf("%d functions read the institutions, want the wegwijzer, the meldpunt and the reminder (mail_test.go)", n)
	}
	for sid, want := range map[string]grant{
		"TableInstitutionsWrite":  {[]string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"}, []string{"INSTITUTIONS*"}},
		"TableInstitutionDomains": {[]string{"dynamodb:GetItem", "dynamodb:PutItem"}, []string{"DOMAIN#*"}},
	} {
		if gs := bySid[sid]; len(gs) != 1 || !slices.Equal(gs[0].actions, want.actions) || !slices.Equal(gs[0].keys, want.keys) {
			t.Errorf("%s: %v, want one statement %v", sid, gs, want)
		}
	}
}
