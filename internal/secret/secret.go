// Package secret reads the server's master secret from AWS Secrets Manager, once per cold start.
package secret

import (
	"context"
	"encoding/base64"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Load returns the decoded master secret held (as base64 text) in the secret named by arn.
func Load(ctx context.Context, cfg aws.Config, arn string) ([]byte, error) {
	text, err := LoadText(ctx, cfg, arn)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, errors.New("the secret must be base64")
	}
	return b, nil
}

// LoadText returns the text held in the secret named by arn.
func LoadText(ctx context.Context, cfg aws.Config, arn string) (string, error) {
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.SecretString), nil
}
