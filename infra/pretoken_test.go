package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
	"meldwijzer/config"
	"meldwijzer/store/dynamo"
)

// pretokenID is the trigger function's logical id.
func pretokenID(t *testing.T, res map[string]resource) string {
	t.Helper()
	for id := range ofType(res, "AWS::Lambda::Function") {
		if strings.HasPrefix(id, titled(functionPretoken)+"Function") {
			return id
		}
	}
	t.Fatal("no pre-token-generation function")
	return ""
}

// The trigger is the pool's pre-token-generation trigger (event version 2), Cognito may invoke
// it, and it may read the domain index items and nothing else: GetItem on DOMAIN#, the table's
// key only through DynamoDB, no secret, no user pool.
func TestPretokenTrigger(t *testing.T) {
	_, _, res := synth(t)
	fn := pretokenID(t, res)
	for _, pool := range ofType(res, "AWS::Cognito::UserPool") {
		cfg := get(pool.Properties, "LambdaConfig", "PreTokenGenerationConfig")
		if ref(get(cfg, "LambdaArn")) != fn || get(cfg, "LambdaVersion") != "V2_0" {
			t.Errorf("pre-token-generation config %v, want %s with V2_0", cfg, fn)
		}
	}
	var invokable bool
	for _, p := range ofType(res, "AWS::Lambda::Permission") {
		if ref(p.Properties["FunctionName"]) == fn && p.Properties["Principal"] == "cognito-idp.amazonaws.com" {
			invokable = true
		}
	}
	if !invokable {
		t.Error("Cognito may not invoke the trigger")
	}
	env, _ := get(res[fn].Properties, "Environment", "Variables").(map[string]any)
	if len(env) != 1 || env[config.EnvTable] == nil {
		t.Errorf("environment %v, want only %s", env, config.EnvTable)
	}

	role := ref(res[fn].Properties["Role"])
	sts := statements(res)
	var dynamoActions []string
	for id, p := range ofType(res, "AWS::IAM::Policy") {
		if !slices.ContainsFunc(list(p.Properties["Roles"]), func(r any) bool { return ref(r) == role }) {
			continue
		}
		for _, s := range sts[id] {
			for _, a := range list(s["Action"]) {
				act := a.(string)
				switch {
				case strings.HasPrefix(act, "dynamodb:"):
					dynamoActions = append(dynamoActions, act)
					keys := list(get(s, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))
					if len(keys) != 1 || keys[0] != dynamo.PrefixDomain+"*" {
						t.Errorf("the trigger's table statement reaches %v, want only %s*", keys, dynamo.PrefixDomain)
					}
				case strings.HasPrefix(act, "kms:"):
					if get(s, "Condition", "StringEquals", "kms:ViaService") == nil {
						t.Errorf("the trigger may use the key outside DynamoDB: %v", s)
					}
				case strings.HasPrefix(act, "logs:"):
				default:
					t.Errorf("the trigger may %s", act)
				}
			}
		}
	}
	if !slices.Equal(dynamoActions, []string{"dynamodb:GetItem"}) {
		t.Errorf("the trigger's DynamoDB actions %v, want GetItem only", dynamoActions)
	}
}

// With a metadata URL, SURFconext is the pool's SAML provider: it maps schacHomeOrganization and
// the groups attribute to the custom attributes the trigger reads, the dashboard offers it and
// may write what it maps; without one (synth above), there is no provider.
func TestSurfConext(t *testing.T) {
	_, tpl, _ := synth(t)
	tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolIdentityProvider"), jsii.Number(0))

	dir := t.TempDir()
	for _, name := range append(deployedFunctions(), functionPretoken) {
		if err := writeZip(filepath.Join(dir, name+".zip")); err != nil {
			t.Fatal(err)
		}
	}
	web := filepath.Join(dir, "web")
	if err := os.MkdirAll(filepath.Join(web, "instelling"), 0o755); err != nil {
		t.Fatal(err)
	}
	app := awscdk.NewApp(nil)
	const metadata = "https://metadata.surfconext.example/idp-metadata.xml"
	stack := NewMeldwijzerStack(app, "Surf", &MeldwijzerStackProps{
		StackProps: awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-west-1")}},
		AssetDir:   dir, WebDir: web, CognitoDomainPrefix: "meldwijzer-test",
		SurfConext: SurfConext{MetadataURL: metadata, GroupsAttribute: samlIsMemberOf},
	})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	surf := assertions.Template_FromStack(stack, nil)
	surf.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolIdentityProvider"), map[string]any{
		"ProviderName":    "SURFconext",
		"ProviderType":    "SAML",
		"ProviderDetails": assertions.Match_ObjectLike(&map[string]any{"MetadataURL": metadata}),
		"AttributeMapping": assertions.Match_ObjectLike(&map[string]any{
			"custom:schac_home": samlHomeOrganization,
			"custom:groups":     samlIsMemberOf,
			"email":             samlMail,
		}),
	})
	raw, _ := json.Marshal(surf.ToJSON())
	var doc struct{ Resources map[string]resource }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for idp := range ofType(doc.Resources, "AWS::Cognito::UserPoolIdentityProvider") {
		for _, c := range ofType(doc.Resources, "AWS::Cognito::UserPoolClient") {
			offered := list(c.Properties["SupportedIdentityProviders"])
			if len(offered) != 2 || offered[0] != "COGNITO" || ref(offered[1]) != idp {
				t.Errorf("the dashboard offers %v, want COGNITO and %s", offered, idp)
			}
		}
	}
	surf.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), map[string]any{
		"WriteAttributes": assertions.Match_ArrayWith(&[]any{"custom:groups", "custom:schac_home"}),
		"ReadAttributes":  assertions.Match_Not(assertions.Match_ArrayWith(&[]any{"custom:groups"})),
	})
	for _, a := range []string{"schac_home", "groups"} {
		surf.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), map[string]any{
			"Schema": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Name": a, "Mutable": true})}),
		})
	}
	ann := assertions.Annotations_FromStack(stack)
	for _, m := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		t.Errorf("nag error at %s: %v", *m.Id, m.Entry.Data)
	}
}

// Only the institution function may reach the user pool, with the members directory's five
// calls on this pool alone, and it is told which pool.
func TestMembersGrant(t *testing.T) {
	_, _, res := synth(t)
	var pool string
	for id := range ofType(res, "AWS::Cognito::UserPool") {
		pool = id
	}
	for name, id := range functionIDs(t, res) {
		var actions []string
		for _, s := range roleStatements(t, res, name) {
			for _, a := range list(s["Action"]) {
				if act := a.(string); strings.HasPrefix(act, "cognito-idp:") {
					actions = append(actions, act)
					if r := list(s["Resource"]); len(r) != 1 || ref(r[0]) != pool {
						t.Errorf("%s: %s on %v, want the pool %s only", name, act, r, pool)
					}
				}
			}
		}
		env, _ := get(res[id].Properties, "Environment", "Variables").(map[string]any)
		if name != api.FunctionInstitution {
			if len(actions) > 0 || env[config.EnvUserPoolID] != nil {
				t.Errorf("%s may reach the user pool: %v", name, actions)
			}
			continue
		}
		slices.Sort(actions)
		want := slices.Sorted(slices.Values(membersActions))
		if !slices.Equal(actions, want) {
			t.Errorf("the institution function may %v on the pool, want %v", actions, want)
		}
		if ref(env[config.EnvUserPoolID]) != pool {
			t.Errorf("%s = %v, want the pool", config.EnvUserPoolID, env[config.EnvUserPoolID])
		}
	}
}
