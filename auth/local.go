package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// The local server's tokens name this issuer and audience.
const (
	LocalIssuer   = "meldwijzer-local"
	LocalAudience = "meldwijzer"
)

// LocalKey is the signing key of a local server, kept in its data directory. `meldwijzer token`
// signs with it and the local server verifies against its JWKS, the same way a Lambda verifies
// Cognito's tokens.
type LocalKey struct {
	priv *ecdsa.PrivateKey
	kid  string
}

// LoadLocalKey reads the key at path, making a new one on first use (mode 0600).
func LoadLocalKey(path string) (*LocalKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, err
		}
		raw = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return LoadLocalKey(path) // another process made it first
		}
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(raw); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("%s is not a PEM key", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	priv, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an ECDSA key", path)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	sum := sha256.Sum256(pub)
	return &LocalKey{priv: priv, kid: hex.EncodeToString(sum[:8])}, nil
}

// JWKS is the key's public half as a JSON Web Key Set.
func (k *LocalKey) JWKS() (json.RawMessage, error) {
	jwk, err := jwkset.NewJWKFromKey(&k.priv.PublicKey, jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{ALG: jwkset.AlgES256, KID: k.kid, USE: jwkset.UseSig},
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{jwk.Marshal()}})
}

// Verifier checks tokens signed by this key, through its JWKS.
func (k *LocalKey) Verifier() (*Verifier, error) {
	jwks, err := k.JWKS()
	if err != nil {
		return nil, err
	}
	kf, err := keyfunc.NewJWKSetJSON(jwks)
	if err != nil {
		return nil, err
	}
	return NewVerifier(kf.Keyfunc, LocalIssuer, LocalAudience), nil
}

// Sign returns a token for the identity, valid for ttl.
func (k *LocalKey) Sign(id Identity, ttl time.Duration) (string, error) {
	now := time.Now()
	t := jwt.NewWithClaims(jwt.SigningMethodES256, claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: LocalIssuer, Audience: jwt.ClaimStrings{LocalAudience}, Subject: id.Subject,
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Institution: id.Institution, Role: id.Role, RoleList: id.Roles,
	})
	t.Header["kid"] = k.kid
	return t.SignedString(k.priv)
}
