// Package api is Meldwijzer's HTTP API (docs/api.md) as one net/http handler, served the same way by
// the local binary and by each Lambda function.
package api

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/content"
	"meldwijzer/meldpunt"
	"meldwijzer/wegwijzer"
)

// Config is what a Server needs. Nothing here is read from the environment: the caller wires it.
type Config struct {
	Content *content.Bundle
	Guide   *wegwijzer.Guide
	Logger  *slog.Logger
	// Meldpunt takes reports; nil in a function that serves none.
	Meldpunt *meldpunt.Service
	// Web is the phone UI's static files; nil for a Lambda function (CloudFront serves them).
	Web fs.FS
	// Limits are the rate limits per client address (DefaultLimits when zero).
	Limits Limits

	// Verifier checks staff tokens (the institution side).
	Verifier *auth.Verifier
	// LocalSigner signs demo sign-in tokens; only the local binary sets it.
	LocalSigner *auth.LocalKey
	// SignIn is the OpenID Connect provider staff sign in with (nil: none; the staff pages then
	// offer the demo sign-in or a pasted token).
	SignIn *auth.Provider
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Demo serves the fictitious demo institutions and, with LocalSigner, the demo sign-in.
	// Without it neither exists (docs/api.md, "Local binary").
	Demo bool
	// Hosts, when set, are the only Host header values answered (names or addresses, without
	// port), so that a page on another site cannot reach a local server by DNS rebinding.
	Hosts []string
}

// Limits are rate limits per client network (kept only as a rotating hash, in memory). A
// school's classes share one address behind NAT, so intake and receipt lookups are generous;
// failed receipt lookups are where guessing happens, so they are tight, and they never use up
// the lookups of a receipt that is right (see receiptReport).
type Limits struct {
	IntakePerMinute        float64
	IntakeBurst            int
	FailedLookupsPerMinute float64
	FailedLookupBurst      int
	// Lookups are receipt lookups that read the store (a receipt with the right check digits):
	// they bound the store reads one network can cause.
	LookupsPerMinute float64
	LookupBurst      int
}

// DefaultLimits: hundreds of reports and lookups a minute from one school; ten wrong receipts a
// minute.
var DefaultLimits = Limits{IntakePerMinute: 300, IntakeBurst: 100, FailedLookupsPerMinute: 10, FailedLookupBurst: 10,
	LookupsPerMinute: 600, LookupBurst: 200}

// withDefaults fills each limit that is not set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.IntakePerMinute == 0 || l.IntakeBurst == 0 {
		l.IntakePerMinute, l.IntakeBurst = d.IntakePerMinute, d.IntakeBurst
	}
	if l.FailedLookupsPerMinute == 0 || l.FailedLookupBurst == 0 {
		l.FailedLookupsPerMinute, l.FailedLookupBurst = d.FailedLookupsPerMinute, d.FailedLookupBurst
	}
	if l.LookupsPerMinute == 0 || l.LookupBurst == 0 {
		l.LookupsPerMinute, l.LookupBurst = d.LookupsPerMinute, d.LookupBurst
	}
	return l
}

// Server serves the API.
type Server struct {
	content     *content.Bundle
	guide       *wegwijzer.Guide
	meldpunt    *meldpunt.Service
	log         *slog.Logger
	web         fs.FS
	intakeLimit *Limiter
	failedLimit *Limiter // failed receipt lookups
	lookupLimit *Limiter // receipt lookups that read the store
	verifier    *auth.Verifier
	localSigner *auth.LocalKey
	signIn      *auth.Provider
	staffCSP    string
	now         func() time.Time
	demo        bool
	hosts       []string
}

// NewServer returns a server; it does no I/O.
func NewServer(c Config) *Server {
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lim := c.Limits.withDefaults()
	s := &Server{content: c.Content, guide: c.Guide, meldpunt: c.Meldpunt, log: log, web: c.Web,
		intakeLimit: NewLimiter(lim.IntakePerMinute, lim.IntakeBurst),
		failedLimit: NewLimiter(lim.FailedLookupsPerMinute, lim.FailedLookupBurst),
		lookupLimit: NewLimiter(lim.LookupsPerMinute, lim.LookupBurst),
		verifier:    c.Verifier, localSigner: c.LocalSigner, now: c.Now, demo: c.Demo, hosts: c.Hosts}
	if s.now == nil {
		s.now = time.Now
	}
	s.signIn = c.SignIn
	s.staffCSP = ContentSecurityPolicy
	if s.signIn != nil {
		s.staffCSP = StaffContentSecurityPolicy(s.signIn.Origin())
	}
	return s
}

