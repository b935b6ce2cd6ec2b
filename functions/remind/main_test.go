package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"meldwijzer/config"
)

// The reminder needs its table and its sender: without them the cold start fails with their
// names (Lambda reports an init error) instead of running and mailing nobody.
func TestColdStartNeedsTableAndSender(t *testing.T) {
	t.Setenv(config.EnvTable, "")
	t.Setenv(config.EnvMailFrom, "")
	_, err := coldStart(context.Background(), slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), config.EnvTable) || !strings.Contains(err.Error(), config.EnvMailFrom) {
		t.Fatalf("cold start without settings: %v", err)
	}
}
