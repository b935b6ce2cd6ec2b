// Package app builds Meldwijzer from its parts: the content, the guide, the meldpunt service and
// the HTTP API. It is the one place that wires them (as wtf's Main), used by the local binary,
// each Lambda function and the tests, so that they all run the same app.
package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"meldwijzer"
	"meldwijzer/api"
	"meldwijzer/auth"
	"meldwijzer/catalog"
	"meldwijzer/content"
	"meldwijzer/lambdahttp"
	"meldwijzer/meldpunt"
	"meldwijzer/members"
	"meldwijzer/seal"
	"meldwijzer/sector"
	"meldwijzer/wegwijzer"
)

// Store keeps reports, incidents and the audit log (store/bolt and store/dynamo are both).
type Store interface {
	meldwijzer.ReportStore
	meldwijzer.AuditLog
	meldwijzer.IncidentStore
}

// Options are the parts the caller made: stores, keys and clients, never read here from the
// environment (config.FromEnv does that).
type Options struct {
	// Functions are the route table's functions to serve (api.Function*); none serves all, as
	// the local binary does. The guide is loaded only when the wegwijzer is served.
	Functions []string
	// Store is nil for a function that serves no reports; Secret is the master secret that the
	// receipts and idempotency keys derive from (with Store; nil when the meldpunt's routes are
	// not served, as in the institution function).
	Store  Store
	Secret []byte
	// Sealer seals the text people write (required with Store: no text is stored unsealed).
	Sealer *seal.Sealer
	// Verifier checks staff tokens; LocalSigner signs the demo sign-in's (local binary only).
	Verifier    *auth.Verifier
	LocalSigner *auth.LocalKey
	// SignIn is the OpenID Connect provider the staff pages sign in with (nil: none).
	SignIn *auth.Provider
	// Web is the phone UI's static files (nil behind CloudFront).
	Web    fs.FS
	Logger *slog.Logger
	// Retention after closing, the dashboard's K and the rate limits: the defaults when zero.
	Retention time.Duration
	K         int
	Limits    api.Limits
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Demo serves the demo institutions (and, with LocalSigner, the demo sign-in); Hosts is
	// the local server's Host allow-list (api.Config).
	Demo  bool
	Hosts []string
	// Notifier tells the institutions' meldpunt about new reports and messages (nil: none).
	Notifier meldpunt.Notifier
	// Members is the role directory (the Cognito user pool) for "who has access"; nil where the
	// identity provider's groups are the roles (the members routes then answer 501).
	Members members.Directory
	// Institutions reads the institution records; nil: Store's, when it is one (bolt and dynamo
	// are), else none (only the demo seed, in demo mode). With a Store it must also write (the
	// admin's settings): a reader alone (store/dynamoread) is for the guide's function.
	Institutions meldwijzer.InstitutionReader
	// InstitutionTTL is how long the institutions are cached (catalog.TTL when zero).
	InstitutionTTL time.Duration
	// Content and Guide, when set, are used instead of loading content.FS (tests load it once).
	Content *content.Bundle
	Guide   *wegwijzer.Guide
	// Participants lists the institutions in the sector view; in demo mode without it, the
	// fictitious meldpunt.DemoParticipants.
	Participants func(context.Context) ([]sector.Participant, error)
}

// App is Meldwijzer wired.
type App struct {
	Content *content.Bundle
	// Guide is nil when the wegwijzer is not served; Meldpunt is nil without a store.
	Guide    *wegwijzer.Guide
	Meldpunt *meldpunt.Service
	Server   *api.Server
	// Institutions are the institutions served: the store behind a short cache.
	Institutions *catalog.Catalog

	functions []string
}

