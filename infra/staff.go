package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/auth"
	"meldwijzer/signin"
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
		// custom:institution is the institution of an account an administrator made: set once,
		// immutable, so neither the user nor the app client can move an account to another
		// school. A SURFconext user has none: the pre-token-generation trigger (signin) puts the
		// institution in the token from custom:schac_home, which the IdP's mapping rewrites at
		// every sign-in (an immutable attribute cannot be mapped).
		CustomAttributes:   customAttributes(),
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
	// The school's admin grants these (the members routes); sector only the operator.
	pool.AddGroup(jsii.String("AdminGroup"), &awscognito.UserPoolGroupOptions{
		GroupName:   jsii.String(auth.RoleAdmin),
		Description: jsii.String("The school's admin: its contacts, settings and who has which role"),
		Precedence:  jsii.Number(3),
	})
	pool.AddGroup(jsii.String("StaffGroup"), &awscognito.UserPoolGroupOptions{
		GroupName:   jsii.String(auth.RoleStaff),
		Description: jsii.String("Any employee: registers incidents and sees their own"),
		Precedence:  jsii.Number(4),
	})
	pool.AddGroup(jsii.String("SectorGroup"), &awscognito.UserPoolGroupOptions{
		GroupName:   jsii.String(auth.RoleSector),
		Description: jsii.String("The sector view across institutions; only for accounts without an institution, granted by the operator"),
		Precedence:  jsii.Number(5),
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
// With SURFconext (surf not nil) the client offers it and may write the attributes it maps
// (Cognito requires that); the trigger trusts those only for users who came from SURFconext.
func newDashboardClient(pool awscognito.UserPool, distribution awscloudfront.Distribution, props *MeldwijzerStackProps, surf awscognito.UserPoolIdentityProviderSaml) awscognito.UserPoolClient {
	callbacks := []*string{jsii.String("https://" + *distribution.DistributionDomainName() + "/instelling/")}
	for _, d := range props.DomainNames {
		callbacks = append(callbacks, jsii.String("https://"+strings.TrimSpace(d)+"/instelling/"))
	}
	for _, u := range props.ExtraCallbackURLs {
		callbacks = append(callbacks, jsii.String(strings.TrimSpace(u)))
	}
	providers := []awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()}
	write := awscognito.NewClientAttributes().
		WithStandardAttributes(&awscognito.StandardAttributesMask{Email: jsii.Bool(true), Fullname: jsii.Bool(true)})
	if surf != nil {
		providers = append(providers, awscognito.UserPoolClientIdentityProvider_Custom(surf.ProviderName()))
		write = write.WithStandardAttributes(&awscognito.StandardAttributesMask{Email: jsii.Bool(true), Fullname: jsii.Bool(true), PreferredUsername: jsii.Bool(true)}).
			WithCustomAttributes(jsii.String(customName(signin.AttrHomeOrg)), jsii.String(customName(signin.AttrGroups)))
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
		SupportedIdentityProviders: &providers,
		ReadAttributes: awscognito.NewClientAttributes().
			WithStandardAttributes(&awscognito.StandardAttributesMask{Email: jsii.Bool(true), EmailVerified: jsii.Bool(true), Fullname: jsii.Bool(true)}).
			WithCustomAttributes(jsii.String("institution")),
		// The client may not write the institution: only an administrator or a trigger sets it.
		WriteAttributes: write,
	})
	if surf != nil {
		client.Node().AddDependency(surf)
	}

	return client
}

// customAttributes are the pool's custom attributes: the institution of an account an operator
// makes (immutable), and those SURFconext's mapping writes (signinAttributes).
func customAttributes() *map[string]awscognito.ICustomAttribute {
	attrs := signinAttributes()
	attrs["institution"] = awscognito.NewStringAttribute(&awscognito.StringAttributeProps{
		MinLen: jsii.Number(1), MaxLen: jsii.Number(64), Mutable: jsii.Bool(false),
	})
	return &attrs
}
