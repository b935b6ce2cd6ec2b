package main

import (
	"strings"
	"testing"
)

// The mail flags are checked before the server starts: a half-configured mail setup is a clear
// error, never a server that silently mails nobody.
func TestServeChecksTheMailFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-smtp-addr", "127.0.0.1:2525"}, "-smtp-from"},
		{[]string{"-smtp-addr", "127.0.0.1", "-smtp-from", "m@school.example"}, "host:port"},
		{[]string{"-smtp-addr", "127.0.0.1:2525", "-smtp-from", "Meldwijzer <m@school.example>"}, "plain address"},
	} {
		args := append([]string{"-data", t.TempDir(), "-addr", "127.0.0.1:0"}, c.args...)
		err := serve(args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("serve %v: %v, want an error about %s", c.args, err, c.want)
		}
	}
}
