package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/auth"
)

// newStaffPool is the staff's user pool: no self sign-up, MFA, the institution as an immutable
// attribute, one group per role (auth.Role*).
func newStaffPool(stack awscdk.Stack, domainPrefix string) awscognito.UserPool {
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
	if domainPrefix != "" {
		pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
			CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(domainPrefix)},
		})
	}
	return pool
}

// newDashboardClient is the dashboard's app client, with OAuth callbacks on the distribution's
// address, the custom domains and any extra URLs.
func newDashboardClient(pool awscognito.UserPool, distribution awscloudfront.Distribution, props *MeldwijzerStackProps) awscognito.UserPoolClient {
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

	return client
}
