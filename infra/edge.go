package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Edge rate limit: requests per client address in five minutes to the API, the guide excepted.
// A whole school shares one address, so it is generous (600 a minute: above the functions' own
// 300 reports and 600 lookups a minute per network), and it stops a single address's flood at
// the edge before any function runs. The guide has no limit here: nothing may stand between a
// pupil and acute-danger guidance.
const edgeRateLimit = 3000

// NewEdgeStack is the AWS WAF web ACL the distribution uses (MeldwijzerStackProps.WebACLArn). It
// must be deployed in us-east-1: CloudFront takes web ACLs only from there. It has no logging
// configuration and keeps no sampled requests: both would record visitors' addresses.
func NewEdgeStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	visibility := func(name string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
		return &awswafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true),
			MetricName:               jsii.String(name),
			SampledRequestsEnabled:   jsii.Bool(false),
		}
	}
	acl := awswafv2.NewCfnWebACL(stack, jsii.String("WebAcl"), &awswafv2.CfnWebACLProps{
		Scope:            jsii.String("CLOUDFRONT"),
		Description:      jsii.String("Meldwijzer: rate limit per client address on the API, the guide excepted"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: &awswafv2.CfnWebACL_AllowActionProperty{}},
		VisibilityConfig: visibility("meldwijzer-edge"),
		CustomResponseBodies: &map[string]*awswafv2.CfnWebACL_CustomResponseBodyProperty{
			"rateLimited": {ContentType: jsii.String("APPLICATION_JSON"),
				Content: jsii.String(`{"error":{"code":"rate_limited","message":"too many requests from this network; try again in a minute"}}`)},
		},
		Rules: &[]*awswafv2.CfnWebACL_RuleProperty{{
			Name:     jsii.String("api-rate-per-address"),
			Priority: jsii.Number(0),
			Action: &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{
				CustomResponse: &awswafv2.CfnWebACL_CustomResponseProperty{
					ResponseCode:          jsii.Number(429),
					CustomResponseBodyKey: jsii.String("rateLimited"),
					ResponseHeaders:       &[]*awswafv2.CfnWebACL_CustomHTTPHeaderProperty{{Name: jsii.String("Retry-After"), Value: jsii.String("60")}},
				},
			}},
			Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
				Limit:               jsii.Number(edgeRateLimit),
				EvaluationWindowSec: jsii.Number(300),
				AggregateKeyType:    jsii.String("IP"),
				ScopeDownStatement: &awswafv2.CfnWebACL_StatementProperty{AndStatement: &awswafv2.CfnWebACL_AndStatementProperty{
					Statements: &[]*awswafv2.CfnWebACL_StatementProperty{
						pathStartsWith("/api/"),
						{NotStatement: &awswafv2.CfnWebACL_NotStatementProperty{Statement: pathStartsWith("/api/v1/wegwijzer/")}},
					},
				}},
			}},
			VisibilityConfig: visibility("meldwijzer-api-rate"),
		}},
	})
	awscdk.NewCfnOutput(stack, jsii.String("WebAclArn"), &awscdk.CfnOutputProps{
		Value:       acl.AttrArn(),
		Description: jsii.String("Pass to the Meldwijzer stack: -c webAclArn=<this>"),
	})
	return stack
}

func pathStartsWith(prefix string) *awswafv2.CfnWebACL_StatementProperty {
	return &awswafv2.CfnWebACL_StatementProperty{ByteMatchStatement: &awswafv2.CfnWebACL_ByteMatchStatementProperty{
		FieldToMatch:         &awswafv2.CfnWebACL_FieldToMatchProperty{UriPath: map[string]any{}},
		PositionalConstraint: jsii.String("STARTS_WITH"),
		SearchString:         jsii.String(prefix),
		TextTransformations:  &[]*awswafv2.CfnWebACL_TextTransformationProperty{{Priority: jsii.Number(0), Type: jsii.String("NONE")}},
	}}
}
