package main

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
	"meldwijzer/auth"
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
	// ReservedConcurrency, when above 0, reserves that many concurrent executions for each
	// function. Off by default: the API stage throttle already caps the load on the on-demand
	// table, and reserving concurrency fails the deploy in a new account whose regional quota is
	// still 10.
	ReservedConcurrency int
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

// Stage throttling. A whole school reaches the API from one NAT address, and CloudFront adds no
// per-client split, so the stage limits are account-level safety nets sized for several schools
// in a break at once, not per-user limits (those are in the functions: 300 intake requests a
// minute per network, 10 failed receipt lookups).
const (
	throttleRatePerSecond = 200
	throttleBurst         = 400
)

// Table actions per function, exactly what store/dynamo calls. TransactWriteItems is not an IAM
// action: its Put, Update and Delete parts are authorized as PutItem, UpdateItem and DeleteItem
// (no ConditionCheck part is used, so no ConditionCheckItem). DescribeTable and Scan are never
// called.
var (
	// The meldpunt: CreateReport (a transaction of Puts and Updates, GetItem on replay),
	// ReportByReceipt (GetItem) and AddMessage (GetItem, UpdateItem).
	meldpuntTableActions = []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	// The institution function also lists reports (Query, BatchGetItem), reads counts and the
	// audit log (Query), appends audit entries (PutItem, UpdateItem) and sets statuses (a
	// transaction that may delete the idempotency and receipt items: DeleteItem).
	institutionTableActions = []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
		"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
)

// AccessLogFormat is the HTTP API stage's access log line. It holds no client address, no user
// agent and no header (no Authorization, no receipt): only what an operator needs to see that
// requests arrive and how they end.
const AccessLogFormat = `{"requestId":"$context.requestId","time":"$context.requestTime","routeKey":"$context.routeKey",` +
	`"status":"$context.status","responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency",` +
	`"integrationErrorMessage":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error"}`

