// Package apptest builds the whole app for tests as the local binary does: on an embedded store
// in a temporary directory, with a local signing key for staff tokens and the web app.
package apptest

import (
	"path/filepath"
	"sync"
	"testing"

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

// Local is the app on an embedded store.
type Local struct {
	*app.App
	Store *bolt.Store
	// Keys holds the wrapped data keys (keys.db; the master key is seal.key in Dir), and Sealer
	// seals with them (as the app does).
	Keys   *bolt.Keys
	Sealer *seal.Sealer
	// Key signs staff tokens that the app accepts.
	Key *auth.LocalKey
	// Dir holds the store and the key.
	Dir string
}

var content_ struct {
	once   sync.Once
	guide  *wegwijzer.Guide
	bundle *content.Bundle
	err    error
}

// New wires the app from o in demo mode (as `make run`) on a fresh embedded store (closed with
// tb.Cleanup). Store, Secret, Verifier, LocalSigner and Web are set here; the content is parsed
// once per test binary.
func New(tb testing.TB, o app.Options) *Local {
	tb.Helper()
	o.Demo = true
	return NewReal(tb, o)
}

// NewReal is New without demo mode unless o asks for it: no demo institutions, no sign-in.
func NewReal(tb testing.TB, o app.Options) *Local {
	tb.Helper()
	content_.once.Do(func() { content_.guide, content_.bundle, content_.err = wegwijzer.Load(content.FS) })
	if content_.err != nil {
		tb.Fatal(content_.err)
	}
	dir := tb.TempDir()
	store, err := bolt.Open(filepath.Join(dir, "meldwijzer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	keys, err := bolt.OpenKeys(filepath.Join(dir, "keys.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { keys.Close() })
	wrapper, err := keyfile.Load(filepath.Join(dir, "seal.key"))
	if err != nil {
		tb.Fatal(err)
	}
	key, err := auth.LoadLocalKey(filepath.Join(dir, "token.key"))
	if err != nil {
		tb.Fatal(err)
	}
	verifier, err := key.Verifier()
	if err != nil {
		tb.Fatal(err)
	}
	o.Store, o.Verifier, o.LocalSigner, o.Web = store, verifier, key, web.Static
	sealer := seal.New(wrapper, keys)
	o.Sealer = sealer
	if o.Secret == nil {
		o.Secret = meldpunt.NewMasterSecret()
	}
	o.Content, o.Guide = content_.bundle, content_.guide
	a, err := app.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	return &Local{App: a, Store: store, Keys: keys, Sealer: sealer, Key: key, Dir: dir}
}
