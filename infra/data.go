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
	// multiple of 4) and decode to 48 bytes with about 381 bits of entropy.
	secret := awssecretsmanager.NewSecret(stack, jsii.String("MasterSecret"), &awssecretsmanager.SecretProps{
		Description:   jsii.String("Meldwijzer master secret (base64 text; the receipt and idempotency keys derive from it)"),
		EncryptionKey: dataKey,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		// Losing it makes every receipt unusable: keep it when the stack goes.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	// The master secret is not rotated.
	cdknag.NagSuppressions_AddResourceSuppressions(secret, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SMG4"),
		Reason: jsii.String("The master secret keys the stored receipt hashes (HKDF): rotating it would make every " +
			"issued receipt unusable, so it is rotated only by a planned re-keying, never on a schedule."),
	}}, jsii.Bool(false))
	return &data{key: dataKey, table: table, secret: secret}
}
