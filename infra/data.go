package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// data is the stored state: the reports table and the master secret, under one customer-managed
// key. All of it is retained when the stack goes.
type data struct {
	key    awskms.Key
	table  awsdynamodb.TableV2
	secret awssecretsmanager.Secret
	// originSecret is what CloudFront sends to the API (lambdahttp.OriginSecretHeader), so that
	// a request straight to the API's own endpoint is refused.
	originSecret awssecretsmanager.Secret
	// seal wraps the reports' data keys and keeps them (without backups).
	seal *sealing
}

func newData(stack awscdk.Stack) *data {
	dataKey := awskms.NewKey(stack, jsii.String("DataKey"), &awskms.KeyProps{
		Description:       jsii.String("Meldwijzer: reports table and master secret"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})

	table := awsdynamodb.NewTableV2(stack, jsii.String("Table"), &awsdynamodb.TablePropsV2{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String("sk"), Type: awsdynamodb.AttributeType_STRING},
		Billing:             awsdynamodb.Billing_OnDemand(nil),
		Encryption:          awsdynamodb.TableEncryptionV2_CustomerManagedKey(dataKey, nil),
		TimeToLiveAttribute: jsii.String("expiresAt"),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})

	// The master secret: the receipt hashes and idempotency keys are derived from it with HKDF
	// (meldpunt.NewKeys, at least 32 bytes). The functions base64-decode the secret string: 64
	// letters and digits are valid base64 (every character is in the alphabet and 64 is a
	// multiple of 4) and decode to 48 bytes with about 381 bits of entropy. Losing it makes every
	// receipt unusable: it is kept when the stack goes.
	secret := newGeneratedSecret(stack, dataKey, "MasterSecret",
		"Meldwijzer master secret (base64 text; the receipt and idempotency keys derive from it)", awscdk.RemovalPolicy_RETAIN,
		"The master secret keys the stored receipt hashes (HKDF): rotating it would make every "+
			"issued receipt unusable, so it is rotated only by a planned re-keying, never on a schedule.")
	// The origin secret, sent by CloudFront as a custom origin header (CloudFormation resolves it
	// into the distribution's configuration at deploy time).
	originSecret := newGeneratedSecret(stack, dataKey, "OriginSecret",
		"Meldwijzer: the header value CloudFront sends to the API; requests without it are refused", awscdk.RemovalPolicy_DESTROY,
		"Rotating the origin secret means updating the distribution and the functions together; "+
			"operators rotate it by a deploy (docs/operations.md), not on a schedule.")
	return &data{key: dataKey, table: table, secret: secret, originSecret: originSecret, seal: newSealing(stack, dataKey)}
}

// newGeneratedSecret is a secret of 64 letters and digits under the data key, not rotated on a
// schedule (noRotation says why).
func newGeneratedSecret(stack awscdk.Stack, key awskms.Key, id, description string, removal awscdk.RemovalPolicy, noRotation string) awssecretsmanager.Secret {
	secret := awssecretsmanager.NewSecret(stack, jsii.String(id), &awssecretsmanager.SecretProps{
		Description:   jsii.String(description),
		EncryptionKey: key,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		RemovalPolicy: removal,
	})
	cdknag.NagSuppressions_AddResourceSuppressions(secret, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SMG4"), Reason: jsii.String(noRotation),
	}}, jsii.Bool(false))
	return secret
}
