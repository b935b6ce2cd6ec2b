package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/auth"
	"meldwijzer/content"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
	"meldwijzer/web"
	"meldwijzer/wegwijzer"
)

// generous are rate limits no benchmark reaches: the benchmark measures the handlers, not the
// limiter's refusals (the limiter itself still runs on every intake).
var generous = api.Limits{IntakePerMinute: 1e12, IntakeBurst: 1 << 30, FailedLookupsPerMinute: 1e12, FailedLookupBurst: 1 << 30}

// full is the whole API handler on the real content, wired as api/server_test.go and the local
// binary wire it, behind httptest on loopback.
type full struct {
	*httptest.Server
	// Handler is the server's handler, for measurements without the network.
	Handler  http.Handler
	Guide    *wegwijzer.Guide
	Bundle   *content.Bundle
	Meldpunt *meldpunt.Service
	Key      *auth.LocalKey
}

var loaded struct {
	guide  *wegwijzer.Guide
	bundle *content.Bundle
}

func loadContent(tb testing.TB) (*wegwijzer.Guide, *content.Bundle) {
	tb.Helper()
	if loaded.guide == nil {
		g, b, err := wegwijzer.Load(content.FS)
		if err != nil {
			tb.Fatal(err)
		}
		loaded.guide, loaded.bundle = g, b
	}
	return loaded.guide, loaded.bundle
}

// newFull serves the API on store. The request log is JSON, as in production, written to
// io.Discard: its encoding is part of each request's cost, the I/O is not.
func newFull(tb testing.TB, store app.Store, secret []byte, edit ...func(*app.Options)) *full {
	tb.Helper()
	keys, err := bolt.OpenKeys(filepath.Join(tb.TempDir(), "keys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { keys.Close() })
	return newFullSealed(tb, store, secret, keys, edit...)
}

// newFullSealed is newFull with the wrapped data keys in keys (wrapped by a keyfile master
// key, as the local binary does).
func newFullSealed(tb testing.TB, store app.Store, secret []byte, keys meldwijzer.KeyStore, edit ...func(*app.Options)) *full {
	tb.Helper()
	wrapper, err := keyfile.Load(filepath.Join(tb.TempDir(), "seal.key"))
	if err != nil {
		tb.Fatal(err)
	}
	guide, bundle := loadContent(tb)
	key, err := auth.LoadLocalKey(filepath.Join(tb.TempDir(), "token.key"))
	if err != nil {
		tb.Fatal(err)
	}
	verifier, err := key.Verifier()
	if err != nil {
		tb.Fatal(err)
	}
	o := app.Options{Demo: true, Store: store, Sealer: seal.New(wrapper, keys), Secret: secret, Verifier: verifier, LocalSigner: key,
		Web: web.Static, Limits: generous, Content: bundle, Guide: guide,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	for _, e := range edit {
		e(&o)
	}
	a, err := app.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	h := a.Handler()
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return &full{Server: ts, Handler: h, Guide: guide, Bundle: bundle, Meldpunt: a.Meldpunt, Key: key}
}

// setupClient is for the few requests before and between the measurements.
var setupClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}

// post sends a JSON body and returns the status and the raw answer.
func post(url string, body []byte, header ...string) (int, []byte, error) {
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := setupClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return b
}
