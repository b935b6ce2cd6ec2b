package kms_test

// KMS has no local emulator here. What is real: the AWS SDK's KMS client (its JSON 1.1
// serialization, SigV4 signing, retries and error decoding) and the wrapper's requests as they
// go over HTTP. What is not: the service (internal/kmsstandin answers as KMS documents it). The test asserts what the wrapper
// sends (the key, AES_256, the context {institution, report}) and how it reads the answers.

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"

	"meldwijzer"
	"meldwijzer/internal/kmsstandin"
	"meldwijzer/seal"
	sealkms "meldwijzer/seal/kms"
)

const keyARN = kmsstandin.KeyARN

func newStandIn(t *testing.T) (*kmsstandin.KMS, *awskms.Client) {
	s := kmsstandin.Start(t)
	client := awskms.New(awskms.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	return s, client
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
	if len(kms.Requests()) != 2 {
		t.Fatalf("%d requests, want 2", len(kms.Requests()))
	}
	for i, target := range []string{"TrentService.GenerateDataKey", "TrentService.Decrypt"} {
		req := kms.Requests()[i]
		if req.Target != target || req.KeyID != keyARN || !maps.Equal(req.Context, want) || !strings.HasPrefix(req.Auth, "AWS4-HMAC-SHA256 ") {
			t.Errorf("request %d: %s key %s context %v auth %.20q", i, req.Target, req.KeyID, req.Context, req.Auth)
		}
	}
	if kms.Requests()[0].KeySpec != "AES_256" {
		t.Errorf("GenerateDataKey KeySpec %q, want AES_256", kms.Requests()[0].KeySpec)
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
	kms.Fail(true)
	if _, _, err := w.NewKey(ctx, r1); meldwijzer.ErrorCode(err) != meldwijzer.EUNAVAILABLE {
		t.Errorf("NewKey with KMS failing: %v, want EUNAVAILABLE", err)
	}
	if _, err := w.Unwrap(ctx, r1, wrapped); meldwijzer.ErrorCode(err) != meldwijzer.EUNAVAILABLE {
		t.Errorf("Unwrap with KMS failing: %v, want EUNAVAILABLE", err)
	}
	// A ref without an institution or id never reaches KMS.
	n := len(kms.Requests())
	if _, _, err := w.NewKey(ctx, meldwijzer.KeyRef{Kind: meldwijzer.KeyKindReport, ID: "r1"}); err == nil || len(kms.Requests()) != n {
		t.Errorf("a ref without an institution: %v, %d requests sent", err, len(kms.Requests())-n)
	}
}
