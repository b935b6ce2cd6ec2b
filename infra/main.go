// Command infra is Meldwijzer's AWS CDK app (cdk.json runs `go run ./infra` from the repository
// root). It synthesizes one environment-agnostic stack and runs the cdk-nag AwsSolutions checks on
// it: a nag error fails the synth.
//
// Deploy (from the repository root, after `make build`):
//
//	npm --prefix tools exec -- cdk deploy -c region=eu-west-1 --parameters AlarmEmail=ops@school.example
//
// Context values (all optional, `-c key=value`):
//
//	region               the region to deploy to (else CDK_DEFAULT_REGION, which the CLI sets from
//	                     AWS_REGION or the profile, and to us-east-1 when nothing is configured)
//	assetDir             where the function zips are (default "build": build/<name>.zip)
//	webDir               the static web app (default "web/static")
//	cognitoDomainPrefix  a Cognito hosted-UI domain prefix (needed for sign-in and for SURFconext)
//	callbackUrls         extra OAuth callback URLs for the dashboard, comma separated
//	domainNames          custom domain names for the distribution, comma separated (with certificateArn)
//	certificateArn       an ACM certificate in us-east-1 for those names (enables TLSv1.2_2021)
//	reservedConcurrency  reserved concurrency per function (default: none; see stack.go)
//	webAclArn            the MeldwijzerEdge stack's web ACL (deploy that stack first, in us-east-1)
//	mailFrom             the sender of the meldpunt's notices (SES); none: no notices, no reminder
//	mailIdentity         a domain to verify in SES for mailFrom (default: the address itself)
//	surfconextMetadataUrl       SURFconext's SAML IdP metadata URL: adds SURFconext sign-in (needs
//	                            cognitoDomainPrefix)
//	surfconextGroupsAttribute   the SAML attribute with the school's groups: eduPersonEntitlement
//	                            (default), isMemberOf, or a full attribute name
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	ctx := func(key, def string) string {
		if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return v
		}
		return def
	}

	props := &MeldwijzerStackProps{
		AssetDir:            ctx("assetDir", "build"),
		WebDir:              ctx("webDir", "web/static"),
		CognitoDomainPrefix: ctx("cognitoDomainPrefix", ""),
	}
	if v := ctx("callbackUrls", ""); v != "" {
		props.ExtraCallbackURLs = strings.Split(v, ",")
	}
	if v := ctx("domainNames", ""); v != "" {
		props.DomainNames = strings.Split(v, ",")
	}
	props.CertificateArn = ctx("certificateArn", "")
	props.WebACLArn = ctx("webAclArn", "")
	props.SurfConext = SurfConext{MetadataURL: ctx("surfconextMetadataUrl", ""), GroupsAttribute: ctx("surfconextGroupsAttribute", "")}
	switch props.SurfConext.GroupsAttribute {
	case "eduPersonEntitlement":
		props.SurfConext.GroupsAttribute = samlEntitlement
	case "isMemberOf":
		props.SurfConext.GroupsAttribute = samlIsMemberOf
	}
	if props.SurfConext.MetadataURL != "" && props.CognitoDomainPrefix == "" {
		panic("context surfconextMetadataUrl needs cognitoDomainPrefix (SURFconext answers at the pool's domain)")
	}
	props.MailFrom, props.MailIdentity = ctx("mailFrom", ""), ctx("mailIdentity", "")
	if props.MailIdentity != "" && !strings.HasSuffix(props.MailFrom, "@"+props.MailIdentity) {
		panic("context mailIdentity must be the domain of mailFrom")
	}
	if (len(props.DomainNames) == 0) != (props.CertificateArn == "") {
		panic("context domainNames and certificateArn go together")
	}
	if v := ctx("reservedConcurrency", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			panic("context reservedConcurrency must be a positive number")
		}
		props.ReservedConcurrency = n
	}
	// No account and no lookups: the template is the same for every account. The region must be
	// known at synth time: TableV2 with a customer-managed key cannot render its SSE settings in a
	// region-agnostic stack.
	region := ctx("region", os.Getenv("CDK_DEFAULT_REGION"))
	if region == "" {
		fmt.Fprintln(os.Stderr, "infra: no region: pass -c region=eu-west-1 or set CDK_DEFAULT_REGION")
		os.Exit(2)
	}
	props.Env = &awscdk.Environment{Region: jsii.String(region)}
	props.Description = jsii.String("Meldwijzer: guide and anonymous reporting point for social safety in mbo schools")

	NewMeldwijzerStack(app, "Meldwijzer", props)
	// The edge's web ACL, in us-east-1 as CloudFront requires; deploy it first and pass its
	// WebAclArn output as -c webAclArn.
	NewEdgeStack(app, "MeldwijzerEdge", &awscdk.StackProps{
		Env:         &awscdk.Environment{Region: jsii.String("us-east-1")},
		Description: jsii.String("Meldwijzer edge: AWS WAF rate limit per client address, without logging"),
	})

	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	app.Synth(nil)
}
