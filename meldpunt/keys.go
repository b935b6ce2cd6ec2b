package meldpunt

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
)

// ReceiptDigits is the length of a receipt: 20 decimal digits, about 66 bits, far beyond what
// rate-limited guessing can reach. The last receiptTagDigits are a keyed check of the others,
// so that the server tells almost every guessed receipt from a real one without reading the
// store (Keys.Plausible): guessing costs no store reads and never uses up the lookups of the
// people who share the guesser's network.
const (
	ReceiptDigits    = 20
	receiptTagDigits = 6
)

// Keys are the server's secrets, derived from one master secret kept outside the table (a file
// in the data directory locally, Secrets Manager on AWS). Whoever has the table alone can
// neither find a report by receipt nor work out a receipt.
type Keys struct {
	receiptKey []byte // derives a receipt from a report's salt and the client's key
	tag        []byte // the receipt's check digits
	lookup     []byte // the keyed hash under which a receipt is stored
	idem       []byte // the keyed hash of an Idempotency-Key
}

// NewKeys derives the keys from a master secret of at least 32 bytes.
func NewKeys(master []byte) (*Keys, error) {
	if len(master) < 32 {
		return nil, errors.New("the master secret must be at least 32 bytes")
	}
	derive := func(info string) []byte {
		k, err := hkdf.Key(sha256.New, master, nil, "meldwijzer "+info, 32)
		if err != nil {
			panic(err) // only for lengths that hkdf cannot give; 32 bytes it always can
		}
		return k
	}
	return &Keys{receiptKey: derive("receipt"), tag: derive("receipt tag"), lookup: derive("receipt lookup"), idem: derive("idempotency key")}, nil
}

// NewMasterSecret returns a fresh random master secret.
func NewMasterSecret() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// receipt derives the receipt of a report from its random salt and the client's key, so that a
// retry gets the same receipt while the receipt itself is never stored: digits from the salt
// and key, then their check digits.
func (k *Keys) receipt(salt []byte, idempotencyKey string) string {
	body := decimal(mac(k.receiptKey, string(salt), idempotencyKey), ReceiptDigits-receiptTagDigits)
	return body + k.checkDigits(body)
}

func (k *Keys) checkDigits(body string) string {
	return decimal(mac(k.tag, body), receiptTagDigits)
}

// decimal is the big-endian number b modulo 10^digits, written with exactly digits digits.
func decimal(b []byte, digits int) string {
	n := new(big.Int).SetBytes(b)
	n.Mod(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
	s := n.String()
	return strings.Repeat("0", digits-len(s)) + s
}

// Plausible reports whether a normalised receipt's check digits are right: false for all but
// one in a million guesses, without any store read.
func (k *Keys) Plausible(receipt string) bool {
	if len(receipt) != ReceiptDigits {
		return false
	}
	body, check := receipt[:ReceiptDigits-receiptTagDigits], receipt[ReceiptDigits-receiptTagDigits:]
	return hmac.Equal([]byte(k.checkDigits(body)), []byte(check))
}

// ReceiptHash is the keyed hash under which a receipt is stored and looked up.
func (k *Keys) ReceiptHash(receipt string) string {
	return hex.EncodeToString(mac(k.lookup, receipt))
}

// idempotencyHash scopes a client's Idempotency-Key to the institution and hides it.
func (k *Keys) idempotencyHash(institution, key string) string {
	return hex.EncodeToString(mac(k.idem, institution, key))
}

// NormalizeReceipt removes the spaces and dashes a person may type or copy with the receipt. It
// returns "" when what is left is not a receipt.
func NormalizeReceipt(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '\t':
		default:
			return ""
		}
	}
	if b.Len() != ReceiptDigits {
		return ""
	}
	return b.String()
}

// FormatReceipt groups a receipt in fours for reading aloud and writing down.
func FormatReceipt(r string) string {
	var groups []string
	for i := 0; i < len(r); i += 4 {
		groups = append(groups, r[i:min(i+4, len(r))])
	}
	return strings.Join(groups, " ")
}
