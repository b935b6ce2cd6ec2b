package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"meldwijzer/api"
)

// newHTTPAPI is the HTTP API with its throttled default stage and anonymous access log.
func newHTTPAPI(stack awscdk.Stack) (awsapigatewayv2.HttpApi, awsapigatewayv2.CfnStage) {
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

	return httpAPI, cfnStage
}

// addRoutes adds exactly the route table's routes, except the local binary's; staff routes
// get the JWT authorizer.
// Each route gets its function's throttle (routeThrottles); the stage is made after the routes,
// since a route setting must name a route that exists.
func addRoutes(httpAPI awsapigatewayv2.HttpApi, stage awsapigatewayv2.CfnStage, fns map[string]awslambda.Function, staffAuthorizer awsapigatewayv2authorizers.HttpJwtAuthorizer) {
	settings := map[string]any{}
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
		limit := routeThrottles[r.Function]
		settings[r.Method+" "+r.Path] = map[string]any{"ThrottlingRateLimit": limit[0], "ThrottlingBurstLimit": limit[1]}
		for _, rt := range *routes {
			stage.Node().AddDependency(rt)
		}
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
	stage.SetRouteSettings(settings)
}
