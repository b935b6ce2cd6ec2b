package config

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The AWS SDK's own variables that a Lambda function reads: Lambda sets the region and the
// execution role's credentials; AWS_ENDPOINT_URL_<SERVICE ID> points a client elsewhere (the
// tests: DynamoDB Local, stand-ins on loopback).
const (
	EnvAWSRegion       = "AWS_REGION"
	EnvAWSAccessKeyID  = "AWS_ACCESS_KEY_ID"
	EnvAWSSecretKey    = "AWS_SECRET_ACCESS_KEY"
	EnvAWSSessionToken = "AWS_SESSION_TOKEN"
	EnvAWSEndpointURL  = "AWS_ENDPOINT_URL"
)

// LambdaAWS is the AWS configuration of a Lambda function, from the environment alone: the
// region, the static credentials Lambda gives the execution role, and the endpoint overrides.
// The clients keep their own defaults (the standard retryer, the SDK's HTTP client). It does not
// use the SDK's config package on purpose: LoadDefaultConfig links the SSO, SSO-OIDC, STS and
// sign-in clients (profiles, web identity, IMDS), whose package initialisation a cold start
// paid for while a function never uses them. The local binary, which may need a profile, keeps
// LoadDefaultConfig.
func LambdaAWS(getenv func(string) string) (aws.Config, error) {
	region, id, key := getenv(EnvAWSRegion), getenv(EnvAWSAccessKeyID), getenv(EnvAWSSecretKey)
	var missing []string
	for _, v := range [][2]string{{EnvAWSRegion, region}, {EnvAWSAccessKeyID, id}, {EnvAWSSecretKey, key}} {
		if v[1] == "" {
			missing = append(missing, v[0])
		}
	}
	if len(missing) > 0 {
		// Lambda always sets them; elsewhere, set them or use the local binary.
		return aws.Config{}, fmt.Errorf("config: %s must be set (Lambda sets them for the function's role)", strings.Join(missing, ", "))
	}
	cfg := aws.Config{
		Region:        region,
		Credentials:   credentials.NewStaticCredentialsProvider(id, key, getenv(EnvAWSSessionToken)),
		ConfigSources: []any{endpointURLs(getenv)},
	}
	if v := getenv(EnvAWSEndpointURL); v != "" {
		cfg.BaseEndpoint = aws.String(v)
	}
	return cfg, nil
}

// endpointURLs answers the clients' question for AWS_ENDPOINT_URL_<SERVICE ID> (the service
// ID upper case, spaces as underscores: AWS_ENDPOINT_URL_SECRETS_MANAGER), as the SDK's
// environment configuration does.
type endpointURLs func(string) string

func (e endpointURLs) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	v := e(EnvAWSEndpointURL + "_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_"))
	return v, v != "", nil
}
