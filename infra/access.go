package main

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer"
	"meldwijzer/api"
	"meldwijzer/config"
	"meldwijzer/store/dynamo"
)

// access is what one function may reach: its environment (names and addresses only, never a
// secret value), its grants on the table (each limited to the partitions it uses), and the
// secrets it reads.
type access struct {
	env map[string]*string
	// table are the function's grants on the table (none: no table and no table key).
	table []tableGrant
	// secrets are the Secrets Manager secrets it reads.
	secrets []awssecretsmanager.Secret
	// seal are its actions on the seal key (sealKeyStatement), for the data keys of sealKinds.
	seal      []string
	sealKinds []string
}

// tableGrant is one statement on the table: actions on the items whose partition key starts
// with one of prefixes (dynamodb:LeadingKeys), nothing else.
type tableGrant struct {
	sid      string
	actions  []string
	prefixes []string
	// keys puts the grant on the keys table instead of the reports table.
	keys bool
}

// The partitions of reports: the report items, counts and sequence (INST#), the receipt index
// and the idempotency records.
var reportPartitions = []string{dynamo.PrefixInstitution, dynamo.PrefixReceipt, dynamo.PrefixIdempotency}

// Table grants per function, exactly what store/dynamo calls. TransactWriteItems is not an IAM
// action: its Put, Update and Delete parts are authorized as PutItem, UpdateItem and DeleteItem
// (no ConditionCheck part is used, so no ConditionCheckItem). DescribeTable and Scan are never
// called.
var (
	// The guide reads the institutions it shows (catalog: one Query of their partition, cached)
	// and nothing else: no report, no domain index, no write.
	wegwijzerTable = []tableGrant{
		{"InstitutionsRead", []string{"dynamodb:GetItem", "dynamodb:Query"}, []string{dynamo.PartitionInstitutions}, false},
	}
	// The meldpunt: CreateReport (the sequence's UpdateItem, then a transaction of Puts and
	// Updates, GetItem on replay), ReportByReceipt (GetItem) and AddMessage (GetItem,
	// UpdateItem). Never the audit log.
	meldpuntTable = []tableGrant{
		{"Reports", []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, reportPartitions, false},
		// Whether the institution takes reports (read as the guide does).
		{"InstitutionsRead", []string{"dynamodb:GetItem", "dynamodb:Query"}, []string{dynamo.PartitionInstitutions}, false},
		// A new report's data key (PutItem), a report's key to read and answer it (GetItem), and
		// the key of a retried submission that stored nothing (DeleteItem).
		{"DataKeys", []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}, []string{dynamo.PrefixKey}, true},
	}
	// The institution function also lists reports (Query, BatchGetItem), reads counts (Query)
	// and sets statuses (a transaction that moves list entries and may delete the idempotency
	// and receipt items: DeleteItem). The audit log it reads and appends to, and may neither
	// delete nor update: PutItem (conditioned on a new key) on AUDIT#, UpdateItem only on the
	// counter AUDITSEQ#.
	institutionTable = []tableGrant{
		{"Reports", []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
			"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}, reportPartitions, false},
		{"AuditAppend", []string{"dynamodb:Query", "dynamodb:PutItem"}, []string{dynamo.PrefixAudit}, false},
		{"AuditCounter", []string{"dynamodb:UpdateItem"}, []string{dynamo.PrefixAuditSeq}, false},
		// Data keys: read to open and answer a case, made for a report stored before sealing
		// (PutItem), given the report's expiry when it closes (UpdateItem), never deleted here:
		// DynamoDB's TTL deletes them. The expiry index moves with the expiry (PutItem, DeleteItem).
		{"DataKeys", []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, []string{dynamo.PrefixKey}, true},
		{"DataKeyExpiry", []string{"dynamodb:PutItem", "dynamodb:DeleteItem"}, []string{dynamo.PartExpires}, true},
		// An admin's contacts: PutInstitution reads the record and writes it again with the copy
		// in each of its domain items, conditioned on the version it read (no DeleteItem: the
		// contacts never change the domains; the operator's CLI does that with its own rights).
		// A demo stack's cold start writes the demo institutions the same way.
		{"InstitutionsWrite", []string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"}, []string{dynamo.PartitionInstitutions}, false},
		{"InstitutionDomains", []string{"dynamodb:GetItem", "dynamodb:PutItem"}, []string{dynamo.PrefixDomain}, false},
		// Incidents: registered with Puts conditioned on new keys (GetItem on a retry), listed
		// with Query; never changed or deleted (TTL deletes them). Their counters: the Updates
		// that add to them, and the dashboard's Query.
		{"Incidents", []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"}, []string{dynamo.PrefixIncident}, false},
		{"IncidentCounts", []string{"dynamodb:Query", "dynamodb:UpdateItem"}, []string{dynamo.PrefixIncidentCount}, false},
	}
)

// functionAccess is the one table of environment and grants per function. Only the meldpunt
// derives receipts, so only it gets the master secret; the two functions behind CloudFront's
// origin secret read that.
func functionAccess(d *data, issuer, audience *string) map[string]access {
	origin := map[string]*string{config.EnvTable: d.table.TableName(), config.EnvOriginSecretARN: d.originSecret.SecretArn(),
		config.EnvKeysTable: d.seal.keysTable.TableName(), config.EnvSealKeyARN: d.seal.key.KeyArn()}
	meldpunt := maps.Clone(origin)
	meldpunt[config.EnvSecretARN] = d.secret.SecretArn()
	staff := maps.Clone(origin)
	staff[config.EnvTokenIssuer] = issuer
	staff[config.EnvJWKSURL] = awscdk.Fn_Join(jsii.String(""), &[]*string{issuer, jsii.String("/.well-known/jwks.json")})
	staff[config.EnvTokenAudience] = audience
	return map[string]access{
		api.FunctionWegwijzer: {env: map[string]*string{config.EnvTable: d.table.TableName()}, table: wegwijzerTable},
		api.FunctionMeldpunt: {env: meldpunt, table: meldpuntTable, secrets: []awssecretsmanager.Secret{d.secret, d.originSecret}, seal: meldpuntSeal,
			sealKinds: []string{meldwijzer.KeyKindReport}},
		api.FunctionInstitution: {env: staff, table: institutionTable, secrets: []awssecretsmanager.Secret{d.originSecret}, seal: institutionSeal,
			sealKinds: []string{meldwijzer.KeyKindReport, meldwijzer.KeyKindIncident}},
	}
}

// grant gives fn its environment and grants.
func (a access) grant(stack awscdk.Stack, fn awslambda.Function, d *data) {
	for _, k := range slices.Sorted(maps.Keys(a.env)) {
		fn.AddEnvironment(jsii.String(k), a.env[k], nil)
	}
	for _, g := range a.table {
		var keys []string
		for _, p := range g.prefixes {
			keys = append(keys, p+"*")
		}
		table := d.table
		if g.keys {
			table = d.seal.keysTable
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("Table" + g.sid),
			Actions:   jsii.Strings(g.actions...),
			Resources: jsii.Strings(*table.TableArn()),
			Conditions: &map[string]any{"ForAllValues:StringLike": map[string]any{
				"dynamodb:LeadingKeys": keys,
			}},
		}))
	}
	if len(a.table) > 0 {
		// The table's CMK, used by DynamoDB on the function's behalf (and only through DynamoDB).
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("TableKeyViaDynamoDB"),
			Actions:   jsii.Strings("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"),
			Resources: jsii.Strings(*d.key.KeyArn()),
			Conditions: &map[string]any{"StringEquals": map[string]any{
				"kms:ViaService": awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("dynamodb."), stack.Region(), jsii.String("."), stack.UrlSuffix()}),
			}},
		}))
	}
	for _, kind := range a.sealKinds {
		fn.AddToRolePolicy(sealKeyStatement(d, a.seal, kind))
	}
	// GetSecretValue and DescribeSecret on each secret, kms:Decrypt through Secrets Manager.
	for _, s := range a.secrets {
		s.GrantRead(fn, nil)
	}
}
