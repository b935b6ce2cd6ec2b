// Package kms is the seal.Wrapper on AWS KMS: one symmetric key for the deployment, and every
// data key made by GenerateDataKey and opened by Decrypt with the encryption context
// {"institution": <id>, <kind>: <item id>} (for a report {"institution", "report"}). KMS binds
// the wrapped key to that context: it decrypts only with the same context, CloudTrail records
// it with every use, and IAM policies can limit a function by it (kms:EncryptionContext:*).
package kms

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"meldwijzer"
	"meldwijzer/seal"
)

// ContextInstitution is the encryption context's key for the institution; the item's kind
// (meldwijzer.KeyKind*) is the key for its id.
const ContextInstitution = "institution"

// API is the part of the KMS client the wrapper calls (*kms.Client is one).
type API interface {
	GenerateDataKey(ctx context.Context, in *awskms.GenerateDataKeyInput, opts ...func(*awskms.Options)) (*awskms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *awskms.DecryptInput, opts ...func(*awskms.Options)) (*awskms.DecryptOutput, error)
}

// Wrapper wraps data keys under the KMS key keyID.
type Wrapper struct {
	api   API
	keyID string
}

var _ seal.Wrapper = (*Wrapper)(nil)

// New returns a wrapper on the KMS key keyID (its ARN); it does no I/O.
func New(api API, keyID string) *Wrapper { return &Wrapper{api: api, keyID: keyID} }

// EncryptionContext is the context a data key of ref is bound to.
func EncryptionContext(ref meldwijzer.KeyRef) (map[string]string, error) {
	if ref.Institution == "" || ref.Kind == "" || ref.ID == "" || ref.Kind == ContextInstitution {
		return nil, errors.New("kms: a data key needs an institution, a kind and an id")
	}
	return map[string]string{ContextInstitution: ref.Institution, ref.Kind: ref.ID}, nil
}

// NewKey asks KMS for a data key of 256 bits under the deployment's key.
func (w *Wrapper) NewKey(ctx context.Context, ref meldwijzer.KeyRef) (key, wrapped []byte, err error) {
	ec, err := EncryptionContext(ref)
	if err != nil {
		return nil, nil, err
	}
	out, err := w.api.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{
		KeyId: aws.String(w.keyID), KeySpec: types.DataKeySpecAes256, EncryptionContext: ec,
	})
	if err != nil {
		return nil, nil, unavailable("GenerateDataKey", err)
	}
	if len(out.Plaintext) != seal.KeySize || len(out.CiphertextBlob) == 0 {
		return nil, nil, errors.New("kms: GenerateDataKey returned no 256-bit key")
	}
	return out.Plaintext, out.CiphertextBlob, nil
}

// Unwrap asks KMS to decrypt the wrapped key with ref's context; the KeyId pins the key, so a
// blob from another key is refused.
func (w *Wrapper) Unwrap(ctx context.Context, ref meldwijzer.KeyRef, wrapped []byte) ([]byte, error) {
	ec, err := EncryptionContext(ref)
	if err != nil {
		return nil, err
	}
	out, err := w.api.Decrypt(ctx, &awskms.DecryptInput{
		CiphertextBlob: wrapped, KeyId: aws.String(w.keyID), EncryptionContext: ec,
	})
	if err != nil {
		var invalid *types.InvalidCiphertextException
		if errors.As(err, &invalid) {
			return nil, fmt.Errorf("kms: the wrapped key is not this item's: %w", err)
		}
		return nil, unavailable("Decrypt", err)
	}
	if len(out.Plaintext) != seal.KeySize {
		return nil, errors.New("kms: Decrypt returned no 256-bit key")
	}
	return out.Plaintext, nil
}

// unavailable turns a failed KMS call into a 503 for the person (the details are logged by the
// caller's error handling, never shown).
func unavailable(op string, err error) error {
	return errors.Join(meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "the key service cannot be reached; try again later"), fmt.Errorf("kms %s: %w", op, err))
}
