package main

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
)

// MeldwijzerStackProps configures the stack. Paths are relative to the process's working directory
// (cdk.json runs the app from the repository root; tests pass absolute paths).
type MeldwijzerStackProps struct {
	awscdk.StackProps
	// AssetDir holds one zip per Lambda function, <AssetDir>/<function>.zip (`make build`: build/).
	AssetDir string
	// WebDir is the static web app deployed to the bucket (web/static).
	WebDir string
	// CognitoDomainPrefix, when set, gives the user pool a hosted sign-in domain
	// https://<prefix>.auth.<region>.amazoncognito.com. The dashboard's authorization-code + PKCE
	// sign-in and SURFconext federation both need it. The prefix must be globally unique.
	CognitoDomainPrefix string
	// ExtraCallbackURLs are OAuth callback (and sign-out) URLs besides the distribution's own
	// https://<distribution>/instelling/ (for example a custom domain).
	ExtraCallbackURLs []string
	// DomainNames and CertificateArn (an ACM certificate in us-east-1) give the distribution a
	// custom domain; only then does its TLSv1.2_2021 minimum apply (the default *.cloudfront.net
	// certificate accepts TLS 1.0 and up).
	DomainNames    []string
	CertificateArn string
	// WebACLArn is the edge stack's AWS WAF web ACL (NewEdgeStack, in us-east-1, as CloudFront
	// requires), attached to the distribution: its rate-based rule limits each client address
	// at the edge, before any Lambda runs. Empty: no WAF (the functions' limits still apply).
	WebACLArn string
	// ReservedConcurrency, when above 0, reserves that many concurrent executions for each
	// function. Off by default: the API stage throttle already caps the load on the on-demand
	// table, and reserving concurrency fails the deploy in a new account whose regional quota is
	// still 10.
	ReservedConcurrency int
	// MailFrom, when set, is the sender of the meldpunt's notices (SES): the stack verifies its
	// identity, lets the meldpunt function and the daily reminder send from it and nothing else,
	// and schedules the reminder. MailIdentity is the domain to verify instead of the address.
	MailFrom     string
	MailIdentity string
	// SurfConext, when its MetadataURL is set, adds SURFconext as the pool's SAML identity
	// provider (infra/signin.go); it needs CognitoDomainPrefix.
	SurfConext SurfConext
}

// Function sizing, the same for the three functions. 256 MB: the Go binaries are small and use
// little memory, but Lambda's CPU share grows with memory and the cold start parses the embedded
// content (YAML) and fetches the secret and the JWKS; 256 MB on arm64 keeps that well under a
// second at a fraction of a cent. 10 s: a warm request takes milliseconds; the limit only has to
// cover a cold start plus the SDK's retries against DynamoDB, and stays below API Gateway's 30 s
// integration limit, so a hung call ends as a clear 503/504 instead of holding the connection.
const (
	functionMemoryMB   = 256
	functionTimeoutSec = 10
)

// Stage throttling. A whole school reaches the API from one NAT address, so these are safety
// nets sized for several schools in a break at once, not per-user limits (those are the edge's
// WAF rule and the functions': 300 intake requests a minute per network, 10 failed receipt
// lookups). Each route has its own bucket, by the function that serves it, so that a flood of
// reports or lookups can never use up the guide's: "acute danger" guidance always answers.
const (
	throttleRatePerSecond = 200
	throttleBurst         = 400
)

// routeThrottles are the per-route limits (requests a second, burst) by function.
var routeThrottles = map[string][2]float64{
	api.FunctionWegwijzer:   {300, 600},
	api.FunctionMeldpunt:    {100, 200},
	api.FunctionInstitution: {50, 100},
}

// AccessLogFormat is the HTTP API stage's access log line. It holds no client address, no user
// agent and no header (no Authorization, no receipt): only what an operator needs to see that
// requests arrive and how they end.
const AccessLogFormat = `{"requestId":"$context.requestId","time":"$context.requestTime","routeKey":"$context.routeKey",` +
	`"status":"$context.status","responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency",` +
	`"integrationErrorMessage":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error"}`

// rewriteFunction maps the app's page addresses to their files, as the local server does
// (api/web.go): /i/{id} is the phone UI with an institution, /instelling is the staff side.
// A CloudFront Function rather than error-response mapping: error responses apply to the whole
// distribution, so they would turn the API's own 403 and 404 answers into index.html.
const rewriteFunction = `function handler(event) {
  var r = event.request;
  var u = r.uri;
  if (/^\/i\/[^\/]+\/?$/.test(u)) {
    r.uri = '/index.html';
  } else if (u === '/instelling' || u === '/instelling/') {
    r.uri = '/instelling/index.html';
  }
  return r;
}`

// deployedFunctions are the Lambda functions the stack makes: every function of the route table
// except the local binary's.
func deployedFunctions() []string {
	var names []string
	for _, r := range api.Routes {
		if r.Function != api.FunctionLocal && !slices.Contains(names, r.Function) {
			names = append(names, r.Function)
		}
	}
	return names
}

