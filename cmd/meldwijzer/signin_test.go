package main

import (
	"strings"
	"testing"
)

// The provider's flags come together, and a provider that cannot be read stops the start
// (staff would otherwise meet a page without a way in).
func TestServeSignInFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-oidc-issuer", "https://idp.example"},
		{"-oidc-client-id", "meldwijzer"},
	} {
		err := serve(append(args, "-data", t.TempDir(), "-addr", "127.0.0.1:0"))
		if err == nil || !strings.Contains(err.Error(), "together") {
			t.Errorf("%v: %v", args, err)
		}
	}
	// Nothing listens on port 9 (discard) here: discovery fails, and serve says so.
	err := serve([]string{"-oidc-issuer", "http://127.0.0.1:9", "-oidc-client-id", "meldwijzer", "-data", t.TempDir(), "-addr", "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "oidc: discovery") {
		t.Errorf("unreachable issuer: %v", err)
	}
}
