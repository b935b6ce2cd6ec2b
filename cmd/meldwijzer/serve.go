package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/auth"
	"meldwijzer/catalog"
	"meldwijzer/config"
	"meldwijzer/internal/control"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
	"meldwijzer/store/dynamo"
	"meldwijzer/web"
)

func serve(args []string) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fl.String("data", "data", "directory for the embedded store and the server's secret")
	storeKind := fl.String("store", "bolt", "bolt (embedded, in -data) or dynamodb (table $"+config.EnvTable+", keys table $"+config.EnvKeysTable+"; endpoint and region from the usual AWS environment)")
	retention := fl.Duration("retention", meldpunt.DefaultRetention, "how long a closed report's text and messages are kept")
	demo := fl.Bool("demo", false, "serve the fictitious demo institutions with twelve months of fictitious reports, and the passwordless demo sign-in")
	demoData := fl.Bool("demo-data", true, "with -demo: add twelve months of fictitious reports to each demo institution that has none (false: an empty demo)")
	sweepEvery := fl.Duration("sweep-every", time.Hour, "how often the embedded store deletes expired data keys and reports (and compacts its files)")
	hosts := fl.String("hosts", "", "comma-separated Host names (without port) this server answers for; localhost, 127.0.0.1, ::1 and the -addr host are always allowed")
	smtpAddr := fl.String("smtp-addr", "", "host:port of an SMTP relay for the meldpunt's notices (none: no mail); login from $"+config.EnvSMTPUsername+" and $"+config.EnvSMTPPassword)
	smtpFrom := fl.String("smtp-from", "", "with -smtp-addr: the sender address of the notices")
	oidcIssuer := fl.String("oidc-issuer", "", "OpenID Connect issuer that staff sign in with (its discovery document and JWKS are read at start); its ID tokens are accepted with aud = -oidc-client-id")
	oidcClient := fl.String("oidc-client-id", "", "with -oidc-issuer: the staff pages' client id (a public client: no secret, PKCE)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if (*oidcIssuer == "") != (*oidcClient == "") {
		return errors.New("serve: give -oidc-issuer and -oidc-client-id together")
	}
	sender, err := smtpSender(*smtpAddr, *smtpFrom)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return err
	}
	secret, err := loadSecret(filepath.Join(*data, "secret.key"))
	if err != nil {
		return err
	}
	tokenKey, err := auth.LoadLocalKey(filepath.Join(*data, "token.key"))
	if err != nil {
		return err
	}
	verifier, err := tokenKey.Verifier()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var signIn *auth.Provider
	if *oidcIssuer != "" {
		p, v, err := auth.Discover(ctx, *oidcIssuer, *oidcClient)
		if err != nil {
			return err
		}
		signIn = p
		verifier.Also(v)
		log.Info("staff sign in with OpenID Connect", slog.String("issuer", p.Issuer))
	}
	store, sealer, err := openStore(ctx, *storeKind, *data, *sweepEvery, log)
	if err != nil {
		return err
	}
	defer store.Close()
	defer sealer.Keys().Close()

	notices, registry, err := mailer(sender, store, log)
	if err != nil {
		return err
	}
	var notifier meldpunt.Notifier
	if notices != nil {
		notifier = notices
		defer func() {
			// Mails still queued get a few seconds to go out; a retry that waits longer is dropped.
			c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = notices.Close(c)
		}()
	}

	a, err := app.New(app.Options{Store: store, Sealer: sealer, Notifier: notifier, Secret: secret, Verifier: verifier, LocalSigner: tokenKey, SignIn: signIn,
		Web: web.Static, Retention: *retention, Logger: log, Demo: *demo, Hosts: allowedHosts(*addr, *hosts)})
	if err != nil {
		return err
	}
	if *demo {
		// Demo institutions exist in the store only in demo mode; an admin's edits are kept.
		n, err := catalog.SeedDemo(ctx, store.(meldwijzer.InstitutionStore), a.Content.DemoSeed(time.Now().UTC().Truncate(time.Millisecond)))
		if err != nil {
			return fmt.Errorf("demo institutions: %w", err)
		}
		log.Info("demo institutions", slog.Int("added", n))
	}
	if *demo && *demoData {
		var ids []string
		for _, inst := range a.Content.Institutions {
			if inst.Demo {
				ids = append(ids, inst.ID)
			}
		}
		ids = append(ids, meldpunt.DemoSectorOnly(func(id string) bool { return a.Content.Institution(id) != nil })...)
		n, err := a.Meldpunt.SeedDemo(ctx, ids)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		log.Info("demo data", slog.Int("reportsAdded", n))
	}
	if *storeKind == "bolt" {
		// `meldwijzer institution` in another process reaches the store through this server.
		// Without it (a data directory whose path is too long for a socket) the server still
		// serves; `meldwijzer institution` then asks for it to be stopped.
		if err := control.Serve(ctx, *data, store.(meldwijzer.InstitutionStore), a.Content.CheckInstitution, a.Institutions.Forget, log); err != nil {
			log.Warn("no control socket: stop the server to change institutions with `meldwijzer institution`", slog.Any("err", err))
		}
	}
	if *demo {
		log.Info("demo mode: the fictitious demo institutions and the passwordless demo sign-in are served")
	}

	if notices != nil {
		go remindDaily(ctx, registry, a.Meldpunt, log)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		// The standard library's own messages (TLS, broken connections) carry client addresses:
		// they are dropped.
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("store", *storeKind))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// allowedHosts is the Host allow-list: the loopback names, the host of the listening address
// (unless it listens on every address) and the operator's extra names.
func allowedHosts(addr, extra string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, h)
		}
	}
	for _, h := range strings.Split(extra, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// openStore opens the report store and the sealer: the wrapped data keys in keys.db beside
// meldwijzer.db (or in the table $KEYS_TABLE beside $TABLE_NAME), wrapped by the master key in
// seal.key. The embedded store deletes expired keys and reports every sweepEvery and compacts
// its files (DynamoDB deletes them with its TTL; the keys table is swept here too, as DynamoDB
// Local has no TTL clock).
func openStore(ctx context.Context, kind, data string, sweepEvery time.Duration, log *slog.Logger) (app.Store, *seal.Sealer, error) {
	wrapper, err := keyfile.Load(filepath.Join(data, "seal.key"))
	if err != nil {
		return nil, nil, err
	}
	switch kind {
	case "bolt":
		s, err := bolt.Open(filepath.Join(data, "meldwijzer.db"))
		if err != nil {
			return nil, nil, err
		}
		keys, err := bolt.OpenKeys(filepath.Join(data, "keys.db"))
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		go every(ctx, sweepEvery, func() {
			if n, err := bolt.DeleteExpired(ctx, s, keys, time.Now()); err != nil {
				log.Error("sweep", slog.Any("err", err))
			} else if n.Reports > 0 || n.Keys > 0 {
				log.Info("expired reports deleted", slog.Int("count", n.Reports), slog.Int("keys", n.Keys))
			}
		})
		return s, seal.New(wrapper, keys), nil
	case "dynamodb":
		c, err := config.FromEnv(os.Getenv, config.EnvTable, config.EnvKeysTable)
		if err != nil {
			return nil, nil, fmt.Errorf("-store dynamodb: %w", err)
		}
		cfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, nil, err
		}
		db := dynamo.NewClient(cfg)
		keys := dynamo.NewKeys(db, c.KeysTable)
		go every(ctx, sweepEvery, func() {
			if n, err := keys.SweepKeys(ctx, time.Now()); err != nil {
				log.Error("sweep keys", slog.Any("err", err))
			} else if n > 0 {
				log.Info("expired data keys deleted", slog.Int("keys", n))
			}
		})
		return dynamo.New(db, c.Table), seal.New(wrapper, keys), nil
	default:
		return nil, nil, fmt.Errorf("unknown store %q (bolt or dynamodb)", kind)
	}
}

// every runs fn now and then every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// loadSecret reads the server's master secret, making it on first use. It never leaves this
// file: the receipts' keyed hashes in the store are useless without it.
func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b = meldpunt.NewMasterSecret()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return nil, err
		}
		return b, f.Close()
	}
	return b, err
}
