package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
	"meldwijzer/lambdahttp"
)

// newFunction makes one Lambda function of the route table from its zip (a `bootstrap` for
// provided.al2023 on arm64, made by `make build`). Its role may write its own log group and
// nothing else until the stack grants more: no AWS managed policy, no wildcard.
func newFunction(stack awscdk.Stack, name, zip string, reserved int) awslambda.Function {
	id := titled(name)
	logGroup := awslogs.NewLogGroup(stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		// Three months: enough to follow up an incident; the logs hold no personal data
		// (method, route pattern, status, duration), so there is nothing to keep longer.
		Retention:     awslogs.RetentionDays_THREE_MONTHS,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	role := awsiam.NewRole(stack, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Meldwijzer " + name + " function"),
	})
	logGroup.GrantWrite(role)
	props := &awslambda.FunctionProps{
		Description:   jsii.String("Meldwijzer " + name + " (routes of api.Routes with Function " + name + ")"),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(zip), nil),
		MemorySize:    jsii.Number(functionMemoryMB),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(functionTimeoutSec)),
		LoggingFormat: awslambda.LoggingFormat_JSON,
		LogGroup:      logGroup,
		Role:          role,
	}
	if reserved > 0 {
		props.ReservedConcurrentExecutions = jsii.Number(float64(reserved))
	}
	fn := awslambda.NewFunction(stack, jsii.String(id+"Function"), props)
	// The log group exists before the function writes to it, so Lambda never creates its own
	// (which would have no retention).
	fn.Node().AddDependency(logGroup)
	return fn
}

// newDistribution puts the web bucket (default behaviour) and the HTTP API (/api/*, /healthz)
// behind one CloudFront distribution, so the app and its API share an origin: no CORS, and the
// strict CSP's connect-src 'self' holds.
// staffCSP, when set, is the staff pages' policy (/instelling: the sign-in provider's token
// endpoint in connect-src); every other page keeps api.ContentSecurityPolicy.
func newDistribution(stack awscdk.Stack, bucket awss3.Bucket, apiDomain, originSecret *string, webACLArn string, domainNames []string, certificateArn string, staffCSP *string) awscloudfront.Distribution {
	headers := newSecurityHeaders(stack, "SecurityHeaders", jsii.String(api.ContentSecurityPolicy))

	rewrite := awscloudfront.NewFunction(stack, jsii.String("PageRewrite"), &awscloudfront.FunctionProps{
		Comment: jsii.String("Meldwijzer: /i/{id} and /instelling to their index.html"),
		Code:    awscloudfront.FunctionCode_FromInline(jsii.String(rewriteFunction)),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
	})

	apiOrigin := awscloudfrontorigins.NewHttpOrigin(apiDomain, &awscloudfrontorigins.HttpOriginProps{
		ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
		OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
		// Only CloudFront knows it: the functions refuse a request without it, and trust
		// CloudFront-Viewer-Address only beside it (lambdahttp.Options).
		CustomHeaders: &map[string]*string{lambdahttp.OriginSecretHeader: originSecret},
	})
	apiBehavior := &awscloudfront.BehaviorOptions{
		Origin:               apiOrigin,
		ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
		AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_ALL(),
		CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
		// Every viewer header but Host (API Gateway routes on its own host name), including
		// Authorization, Idempotency-Key and CloudFront-Viewer-Address.
		OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
		ResponseHeadersPolicy: headers,
		Compress:              jsii.Bool(true),
	}

	props := &awscloudfront.DistributionProps{
		Comment:           jsii.String("Meldwijzer: web app and /api/*"),
		DefaultRootObject: jsii.String("index.html"),
		HttpVersion:       awscloudfront.HttpVersion_HTTP2_AND_3,
		// Europe and North America: the users are in the Netherlands.
		PriceClass: awscloudfront.PriceClass_PRICE_CLASS_100,
		// No standard logging: it would record every visitor's IP address and user agent.
		EnableLogging: jsii.Bool(false),
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: headers,
			Compress:              jsii.Bool(true),
			FunctionAssociations: &[]*awscloudfront.FunctionAssociation{
				{Function: rewrite, EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST},
			},
		},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			"/api/*":   apiBehavior,
			"/healthz": apiBehavior,
		},
	}
	if staffCSP != nil {
		staff := *props.DefaultBehavior
		staff.ResponseHeadersPolicy = newSecurityHeaders(stack, "StaffSecurityHeaders", staffCSP)
		(*props.AdditionalBehaviors)["/instelling"] = &staff
		(*props.AdditionalBehaviors)["/instelling/*"] = &staff
	}
	if certificateArn != "" {
		props.Certificate = awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"), jsii.String(certificateArn))
		props.DomainNames = jsii.Strings(domainNames...)
		props.MinimumProtocolVersion = awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021
		props.SslSupportMethod = awscloudfront.SSLMethod_SNI
	}
	if webACLArn != "" {
		props.WebAclId = jsii.String(webACLArn)
	}
	dist := awscloudfront.NewDistribution(stack, jsii.String("Distribution"), props)
	suppressions := []*cdknag.NagPackSuppression{
		{Id: jsii.String("AwsSolutions-CFR3"), Reason: jsii.String(
			"Standard logging is off on purpose: it records each visitor's IP address and user agent, and the meldpunt promises anonymity (docs/design.md).")},
		{Id: jsii.String("AwsSolutions-CFR1"), Reason: jsii.String(
			"No geo restriction: students abroad (internships, holidays) must still reach help and their school's meldpunt.")},
	}
	if webACLArn == "" {
		suppressions = append(suppressions, &cdknag.NagPackSuppression{Id: jsii.String("AwsSolutions-CFR2"), Reason: jsii.String(
			"No web ACL given (context webAclArn, from the MeldwijzerEdge stack in us-east-1): the functions' and the stage's limits apply.")})
	}
	if certificateArn == "" {
		suppressions = append(suppressions, &cdknag.NagPackSuppression{Id: jsii.String("AwsSolutions-CFR4"), Reason: jsii.String(
			"No custom domain yet: the default *.cloudfront.net certificate's security policy is fixed by CloudFront (TLSv1). " +
				"Pass domainNames and certificateArn to get TLSv1.2_2021; HSTS and HTTPS-only already apply.")})
	}
	cdknag.NagSuppressions_AddResourceSuppressions(dist, &suppressions, jsii.Bool(false))
	return dist
}