// NewMeldwijzerStack makes the whole deployment: web app on S3 + CloudFront, the HTTP API with one
// Lambda per function, the DynamoDB table, the master secret, the staff user pool and alarms.
// NewMeldwijzerStack makes the whole deployment from its parts: the data (table, master secret),
// the staff user pool, one Lambda per function with its environment and grants (functionAccess),
// the HTTP API from the route table, the web app on S3 + CloudFront, and the alarms.
func NewMeldwijzerStack(scope constructs.Construct, id string, props *MeldwijzerStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	alarmEmail := awscdk.NewCfnParameter(stack, jsii.String("AlarmEmail"), &awscdk.CfnParameterProps{
		Type:                  jsii.String("String"),
		Description:           jsii.String("Email address that receives the operational alarms (confirm the subscription mail)"),
		AllowedPattern:        jsii.String(`^[^@\s]+@[^@\s]+\.[^@\s]+$`),
		ConstraintDescription: jsii.String("must be an email address"),
	})

	d := newData(stack)
	pool := newStaffPool(stack, props.CognitoDomainPrefix)
	assetDir := cmp.Or(props.AssetDir, "build")
	fns := map[string]awslambda.Function{}
	for _, name := range deployedFunctions() {
		fns[name] = newFunction(stack, name, filepath.Join(assetDir, name+".zip"), props.ReservedConcurrency)
	}
	webBucket := newWebBucket(stack)
	httpAPI, stage := newHTTPAPI(stack)

	// The distribution is made before the app client, which needs its address for the OAuth
	// callback; CloudFormation orders it Api → Distribution → client → authorizer → routes.
	apiDomain := awscdk.Fn_Join(jsii.String(""), &[]*string{httpAPI.ApiId(), jsii.String(".execute-api."),
		stack.Region(), jsii.String("."), stack.UrlSuffix()})
	ui := hostedUI(stack, props.CognitoDomainPrefix)
	distribution := newDistribution(stack, webBucket, apiDomain, d.originSecret.SecretValue().UnsafeUnwrap(), props.WebACLArn,
		props.DomainNames, props.CertificateArn, staffCSP(ui))
	var surf awscognito.UserPoolIdentityProviderSaml
	if props.SurfConext.MetadataURL != "" {
		surf = newSurfConext(stack, pool, props.SurfConext)
	}
	client := newDashboardClient(pool, distribution, props, surf)
	issuer := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://cognito-idp."), stack.Region(),
		jsii.String("."), stack.UrlSuffix(), jsii.String("/"), pool.UserPoolId()})
	// API Gateway checks the token's signature, issuer, expiry and audience (an ID token's aud, an
	// access token's client_id); the function checks it again and then the institution and role.
	staffAuthorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("StaffJwt"), issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			AuthorizerName: jsii.String("staff-jwt"),
			JwtAudience:    &[]*string{client.UserPoolClientId()},
		})

	access := functionAccess(d, issuer, client.UserPoolClientId())
	if ui != nil {
		addSignIn(access[api.FunctionInstitution].env, ui)
	}
	for _, name := range deployedFunctions() {
		access[name].grant(stack, fns[name], d)
	}
	if props.MailFrom != "" {
		newMail(stack, props, fns[api.FunctionMeldpunt], filepath.Join(assetDir, FunctionRemind+".zip"), d)
	}
	grantMembers(fns[api.FunctionInstitution], pool)
	addRoutes(httpAPI, stage, fns, staffAuthorizer)
	deployWeb(stack, webBucket, distribution, cmp.Or(props.WebDir, "web/static"))
	topic := newAlarms(stack, alarmEmail.ValueAsString(), httpAPI, fns, d.table)
	newPretoken(stack, pool, d, assetDir, topic)

	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: jsii.String("https://" + *distribution.DistributionDomainName() + "/")})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: d.table.TableName()})
	awscdk.NewCfnOutput(stack, jsii.String("KeysTableName"), &awscdk.CfnOutputProps{Value: d.seal.keysTable.TableName()})
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{Value: pool.UserPoolId()})
	awscdk.NewCfnOutput(stack, jsii.String("DashboardClientId"), &awscdk.CfnOutputProps{Value: client.UserPoolClientId()})
	awscdk.NewCfnOutput(stack, jsii.String("TokenIssuer"), &awscdk.CfnOutputProps{Value: issuer})
	return stack
}

// newWebBucket is the private bucket of the web app, behind CloudFront.
func newWebBucket(stack awscdk.Stack) awss3.Bucket {
	webBucket := awss3.NewBucket(stack, jsii.String("WebBucket"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(false),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		// The files are a build product of web/static: the next deploy writes them again.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	cdknag.NagSuppressions_AddResourceSuppressions(webBucket, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("The bucket holds only the public web app (web/static), written by the deploy and read only by " +
			"CloudFront through OAC; server access logs would add a log bucket and record nothing useful, and no visitor data."),
	}}, jsii.Bool(false))
	return webBucket
}

func titled(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
