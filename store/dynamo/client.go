package dynamo

import (
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"meldwijzer/config"
)

// NewClient returns a DynamoDB client for the functions and the local server: each request
// gives up after a few seconds and a few attempts, so that when the table cannot be reached a
// person gets a 503 with Retry-After quickly instead of a hanging phone. The endpoint comes from
// the usual AWS settings (AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local).
func NewClient(cfg aws.Config) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.HTTPClient = awshttp.NewBuildableClient().WithTimeout(5 * time.Second)
		o.RetryMaxAttempts = 3
		if os.Getenv(config.EnvDynamoDBEndpoint) != "" {
			// DynamoDB Local's responses carry no checksum the SDK can check.
			o.DisableValidateResponseChecksum = true
		}
	})
}