// deployWeb copies web/static into the bucket on every deploy and invalidates the distribution.
// BucketDeployment runs as a Lambda-backed custom resource; it gets its own role (no managed
// policy) and a log group with retention.
func deployWeb(stack awscdk.Stack, bucket awss3.Bucket, dist awscloudfront.Distribution, dir string) {
	logGroup := awslogs.NewLogGroup(stack, jsii.String("WebDeploymentLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	role := awsiam.NewRole(stack, jsii.String("WebDeploymentRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Meldwijzer: copies web/static to the web bucket at deploy time"),
	})
	logGroup.GrantWrite(role)
	awss3deployment.NewBucketDeployment(stack, jsii.String("WebDeployment"), &awss3deployment.BucketDeploymentProps{
		Sources:           &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(dir), nil)},
		DestinationBucket: bucket,
		Distribution:      dist,
		DistributionPaths: jsii.Strings("/*"),
		Prune:             jsii.Bool(true),
		Role:              role,
		LogGroup:          logGroup,
		MemoryLimit:       jsii.Number(256),
	})
	// The grants BucketDeployment itself adds to the role: read the CDK asset, write and prune the
	// web bucket, invalidate the distribution. They run only while CloudFormation deploys.
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("BucketDeployment's own grants, used only at deploy time: read its asset from the CDK asset bucket, " +
			"copy and prune objects in the web bucket (object-level wildcards), and CloudFront invalidations, which CDK grants on '*'."),
		AppliesTo: &[]any{
			"Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*", "Action::s3:Abort*",
			"Resource::<" + *stack.GetLogicalId(bucket.Node().DefaultChild().(awscdk.CfnElement)) + ".Arn>/*",
			&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-.+\/\*$/`)},
			"Resource::*",
		},
	}}, jsii.Bool(true))
	// The custom resource's handler is CDK's own singleton function (Python), at stack level.
	// Its construct id is "Custom::CDKBucketDeployment" + a fixed uuid + the memory size.
	for _, c := range *stack.Node().Children() {
		if !strings.HasPrefix(*c.Node().Id(), "Custom::CDKBucketDeployment") {
			continue
		}
		cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-L1"),
			Reason: jsii.String("CDK's BucketDeployment handler: aws-cdk-lib pins its Python runtime (python3.13 in v2.275.0); " +
				"it runs only during deploys and moves with the aws-cdk-lib version."),
		}}, jsii.Bool(true))
	}
}

// newSecurityHeaders is a response headers policy: the CSP given, HSTS, no referrer, no framing,
// the permissions policy.
func newSecurityHeaders(stack awscdk.Stack, id string, csp *string) awscloudfront.ResponseHeadersPolicy {
	return awscloudfront.NewResponseHeadersPolicy(stack, jsii.String(id), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("Meldwijzer: strict CSP, HSTS, no referrer, no framing"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: csp, Override: jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(730)),
				IncludeSubdomains:   jsii.Bool(true), Preload: jsii.Bool(true), Override: jsii.Bool(true),
			},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_NO_REFERRER, Override: jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY, Override: jsii.Bool(true),
			},
		},
		CustomHeadersBehavior: &awscloudfront.ResponseCustomHeadersBehavior{
			CustomHeaders: &[]*awscloudfront.ResponseCustomHeader{
				{Header: jsii.String("Permissions-Policy"), Value: jsii.String(api.PermissionsPolicy), Override: jsii.Bool(true)},
			},
		},
	})
}
