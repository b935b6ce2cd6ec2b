package main

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/api"
	"meldwijzer/config"
)

// access is what one function may reach: its environment (names and addresses only, never a
// secret value) and its grants on the table, the table's key and the master secret.
type access struct {
	env map[string]*string
	// tableActions are the DynamoDB actions on the table (none: no table, key or secret).
	tableActions []string
}

// functionAccess is the one table of environment and grants per function.
func functionAccess(d *data, issuer, audience *string) map[string]access {
	store := map[string]*string{config.EnvTable: d.table.TableName(), config.EnvSecretARN: d.secret.SecretArn()}
	staff := maps.Clone(store)
	staff[config.EnvTokenIssuer] = issuer
	staff[config.EnvJWKSURL] = awscdk.Fn_Join(jsii.String(""), &[]*string{issuer, jsii.String("/.well-known/jwks.json")})
	staff[config.EnvTokenAudience] = audience
	return map[string]access{
		api.FunctionWegwijzer:   {},
		api.FunctionMeldpunt:    {env: store, tableActions: meldpuntTableActions},
		api.FunctionInstitution: {env: staff, tableActions: institutionTableActions},
	}
}

// grant gives fn its environment and grants.
func (a access) grant(stack awscdk.Stack, fn awslambda.Function, d *data) {
	for _, k := range slices.Sorted(maps.Keys(a.env)) {
		fn.AddEnvironment(jsii.String(k), a.env[k], nil)
	}
	if len(a.tableActions) == 0 {
		return
	}
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("TableItems"),
		Actions:   jsii.Strings(a.tableActions...),
		Resources: jsii.Strings(*d.table.TableArn()),
	}))
	// The table's CMK, used by DynamoDB on the function's behalf (and only through DynamoDB).
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("TableKeyViaDynamoDB"),
		Actions:   jsii.Strings("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"),
		Resources: jsii.Strings(*d.key.KeyArn()),
		Conditions: &map[string]any{"StringEquals": map[string]any{
			"kms:ViaService": awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("dynamodb."), stack.Region(), jsii.String("."), stack.UrlSuffix()}),
		}},
	}))
	// GetSecretValue and DescribeSecret on this secret, kms:Decrypt through Secrets Manager.
	d.secret.GrantRead(fn, nil)
}
