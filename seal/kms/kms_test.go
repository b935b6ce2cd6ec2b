package kms_test

// KMS has no local emulator here. What is real: the AWS SDK's KMS client (its JSON 1.1
// serialization, SigV4 signing, retries and error decoding) and the wrapper's requests as they
// go over HTTP. What is not: the service. A stand-in answers GenerateDataKey and Decrypt as KMS
// documents them: the blob is bound to the key and the encryption context, and Decrypt with
// another context fails with InvalidCiphertextException. The test asserts what the wrapper
// sends (the key, AES_256, the context {institution, report}) and how it reads the answers.

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"

	"meldwijzer"
	"meldwijzer/seal"
	sealkms "meldwijzer/seal/kms"
)

const keyARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

type request struct {
	Target  string
	Auth    string
	KeyID   string            `json:"KeyId"`
	KeySpec string            `json:"KeySpec"`
	Context map[string]string `json:"EncryptionContext"`
	Blob    []byte            `json:"CiphertextBlob"`
}

// standIn is KMS as far as the wrapper uses it: one key, blobs bound to the context.
type standIn struct {
	aead     cipher.AEAD
	mu       sync.Mutex
	requests []request
	fail     bool
}

func newStandIn(t *testing.T) (*standIn, *awskms.Client) {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	block, _ := aes.NewCipher(k)
	aead, _ := cipher.NewGCM(block)
	s := &standIn{aead: aead}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	client := awskms.New(awskms.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(ts.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	return s, client
}

// contextBytes is the context in a fixed order, as KMS binds it (order does not matter to KMS).
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

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req request
	_ = json.Unmarshal(raw, &req)
	req.Target, req.Auth = r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization")
	s.mu.Lock()
	s.requests = append(s.requests, req)
	fail := s.fail
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	answer := func(status int, v any) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case fail:
		answer(500, map[string]string{"__type": "KMSInternalException", "message": "stand-in failure"})
	case req.KeyID != keyARN:
		answer(400, map[string]string{"__type": "NotFoundException", "message": "no such key"})
	case req.Target == "TrentService.GenerateDataKey":
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		nonce := make([]byte, 12)
		_, _ = rand.Read(nonce)
		blob := s.aead.Seal(nonce, nonce, key, contextBytes(req.Context))
		answer(200, map[string]any{"KeyId": keyARN, "Plaintext": key, "CiphertextBlob": blob})
	case req.Target == "TrentService.Decrypt":
		if len(req.Blob) < 12+16 {
			answer(400, map[string]string{"__type": "InvalidCiphertextException", "message": ""})
			return
		}
		key, err := s.aead.Open(nil, req.Blob[:12], req.Blob[12:], contextBytes(req.Context))
		if err != nil {
			answer(400, map[string]string{"__type": "InvalidCiphertextException", "message": ""})
			return
		}
		answer(200, map[string]any{"KeyId": keyARN, "Plaintext": key})
	default:
		answer(400, map[string]string{"__type": "UnknownOperationException", "message": req.Target})
	}
}

func TestKMSWrapperUsesTheEncryptionContext(t *testing.T) {
	kms, client := newStandIn(t)
	w := sealkms.New(client, keyARN)
	ctx := context.Background()
	r1 := meldwijzer.KeyRef{Institution: "roc-a", Kind: meldwijzer.KeyKindReport, ID: "r1"}
	key, wrapped, err := w.NewKey(ctx, r1)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != seal.KeySize || len(wrapped) == 0 {
		t.Fatalf("NewKey: %d-byte key, %d-byte blob", len(key), len(wrapped))
	}
	got, err := w.Unwrap(ctx, r1, wrapped)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("Unwrap = %x, %v", got, err)
	}
	// What went over the wire: both calls signed, on the deployment's key, with the context
	// {institution, report}; a 256-bit key asked for.
	want := map[string]string{"institution": "roc-a", "report": "r1"}
	if len(kms.requests) != 2 {
		t.Fatalf("%d requests, want 2", len(kms.requests))
	}
	for i, target := range []string{"TrentService.GenerateDataKey", "TrentService.Decrypt"} {
		req := kms.requests[i]
		if req.Target != target || req.KeyID != keyARN || !maps.Equal(req.Context, want) || !strings.HasPrefix(req.Auth, "AWS4-HMAC-SHA256 ") {
			t.Errorf("request %d: %s key %s context %v auth %.20q", i, req.Target, req.KeyID, req.Context, req.Auth)
		}
	}
	if kms.requests[0].KeySpec != "AES_256" {
		t.Errorf("GenerateDataKey KeySpec %q, want AES_256", kms.requests[0].KeySpec)
	}
	// A blob moved to another report or institution does not decrypt: KMS refuses the context.
	for _, other := range []meldwijzer.KeyRef{
		{Institution: "roc-a", Kind: meldwijzer.KeyKindReport, ID: "r2"},
		{Institution: "roc-b", Kind: meldwijzer.KeyKindReport, ID: "r1"},
	} {
		_, err := w.Unwrap(ctx, other, wrapped)
		if err == nil || meldwijzer.ErrorCode(err) != meldwijzer.EINTERNAL || !strings.Contains(err.Error(), "not this item's") {
			t.Errorf("Unwrap for %v: %v, want the refusal (an internal error)", other, err)
		}
	}
	// A failing KMS is a 503 for the person, never a detail.
	kms.mu.Lock()
	kms.fail = true
	kms.mu.Unlock()
	if _, _, err := w.NewKey(ctx, r1); meldwijzer.ErrorCode(err) != meldwijzer.EUNAVAILABLE {
		t.Errorf("NewKey with KMS failing: %v, want EUNAVAILABLE", err)
	}
	if _, err := w.Unwrap(ctx, r1, wrapped); meldwijzer.ErrorCode(err) != meldwijzer.EUNAVAILABLE {
		t.Errorf("Unwrap with KMS failing: %v, want EUNAVAILABLE", err)
	}
	// A ref without an institution or id never reaches KMS.
	n := len(kms.requests)
	if _, _, err := w.NewKey(ctx, meldwijzer.KeyRef{Kind: meldwijzer.KeyKindReport, ID: "r1"}); err == nil || len(kms.requests) != n {
		t.Errorf("a ref without an institution: %v, %d requests sent", err, len(kms.requests)-n)
	}
}
