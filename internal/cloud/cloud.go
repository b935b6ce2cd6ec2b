// Package cloud makes what the Lambda functions that keep reports need at a cold start: the AWS
// configuration, the DynamoDB store on the configured table, the sealer (KMS and the keys
// table) and the master secret from Secrets Manager. The wegwijzer function needs none of it and does not import it.
package cloud

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"meldwijzer/config"
	"meldwijzer/internal/secret"
	"meldwijzer/seal"
	sealkms "meldwijzer/seal/kms"
	"meldwijzer/store/dynamo"
)

// Parts are the AWS-side parts of a function.
type Parts struct {
	AWS    aws.Config
	Store  *dynamo.Store
	Secret []byte
	// Sealer seals report text: data keys from KMS (c.SealKeyARN), wrapped keys in c.KeysTable
	// (nil when either is not configured).
	Sealer *seal.Sealer
	// OriginSecret is what CloudFront sends to the API ("" when not configured).
	OriginSecret string
}

// Open makes the AWS configuration from the environment (config.LambdaAWS), reads the master secret named by c.SecretARN (when set: the
// institution function has none) and the origin secret, and opens the store on c.Table.
func Open(ctx context.Context, c config.Config) (*Parts, error) {
	cfg, err := config.LambdaAWS(os.Getenv)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(cfg)
	p := &Parts{AWS: cfg, Store: dynamo.New(db, c.Table)}
	if c.KeysTable != "" && c.SealKeyARN != "" {
		p.Sealer = seal.New(sealkms.New(kms.NewFromConfig(cfg), c.SealKeyARN), dynamo.NewKeys(db, c.KeysTable))
	}
	if c.SecretARN != "" {
		if p.Secret, err = secret.Load(ctx, cfg, c.SecretARN); err != nil {
			return nil, err
		}
	}
	if c.OriginSecretARN != "" {
		if p.OriginSecret, err = secret.LoadText(ctx, cfg, c.OriginSecretARN); err != nil {
			return nil, err
		}
	}
	return p, nil
}
