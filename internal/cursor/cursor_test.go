package cursor_test

import (
	"bytes"
	"testing"

	"meldwijzer"
	"meldwijzer/internal/cursor"
)

func TestRoundTripAndBinding(t *testing.T) {
	c := cursor.New([]byte("0123456789abcdef0123456789abcdef"))
	scope := cursor.Scope("reports", "roc-a", "")
	pos := []byte("CREATED#2025#r1\x00\xff")
	enc := c.Encode(scope, pos)
	if got, err := c.Decode(scope, enc); err != nil || !bytes.Equal(got, pos) {
		t.Fatalf("Decode = %q, %v", got, err)
	}
	if got, err := c.Decode(cursor.Scope("r", ""), c.Encode(cursor.Scope("r", ""), nil)); err != nil || len(got) != 0 {
		t.Fatalf("empty position: %q, %v", got, err)
	}
	other := cursor.New([]byte("another key of at least 16 bytes"))
	for name, tc := range map[string]struct {
		c      cursor.Codec
		scope  string
		cursor string
	}{
		"other scope":     {c, cursor.Scope("reports", "roc-b", ""), enc},
		"scope as prefix": {c, cursor.Scope("reports", "roc-a"), enc},
		"other key":       {other, scope, enc},
		"truncated":       {c, scope, enc[:len(enc)-1]},
		"extended":        {c, scope, enc + "AA"},
		"empty":           {c, scope, ""},
		"not base64":      {c, scope, "not a cursor!"},
		"too long":        {c, scope, string(bytes.Repeat([]byte("A"), 5000))},
	} {
		if _, err := tc.c.Decode(tc.scope, tc.cursor); err != meldwijzer.ErrBadCursor {
			t.Errorf("%s: %v, want ErrBadCursor", name, err)
		}
	}
}
