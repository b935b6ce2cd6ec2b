package main

import (
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/config"
	"meldwijzer/signin"
	"meldwijzer/store/dynamo"
)

// functionPretoken is the user pool's pre-token-generation trigger (functions/pretoken). It
// is no route's function: Cognito invokes it, not API Gateway.
const functionPretoken = "pretoken"

// pretokenTable is all the trigger may do on the table: read one domain index item
// (InstitutionByDomain). No report, no audit entry, no institution record.
var pretokenTable = []tableGrant{
	{"DomainIndex", []string{"dynamodb:GetItem"}, []string{dynamo.PrefixDomain}, false},
}

// SAML attribute names SURFconext sends (urn:mace form). The groups a school maps to roles come
// from eduPersonEntitlement by default; a school that keeps them in isMemberOf (SURFconext Teams
// or its own directory groups) sets the context key surfconextGroupsAttribute.
const (
	samlHomeOrganization = "urn:mace:terena.org:attribute-def:schacHomeOrganization"
	samlEntitlement      = "urn:mace:dir:attribute-def:eduPersonEntitlement"
	samlIsMemberOf       = "urn:mace:dir:attribute-def:isMemberOf"
	samlPrincipalName    = "urn:mace:dir:attribute-def:eduPersonPrincipalName"
	samlMail             = "urn:mace:dir:attribute-def:mail"
	samlDisplayName      = "urn:mace:dir:attribute-def:displayName"
)

// newPretoken makes the trigger's function from <assetDir>/pretoken.zip, attaches it to the pool
// (event version 2, which the Plus plan has) with read access to the domain index only, and an
// alarm on its errors: a failing trigger means nobody can sign in.
func newPretoken(stack awscdk.Stack, pool awscognito.UserPool, d *data, assetDir string, topic awssns.ITopic) awslambda.Function {
	fn := newFunction(stack, functionPretoken, filepath.Join(assetDir, functionPretoken+".zip"), 0)
	fn.Node().DefaultChild().(awslambda.CfnFunction).SetDescription(
		jsii.String("Meldwijzer pretoken: the staff pool's pre-token-generation trigger (institution and roles in the ID token)"))
	access{env: map[string]*string{config.EnvTable: d.table.TableName()}, table: pretokenTable}.grant(stack, fn, d)
	pool.AddTrigger(awscognito.UserPoolOperation_PRE_TOKEN_GENERATION_CONFIG(), fn, awscognito.LambdaVersion_V2_0)
	if topic != nil {
		a := awscloudwatch.NewAlarm(stack, jsii.String("PretokenErrorsAlarm"), &awscloudwatch.AlarmProps{
			Metric:             fn.MetricErrors(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}),
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String("The pre-token-generation trigger failed: staff sign-ins fail (the table cannot be read?)"),
		})
		a.AddAlarmAction(awscloudwatchactions.NewSnsAction(topic))
	}
	return fn
}

// membersActions are the user pool calls of the members directory (members/cognito): read the
// pool's users and groups, put users in and out of groups. Nothing else: no user is created,
// changed or deleted, and no attribute written. IAM cannot limit them to one school's users or to
// the school roles' groups; the directory does (signin.Belongs, signin.SchoolRole).
var membersActions = []string{"cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup", "cognito-idp:AdminListGroupsForUser",
	"cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminRemoveUserFromGroup"}

// grantMembers lets the institution function serve "who has access" on the pool.
func grantMembers(fn awslambda.Function, pool awscognito.UserPool) {
	fn.AddEnvironment(jsii.String(config.EnvUserPoolID), pool.UserPoolId(), nil)
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("MembersDirectory"),
		Actions:   jsii.Strings(membersActions...),
		Resources: jsii.Strings(*pool.UserPoolArn()),
	}))
}

// SurfConext configures the SURFconext identity provider (SAML). Empty MetadataURL: none.
type SurfConext struct {
	// MetadataURL is SURFconext's IdP metadata (the SURFconext documentation names it; the test
	// environment has its own).
	MetadataURL string
	// GroupsAttribute is the SAML attribute whose values the schools map to roles
	// (eduPersonEntitlement when "").
	GroupsAttribute string
}

// newSurfConext adds SURFconext to the pool as a SAML identity provider named
// signin.ProviderName, mapping the school's domain and groups to the mutable custom attributes
// the trigger reads, and the name, mail and eduPersonPrincipalName for the members list.
func newSurfConext(stack awscdk.Stack, pool awscognito.UserPool, s SurfConext) awscognito.UserPoolIdentityProviderSaml {
	groups := s.GroupsAttribute
	if groups == "" {
		groups = samlEntitlement
	}
	return awscognito.NewUserPoolIdentityProviderSaml(stack, jsii.String("SurfConext"), &awscognito.UserPoolIdentityProviderSamlProps{
		UserPool: pool,
		Name:     jsii.String(signin.ProviderName),
		Metadata: awscognito.UserPoolIdentityProviderSamlMetadata_Url(jsii.String(s.MetadataURL)),
		// Cognito signs its requests; SURFconext's own signature on the assertion is always checked.
		RequestSigningAlgorithm: awscognito.SigningAlgorithm_RSA_SHA256,
		AttributeMapping: &awscognito.AttributeMapping{
			Email:             awscognito.ProviderAttribute_Other(jsii.String(samlMail)),
			Fullname:          awscognito.ProviderAttribute_Other(jsii.String(samlDisplayName)),
			PreferredUsername: awscognito.ProviderAttribute_Other(jsii.String(samlPrincipalName)),
			// The full names: the CDK does not add "custom:" to these keys, and Cognito needs it
			// (https://github.com/aws/aws-cdk/issues/26820).
			Custom: &map[string]awscognito.ProviderAttribute{
				signin.AttrHomeOrg: awscognito.ProviderAttribute_Other(jsii.String(samlHomeOrganization)),
				signin.AttrGroups:  awscognito.ProviderAttribute_Other(jsii.String(groups)),
			},
		},
	})
}

// customName is the CDK's name of a custom attribute: "custom:groups" → "groups".
func customName(attr string) string { return attr[len("custom:"):] }

// signinAttributes are the pool's mutable custom attributes that SURFconext's mapping rewrites at
// every sign-in: the school's domain (253: the longest domain name) and its groups (2048: the
// longest custom attribute).
func signinAttributes() map[string]awscognito.ICustomAttribute {
	return map[string]awscognito.ICustomAttribute{
		customName(signin.AttrHomeOrg): awscognito.NewStringAttribute(&awscognito.StringAttributeProps{MaxLen: jsii.Number(253), Mutable: jsii.Bool(true)}),
		customName(signin.AttrGroups):  awscognito.NewStringAttribute(&awscognito.StringAttributeProps{MaxLen: jsii.Number(2048), Mutable: jsii.Bool(true)}),
	}
}
