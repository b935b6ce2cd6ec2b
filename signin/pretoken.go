package signin

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
)

// Trigger is the Cognito pre-token-generation trigger. It answers both event versions: V2_0
// (what the stack configures; the Essentials and Plus plans) and V1_0 (any plan), and it changes
// only the ID token, the one the API accepts.
type Trigger struct {
	Institutions Lookup
	// Provider is the SURFconext identity provider's name in the pool (ProviderName when "").
	Provider string
	Log      *slog.Logger
}

// Claims the token carries (auth/auth.go reads them).
const (
	claimInstitution = "institution"
	claimRole        = "role"
	claimRoles       = "roles"
)

// suppressed are removed from the ID token when the trigger grants no institution: an
// operator-set custom:institution then does not reach the API either (a conflict with the
// domain), and the raw directory values never reach a token.
var suppressed = []string{AttrInstitution, AttrHomeOrg, AttrGroups}

// Handle answers one trigger event (the JSON Cognito sends) with the same event and its
// response. An error fails the sign-in; only a store that cannot be read gives one.
func (t *Trigger) Handle(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var head events.CognitoEventUserPoolsHeader
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("signin: not a Cognito trigger event: %w", err)
	}
	if t.Institutions == nil {
		return nil, errNoLookup
	}
	provider := t.Provider
	if provider == "" {
		provider = ProviderName
	}
	switch head.Version {
	case "1":
		var e events.CognitoEventUserPoolsPreTokenGen
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("signin: pre-token event v1: %w", err)
		}
		g, err := grant(ctx, t.Institutions, provider, user{attrs: e.Request.UserAttributes, groups: e.Request.GroupConfiguration.GroupsToOverride})
		if err != nil {
			return nil, err
		}
		t.logGrant(ctx, head, g)
		// V1 claims are strings only: the roles go in cognito:groups (the verifier reads them).
		d := events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{},
			GroupOverrideDetails:  events.GroupConfiguration{GroupsToOverride: nonNil(g.Roles), IAMRolesToOverride: []string{}},
		}
		d.ClaimsToSuppress = claimsV1(g, d.ClaimsToAddOrOverride)
		e.Response.ClaimsOverrideDetails = d
		return json.Marshal(e)
	case "2", "3":
		var e events.CognitoEventUserPoolsPreTokenGenV2_0
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("signin: pre-token event v2: %w", err)
		}
		g, err := grant(ctx, t.Institutions, provider, user{attrs: e.Request.UserAttributes, groups: e.Request.GroupConfiguration.GroupsToOverride})
		if err != nil {
			return nil, err
		}
		t.logGrant(ctx, head, g)
		add := map[string]any{}
		var suppress []string
		if g.Institution != "" {
			add[claimInstitution] = g.Institution
		} else {
			suppress = suppressed
		}
		if len(g.Roles) > 0 {
			add[claimRole], add[claimRoles] = g.Roles[0], g.Roles
		}
		e.Response.ClaimsAndScopeOverrideDetails = events.ClaimsAndScopeOverrideDetailsV2_0{
			IDTokenGeneration:    events.IDTokenGenerationV2_0{ClaimsToAddOrOverride: add, ClaimsToSuppress: nonNil(suppress)},
			GroupOverrideDetails: events.GroupConfigurationV2_0{GroupsToOverride: nonNil(g.Roles), IAMRolesToOverride: []string{}},
		}
		return json.Marshal(e)
	default:
		return nil, fmt.Errorf("signin: pre-token event version %q is not supported", head.Version)
	}
}

// claimsV1 fills add with the V1 claims and returns the claims to suppress.
func claimsV1(g Grant, add map[string]string) []string {
	if len(g.Roles) > 0 {
		add[claimRole] = g.Roles[0]
	}
	if g.Institution == "" {
		return suppressed
	}
	add[claimInstitution] = g.Institution
	return []string{}
}

// logGrant logs the outcome: the trigger source, the roles and why access is missing. Never the
// user, the domain or the groups.
func (t *Trigger) logGrant(ctx context.Context, head events.CognitoEventUserPoolsHeader, g Grant) {
	if t.Log == nil {
		return
	}
	t.Log.InfoContext(ctx, "pretoken", slog.String("trigger", head.TriggerSource), slog.Bool("institution", g.Institution != ""),
		slog.Any("roles", g.Roles), slog.String("reason", g.Reason))
}

// nonNil makes an empty list [] in JSON: the trigger always sends the groups it decided, even
// none, rather than leave the pool's own groups in the token.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
