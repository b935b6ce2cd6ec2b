// Package kmsstandin is a stand-in for AWS KMS on loopback, for tests: KMS has no local
// emulator. It answers the two calls seal/kms makes, GenerateDataKey and Decrypt, in the AWS
// JSON 1.1 protocol as KMS documents them: one symmetric key (KeyARN), each blob bound to that
// key and to the encryption context it was made with, and Decrypt with another context fails
// with InvalidCiphertextException. It records every request, so a test can assert what the
// caller sent. It is not KMS: no key policy, no grants, no CloudTrail.
package kmsstandin

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
)

// KeyARN is the stand-in's one key.
const KeyARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// Request is one request as the stand-in received it.
type Request struct {
	Target  string            // X-Amz-Target
	Auth    string            // Authorization (SigV4)
	KeyID   string            `json:"KeyId"`
	KeySpec string            `json:"KeySpec"`
	Context map[string]string `json:"EncryptionContext"`
	Blob    []byte            `json:"CiphertextBlob"`
}

// KMS is the running stand-in.
type KMS struct {
	URL  string
	aead cipher.AEAD
	mu   sync.Mutex
	reqs []Request
	fail bool
}

// Start runs a stand-in until the test ends.
func Start(tb testing.TB) *KMS {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	block, _ := aes.NewCipher(k)
	aead, _ := cipher.NewGCM(block)
	s := &KMS{aead: aead}
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

// Requests returns the requests received so far.
func (s *KMS) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// Fail makes every later request fail with KMSInternalException (fail true) or not.
func (s *KMS) Fail(fail bool) {
	s.mu.Lock()
	s.fail = fail
	s.mu.Unlock()
}

// contextBytes is the context in a fixed order (order does not matter to KMS).
func contextBytes(c map[string]string) []byte {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	for _, k := range keys {
		b.WriteString(k + "=" + c[k] + "\x00")
	}
	return b.Bytes()
}

func (s *KMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req Request
	_ = json.Unmarshal(raw, &req)
	req.Target, req.Auth = r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization")
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	fail := s.fail
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	answer := func(status int, v any) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	refuse := func(status int, typ string) { answer(status, map[string]string{"__type": typ, "message": typ}) }
	nonce := s.aead.NonceSize()
	switch {
	case fail:
		refuse(500, "KMSInternalException")
	case req.KeyID != KeyARN:
		refuse(400, "NotFoundException")
	case req.Target == "TrentService.GenerateDataKey" && req.KeySpec == "AES_256":
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		iv := make([]byte, nonce)
		_, _ = rand.Read(iv)
		blob := s.aead.Seal(iv, iv, key, contextBytes(req.Context))
		answer(200, map[string]any{"KeyId": KeyARN, "Plaintext": key, "CiphertextBlob": blob})
	case req.Target == "TrentService.Decrypt":
		if len(req.Blob) < nonce+s.aead.Overhead() {
			refuse(400, "InvalidCiphertextException")
			return
		}
		key, err := s.aead.Open(nil, req.Blob[:nonce], req.Blob[nonce:], contextBytes(req.Context))
		if err != nil {
			refuse(400, "InvalidCiphertextException")
			return
		}
		answer(200, map[string]any{"KeyId": KeyARN, "Plaintext": key})
	default:
		refuse(400, "UnknownOperationException")
	}
}