// New wires the app; it does no I/O beyond reading the embedded content.
func New(o Options) (*App, error) {
	a := &App{Content: o.Content, Guide: o.Guide, functions: o.Functions}
	if a.Content == nil || (a.Guide == nil && a.serves(api.FunctionWegwijzer)) {
		var err error
		if a.serves(api.FunctionWegwijzer) {
			a.Guide, a.Content, err = wegwijzer.Embedded()
		} else {
			a.Content, err = content.LoadEmbedded()
		}
		if err != nil {
			return nil, err
		}
	}
	instStore := o.Institutions
	if is, ok := o.Store.(meldwijzer.InstitutionStore); ok && instStore == nil {
		instStore = is
	}
	var seed []*meldwijzer.Institution
	if o.Demo {
		seed = a.Content.DemoSeed(time.Time{})
	}
	a.Institutions = catalog.New(instStore, catalog.Options{Demo: o.Demo, Seed: seed, TTL: o.InstitutionTTL, Logger: o.Logger})
	if a.Guide != nil {
		a.Guide = a.Guide.WithInstitutions(a.Institutions)
	}
	var settings *catalog.Settings
	if o.Store != nil {
		writer, ok := instStore.(meldwijzer.InstitutionStore)
		if !ok && instStore != nil {
			return nil, errors.New("app: a store's institutions must be writable (the admin's settings); a reader alone is for the guide")
		}
		settings = catalog.NewSettings(a.Institutions, writer, a.Content, o.Store, o.Now)
	}
	if o.Store != nil {
		if o.Sealer == nil {
			return nil, errors.New("app: a store needs a sealer (seal.New): report text is never stored unsealed")
		}
		// Without a secret (the institution function) the service takes and finds no reports
		// by receipt; it needs none to serve staff.
		var keys *meldpunt.Keys
		if o.Secret != nil || a.serves(api.FunctionMeldpunt) {
			var err error
			if keys, err = meldpunt.NewKeys(o.Secret); err != nil {
				return nil, err
			}
		}
		values := map[string][]string{}
		for _, d := range []string{"theme", "where", "audience", "ground"} {
			values[d] = a.Content.IDs(d)
		}
		// The sector view's participants are the institutions whose record says they take part
		// (the catalog hides demo records outside demo mode); a demo server's are fictitious.
		participants := o.Participants
		switch {
		case participants == nil && o.Demo:
			participants = func(context.Context) ([]sector.Participant, error) { return meldpunt.DemoParticipants, nil }
		case participants == nil && instStore != nil:
			participants = func(context.Context) ([]sector.Participant, error) {
				list, err := a.Institutions.Institutions()
				return sector.Participating(list), err
			}
		}
		a.Meldpunt = meldpunt.New(meldpunt.Config{
			Store: o.Store, AuditLog: o.Store, Keys: keys, Sealer: o.Sealer, Retention: o.Retention, Now: o.Now,
			Institution: func(id string) bool { return a.Server.Serves(id) },
			Values:      values, K: o.K, Incidents: o.Store, Notifier: o.Notifier, Participants: participants,
		})
	}
	var who *members.Service
	if o.Members != nil {
		if instStore == nil {
			return nil, errors.New("app: a members directory needs the institution store")
		}
		if o.Store == nil {
			return nil, errors.New("app: a members directory needs the audit log's store")
		}
		who = members.New(o.Members, instStore, o.Store, o.Now)
	}
	a.Server = api.NewServer(api.Config{
		Members: who,
		Content: a.Content, Guide: a.Guide, Meldpunt: a.Meldpunt, Logger: o.Logger, Web: o.Web,
		Limits: o.Limits, Verifier: o.Verifier, LocalSigner: o.LocalSigner, SignIn: o.SignIn, Now: o.Now,
		Demo: o.Demo, Hosts: o.Hosts, Institutions: a.Institutions, Settings: settings,
	})
	return a, nil
}

// serves reports whether the app serves the function's routes.
func (a *App) serves(function string) bool {
	return len(a.functions) == 0 || slices.Contains(a.functions, function)
}

// Handler is the HTTP handler of the app's functions (and the web app, when it has one).
func (a *App) Handler() http.Handler { return a.Server.Handler(a.functions...) }

// Lambda is the app's handler as a Lambda function behind API Gateway; originSecret is what
// CloudFront sends ("" to trust no forwarded address, see lambdahttp.Options).
func (a *App) Lambda(originSecret string) *lambdahttp.Handler {
	return lambdahttp.New(a.Handler(), lambdahttp.Options{OriginSecret: originSecret, Header: api.SecurityHeaders()})
}
