// Package cursor is the one codec of the stores' page cursors. A cursor is opaque to clients:
// base64url(payload || MAC), payload = uvarint(len(scope)) || scope || position, MAC the first
// 16 bytes of HMAC-SHA256(key, payload). The scope binds a cursor to what it was made for (an
// institution and a listing), so that any altered, truncated, made-up or foreign cursor is
// meldwijzer.ErrBadCursor. The position is the store's own key of the last item of a page.
package cursor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"

	"meldwijzer"
)

const (
	macLen = 16
	// maxLen bounds the cursors that are decoded at all.
	maxLen = 4096
)

var encoding = base64.RawURLEncoding.Strict()

// Codec signs and checks cursors with one key.
type Codec struct{ key []byte }

// New returns a codec with key (at least 16 bytes; a secret one when a cursor's position must
// not be forged, else a fixed one that only checks integrity).
func New(key []byte) Codec { return Codec{key: key} }

func (c Codec) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	h.Write(payload)
	return h.Sum(nil)[:macLen]
}

// Scope joins the parts a cursor is bound to.
func Scope(parts ...string) string {
	var b []byte
	for _, p := range parts {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	return string(b)
}

// Encode returns the cursor of position within scope.
func (c Codec) Encode(scope string, position []byte) string {
	payload := binary.AppendUvarint(nil, uint64(len(scope)))
	payload = append(payload, scope...)
	payload = append(payload, position...)
	return encoding.EncodeToString(append(payload, c.mac(payload)...))
}

// Decode returns the position of a cursor that Encode made for scope.
func (c Codec) Decode(scope, cursor string) ([]byte, error) {
	if len(cursor) > maxLen {
		return nil, meldwijzer.ErrBadCursor
	}
	data, err := encoding.DecodeString(cursor)
	if err != nil || len(data) < 1+macLen {
		return nil, meldwijzer.ErrBadCursor
	}
	payload, mac := data[:len(data)-macLen], data[len(data)-macLen:]
	if !hmac.Equal(mac, c.mac(payload)) {
		return nil, meldwijzer.ErrBadCursor
	}
	n, w := binary.Uvarint(payload)
	if w <= 0 || n > uint64(len(payload)-w) || string(payload[w:w+int(n)]) != scope {
		return nil, meldwijzer.ErrBadCursor
	}
	return payload[w+int(n):], nil
}