// Handler returns the API's handler for the named functions' routes (all routes when none are
// named), plus the web app when the server has one.
func (s *Server) Handler(functions ...string) http.Handler {
	mux := http.NewServeMux()
	paths := map[string][]string{}
	for _, rt := range Routes {
		if len(functions) > 0 && !slices.Contains(functions, rt.Function) {
			continue
		}
		if rt.Function == FunctionLocal && (!s.demo || s.localSigner == nil) {
			continue // the demo sign-in exists in demo mode only
		}
		mux.Handle(rt.Method+" "+rt.Path, s.endpoint(rt))
		paths[rt.Path] = append(paths[rt.Path], rt.Method)
	}
	// A known path with another method gets a JSON 405, not ServeMux's plain text.
	for path, methods := range paths {
		allow := fmt.Sprint(methods)
		mux.Handle(path, s.endpoint(Route{Path: path, handle: func(s *Server, w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Allow", allow[1:len(allow)-1])
			return meldwijzer.Errorf(meldwijzer.EMETHOD, "%s is not allowed here", r.Method)
		}}))
	}
	notFound := s.endpoint(Route{handle: func(*Server, http.ResponseWriter, *http.Request) error {
		return meldwijzer.Errorf(meldwijzer.ENOTFOUND, "there is nothing at this address")
	}})
	mux.Handle("/api/", notFound)
	if s.web != nil {
		s.mountWeb(mux)
	} else {
		mux.Handle("/", notFound)
	}
	return s.securityHeaders(s.logRequests(s.checkHost(s.cleanPaths(mux))))
}

// institution is an institution this server serves: demo institutions only in demo mode.
func (s *Server) institution(id string) *content.Institution {
	inst := s.content.Institution(id)
	if inst == nil || (inst.Demo && !s.demo) {
		return nil
	}
	return inst
}

// Serves reports whether the server takes reports for the institution (app.New gives it to the
// meldpunt service).
func (s *Server) Serves(id string) bool { return s.institution(id) != nil }

// checkHost answers 421 to a Host header outside the allow-list (when there is one): a page
// on another site that rebinds its own name to this server's address gets nothing.
func (s *Server) checkHost(next http.Handler) http.Handler {
	if len(s.hosts) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if !slices.ContainsFunc(s.hosts, func(h string) bool { return strings.EqualFold(h, host) }) {
			s.writeError(w, r, meldwijzer.Errorf(meldwijzer.EHOST, "this server does not answer for the host %q", host))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// endpoint adapts a route's handler: body limit, panics, and errors as JSON.
func (s *Server) endpoint(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(r.Context(), "panic", slog.String("route", r.Pattern), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				s.writeError(w, r, errors.New("panic"))
			}
		}()
		if rt.MaxBody > 0 {
			r.Body = http.MaxBytesReader(w, r.Body, rt.MaxBody)
		}
		w.Header().Set("Cache-Control", "no-store")
		if rt.Auth == AuthStaff {
			var err error
			if r, err = s.authorize(r, rt.Roles); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := rt.handle(s, w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: method, route pattern, status and duration. Never the
// address, user agent, headers, query or body: nothing that could identify a person.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// ContentSecurityPolicy allows only this origin: no inline script, no third-party requests. The
// local server sends it, and the CDK app gives CloudFront the same (infra/parts.go).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// PermissionsPolicy switches off the browser features the app never uses (locally and on
// CloudFront alike).
const PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), payment=(), usb=(), interest-cohort=()"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		// The staff pages may fetch from the sign-in provider's token endpoint; no other page.
		if r.URL.Path == "/instelling" || strings.HasPrefix(r.URL.Path, "/instelling/") {
			w.Header().Set("Content-Security-Policy", s.staffCSP)
		}
		next.ServeHTTP(w, r)
	})
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", PermissionsPolicy)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// SecurityHeaders are the headers every answer carries, for answers made outside the handler
// (the Lambda adapter's own, lambdahttp.Options.Header).
func SecurityHeaders() http.Header {
	h := http.Header{}
	setSecurityHeaders(h)
	return h
}

// cleanPaths answers a path that is not clean ("..", ".", "//") with the JSON 404 instead of
// ServeMux's HTML redirect to the cleaned path.
func (s *Server) cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p != "" && p != "/" && path.Clean(p) != strings.TrimSuffix(p, "/") {
			s.writeError(w, r, meldwijzer.Errorf(meldwijzer.ENOTFOUND, "there is nothing at this address"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