// ContentSecurityPolicy is sent with every response of the distribution. The web app loads only
// its own files and calls only its own /api/*.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// PermissionsPolicy switches off the browser features the app never uses.
const PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), payment=(), usb=(), interest-cohort=()"

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
func NewMeldwijzerStack(scope constructs.Construct, id string, props *MeldwijzerStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)

	alarmEmail := awscdk.NewCfnParameter(stack, jsii.String("AlarmEmail"), &awscdk.CfnParameterProps{
		Type:                  jsii.String("String"),
		Description:           jsii.String("Email address that receives the operational alarms (confirm the subscription mail)"),
		AllowedPattern:        jsii.String(`^[^@\s]+@[^@\s]+\.[^@\s]+$`),
		ConstraintDescription: jsii.String("must be an email address"),
	})

	// --- Data: one customer-managed key for the table and the master secret.
	dataKey := awskms.NewKey(stack, jsii.String("DataKey"), &awskms.KeyProps{
		Description:       jsii.String("Meldwijzer: reports table and master secret"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})

	table := awsdynamodb.NewTableV2(stack, jsii.String("Table"), &awsdynamodb.TablePropsV2{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String("sk"), Type: awsdynamodb.AttributeType_STRING},
		Billing:             awsdynamodb.Billing_OnDemand(nil),
		Encryption:          awsdynamodb.TableEncryptionV2_CustomerManagedKey(dataKey, nil),
		TimeToLiveAttribute: jsii.String("expiresAt"),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})

	// The master secret: the receipt hashes and idempotency keys are derived from it with HKDF
	// (meldpunt.NewKeys, at least 32 bytes). The functions base64-decode the secret string: 64
	// letters and digits are valid base64 (every character is in the alphabet and 64 is a
	// multiple of 4) and decode to 48 bytes with about 381 bits of entropy.
	secret := awssecretsmanager.NewSecret(stack, jsii.String("MasterSecret"), &awssecretsmanager.SecretProps{
		Description:   jsii.String("Meldwijzer master secret (base64 text; the receipt and idempotency keys derive from it)"),
		EncryptionKey: dataKey,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		// Losing it makes every receipt unusable: keep it when the stack goes.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	// --- Staff sign-in.
	pool := awscognito.NewUserPool(stack, jsii.String("StaffPool"), &awscognito.UserPoolProps{
		// Staff accounts are made by an administrator or come from SURFconext: nobody signs up.
		SelfSignUpEnabled: jsii.Bool(false),
		SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true)},
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		AccountRecovery:   awscognito.AccountRecovery_EMAIL_ONLY,
		// MFA required, with an authenticator app only (no SMS: no phone numbers, no SNS role).
		// A handler reads reports about sexual violence, discrimination and threats: a leaked
		// password alone must not open them. Federated (SURFconext) users are not asked by
		// Cognito; their institution's IdP does MFA.
		Mfa:             awscognito.Mfa_REQUIRED,
		MfaSecondFactor: &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:            jsii.Number(14),
			RequireLowercase:     jsii.Bool(true),
			RequireUppercase:     jsii.Bool(true),
			RequireDigits:        jsii.Bool(true),
			RequireSymbols:       jsii.Bool(true),
			PasswordHistorySize:  jsii.Number(5),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
		},
		// The Plus plan's threat protection (compromised credentials, adaptive authentication)
		// in enforcing mode. Staff are few (a handful per institution), so its per-user price is
		// small next to what an account takeover would expose.
		FeaturePlan:                  awscognito.FeaturePlan_PLUS,
		StandardThreatProtectionMode: awscognito.StandardThreatProtectionMode_FULL_FUNCTION,
		// The institution a staff member belongs to: set once (by an administrator, or for
		// SURFconext users by a pre-token-generation or post-confirmation trigger that maps
		// schac_home_organization to an institution id). Immutable, so neither the user nor the app
		// client can move an account to another school. Do not map it from the IdP with attribute
		// mapping: Cognito rewrites mapped attributes at every sign-in, which an immutable
		// attribute does not allow.
		CustomAttributes: &map[string]awscognito.ICustomAttribute{
			"institution": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{
				MinLen: jsii.Number(1), MaxLen: jsii.Number(64), Mutable: jsii.Bool(false),
			}),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})
	pool.AddGroup(jsii.String("HandlerGroup"), &awscognito.UserPoolGroupOptions{
		GroupName:   jsii.String(auth.RoleHandler),
		Description: jsii.String("Vertrouwenspersoon / meldpunt: reports, messages, statuses, dashboard"),
		Precedence:  jsii.Number(1),
	})
	pool.AddGroup(jsii.String("ViewerGroup"), &awscognito.UserPoolGroupOptions{
		GroupName:   jsii.String(auth.RoleViewer),
		Description: jsii.String("Quality staff and board: the dashboard and the audit log only"),
		Precedence:  jsii.Number(2),
	})
	if props.CognitoDomainPrefix != "" {
		pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
			CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(props.CognitoDomainPrefix)},
		})
	}

	// --- Functions.
	assetDir := props.AssetDir
	if assetDir == "" {
		assetDir = "build"
	}
	fns := map[string]awslambda.Function{}
	for _, name := range deployedFunctions() {
		fns[name] = newFunction(stack, name, filepath.Join(assetDir, name+".zip"), props.ReservedConcurrency)
	}

	// --- Web: a private bucket behind CloudFront.
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

	// --- The HTTP API.
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_THREE_MONTHS,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	httpAPI := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		Description: jsii.String("Meldwijzer HTTP API v1 (api.Routes); reached through CloudFront /api/*"),
		// No CORS: the web app calls the API on its own origin, through CloudFront.
		CreateDefaultStage: jsii.Bool(false),
	})
	stage := httpAPI.AddStage(jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageOptions{
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(throttleRatePerSecond),
			BurstLimit: jsii.Number(throttleBurst),
		},
	})
	cfnStage := stage.Node().DefaultChild().(awsapigatewayv2.CfnStage)
	cfnStage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format:         jsii.String(AccessLogFormat),
	})

	// The distribution (below) is made before the app client, which needs its address for the
	// OAuth callback; CloudFormation orders it Api → Distribution → client → authorizer → routes.
	apiDomain := awscdk.Fn_Join(jsii.String(""), &[]*string{httpAPI.ApiId(), jsii.String(".execute-api."),
		stack.Region(), jsii.String("."), stack.UrlSuffix()})
	distribution := newDistribution(stack, webBucket, apiDomain, props.DomainNames, props.CertificateArn)

	callbacks := []*string{jsii.String("https://" + *distribution.DistributionDomainName() + "/instelling/")}
	for _, d := range props.DomainNames {
		callbacks = append(callbacks, jsii.String("https://"+strings.TrimSpace(d)+"/instelling/"))
	}
	for _, u := range props.ExtraCallbackURLs {
		callbacks = append(callbacks, jsii.String(strings.TrimSpace(u)))
	}
	// The dashboard's app client: a public client (no secret: it runs in the browser), the
	// authorization-code grant only; Cognito requires PKCE from it.
	client := pool.AddClient(jsii.String("DashboardClient"), &awscognito.UserPoolClientOptions{
		GenerateSecret:             jsii.Bool(false),
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AccessTokenValidity:        awscdk.Duration_Hours(jsii.Number(1)),
		IdTokenValidity:            awscdk.Duration_Hours(jsii.Number(1)),
		// A working day; shared school computers should not keep a session longer.
		RefreshTokenValidity: awscdk.Duration_Hours(jsii.Number(10)),
		OAuth: &awscognito.OAuthSettings{
			Flows:        &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true), ImplicitCodeGrant: jsii.Bool(false)},
			Scopes:       &[]awscognito.OAuthScope{awscognito.OAuthScope_OPENID(), awscognito.OAuthScope_EMAIL(), awscognito.OAuthScope_PROFILE()},
			CallbackUrls: &callbacks,
			LogoutUrls:   &callbacks,
		},
		// SURFconext: create an awscognito.UserPoolIdentityProviderOidc (issuer
		// https://connect.surfconext.nl, the client id and secret from the SURF SP Dashboard,
		// scopes openid profile email) and add UserPoolClientIdentityProvider_Custom(<its name>)
		// here, with a dependency on it (see README "Signing in through SURFconext").
		SupportedIdentityProviders: &[]awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()},
		ReadAttributes: awscognito.NewClientAttributes().
			WithStandardAttributes(&awscognito.StandardAttributesMask{Email: jsii.Bool(true), EmailVerified: jsii.Bool(true), Fullname: jsii.Bool(true)}).
			WithCustomAttributes(jsii.String("institution")),
		// The client may not write the institution: only an administrator or a trigger sets it.
		WriteAttributes: awscognito.NewClientAttributes().
			WithStandardAttributes(&awscognito.StandardAttributesMask{Email: jsii.Bool(true), Fullname: jsii.Bool(true)}),
	})

	issuer := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://cognito-idp."), stack.Region(),
		jsii.String("."), stack.UrlSuffix(), jsii.String("/"), pool.UserPoolId()})
	// API Gateway checks the token's signature, issuer, expiry and audience (an ID token's aud, an
	// access token's client_id); the function checks it again and then the institution and role.
	staffAuthorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("StaffJwt"), issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			AuthorizerName: jsii.String("staff-jwt"),
			JwtAudience:    &[]*string{client.UserPoolClientId()},
		})

	// --- Wiring: environment (names only, never a secret value) and grants.
	for _, name := range []string{api.FunctionMeldpunt, api.FunctionInstitution} {
		fn := fns[name]
		if fn == nil {
			continue
		}
		fn.AddEnvironment(jsii.String("TABLE_NAME"), table.TableName(), nil)
		fn.AddEnvironment(jsii.String("SECRET_ARN"), secret.SecretArn(), nil)
		actions := meldpuntTableActions
		if name == api.FunctionInstitution {
			actions = institutionTableActions
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("TableItems"),
			Actions:   jsii.Strings(actions...),
			Resources: jsii.Strings(*table.TableArn()),
		}))
		// The table's CMK, used by DynamoDB on the function's behalf (and only through DynamoDB).
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("TableKeyViaDynamoDB"),
			Actions:   jsii.Strings("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"),
			Resources: jsii.Strings(*dataKey.KeyArn()),
			Conditions: &map[string]any{"StringEquals": map[string]any{
				"kms:ViaService": awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("dynamodb."), stack.Region(), jsii.String("."), stack.UrlSuffix()}),
			}},
		}))
		// GetSecretValue and DescribeSecret on this secret, kms:Decrypt through Secrets Manager.
		secret.GrantRead(fn, nil)
	}
	if fn := fns[api.FunctionInstitution]; fn != nil {
		fn.AddEnvironment(jsii.String("TOKEN_ISSUER"), issuer, nil)
		fn.AddEnvironment(jsii.String("JWKS_URL"), awscdk.Fn_Join(jsii.String(""), &[]*string{issuer, jsii.String("/.well-known/jwks.json")}), nil)
		fn.AddEnvironment(jsii.String("TOKEN_AUDIENCE"), client.UserPoolClientId(), nil)
	}

	// --- Routes: exactly the route table's, except the local binary's.
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, name := range deployedFunctions() {
		integrations[name] = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(titled(name)+"Integration"), fns[name], nil)
	}
	for _, r := range api.Routes {
		if r.Function == api.FunctionLocal {
			continue
		}
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(r.Path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
			Integration: integrations[r.Function],
		}
		if r.Auth == api.AuthStaff {
			opts.Authorizer = staffAuthorizer
		}
		routes := httpAPI.AddRoutes(opts)
		if r.Auth == api.AuthStaff {
			continue
		}
		reason := "Public by design: the anonymous guide and intake have no accounts (docs/design.md); rate limits are in the function."
		if r.Auth == api.AuthReceipt {
			reason = "Anonymous reporter: the function checks the 'Receipt' credential (keyed hash, uniform 401, rate limited)."
		}
		for _, rt := range *routes {
			cdknag.NagSuppressions_AddResourceSuppressions(rt, &[]*cdknag.NagPackSuppression{
				{Id: jsii.String("AwsSolutions-APIG4"), Reason: jsii.String(reason)},
			}, jsii.Bool(true))
		}
	}

	// --- Web content.
	webDir := props.WebDir
	if webDir == "" {
		webDir = "web/static"
	}
	deployWeb(stack, webBucket, distribution, webDir)

	// --- Alarms.
	alarmKey := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("Meldwijzer: alarm topic (CloudWatch alarms publish with it)"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
	})
	// CloudWatch cannot publish to a topic under the AWS-managed SNS key: it needs a CMK that
	// lets the CloudWatch service principal use it.
	alarmKey.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
	}), nil)
	topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Meldwijzer alarms"),
		MasterKey:   alarmKey,
		EnforceSSL:  jsii.Bool(true),
	})
	topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(alarmEmail.ValueAsString(), nil))
	alarmAction := awscloudwatchactions.NewSnsAction(topic)
	alarm := func(id, description string, metric awscloudwatch.IMetric, threshold float64) {
		a := awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
			Metric:             metric,
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String(description),
		})
		a.AddAlarmAction(alarmAction)
	}
	five := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}
	alarm("Api5xxAlarm", "The HTTP API answered 5xx (5 or more in 5 minutes): a function or the table fails",
		httpAPI.MetricServerError(five), 5)
	for _, name := range deployedFunctions() {
		fn := fns[name]
		alarm(titled(name)+"ErrorsAlarm", "The "+name+" function failed (an invocation error or a crash at cold start)", fn.MetricErrors(five), 1)
		alarm(titled(name)+"ThrottlesAlarm", "The "+name+" function was throttled: requests were refused", fn.MetricThrottles(five), 1)
	}
	alarm("TableSystemErrorsAlarm", "DynamoDB returned server errors (HTTP 500) for the reports table",
		table.MetricSystemErrorsForOperations(&awsdynamodb.SystemErrorsForOperationsMetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(5)),
			Operations: &[]awsdynamodb.Operation{awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_BATCH_GET_ITEM,
				awsdynamodb.Operation_QUERY, awsdynamodb.Operation_PUT_ITEM, awsdynamodb.Operation_UPDATE_ITEM,
				awsdynamodb.Operation_DELETE_ITEM, awsdynamodb.Operation_TRANSACT_WRITE_ITEMS},
		}), 1)

	// --- Nag: the master secret is not rotated.
	cdknag.NagSuppressions_AddResourceSuppressions(secret, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SMG4"),
		Reason: jsii.String("The master secret keys the stored receipt hashes (HKDF): rotating it would make every " +
			"issued receipt unusable, so it is rotated only by a planned re-keying, never on a schedule."),
	}}, jsii.Bool(false))

	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: jsii.String("https://" + *distribution.DistributionDomainName() + "/")})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: table.TableName()})
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{Value: pool.UserPoolId()})
	awscdk.NewCfnOutput(stack, jsii.String("DashboardClientId"), &awscdk.CfnOutputProps{Value: client.UserPoolClientId()})
	awscdk.NewCfnOutput(stack, jsii.String("TokenIssuer"), &awscdk.CfnOutputProps{Value: issuer})
	return stack
}

func titled(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
