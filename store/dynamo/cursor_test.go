package dynamo

import (
	"testing"

	"meldwijzer"
)

func TestCursorBinding(t *testing.T) {
	c := encodeCursor("roc-a", "", "CREATED#2025-03-10T09:30:15.123000000Z#r1")
	if k, err := decodeCursor(c, "roc-a", "", createdPrefix()); err != nil || k != "CREATED#2025-03-10T09:30:15.123000000Z#r1" {
		t.Fatalf("decode = %q, %v", k, err)
	}
	for name, tc := range map[string]struct{ cursor, inst, status, prefix string }{
		"other institution": {c, "roc-b", "", createdPrefix()},
		"other status":      {c, "roc-a", "closed", statusPrefix("closed")},
		"wrong prefix":      {encodeCursor("roc-a", "closed", "COUNT#2025-03#total#all"), "roc-a", "closed", statusPrefix("closed")},
		"empty":             {"", "roc-a", "", createdPrefix()},
	} {
		if _, err := decodeCursor(tc.cursor, tc.inst, tc.status, tc.prefix); meldwijzer.ErrorCode(err) != meldwijzer.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
}
