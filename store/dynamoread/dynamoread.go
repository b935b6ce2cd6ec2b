// Package dynamoread reads the institution records from the DynamoDB table, and only reads
// them: GetItem and Query over DynamoDB's JSON API (X-Amz-Target DynamoDB_20120810.*), signed
// with the SDK's SigV4 signer.
//
// It is for the guide's Lambda function, whose cold start a person on their phone waits for.
// The SDK's DynamoDB client (service/dynamodb) initialises its schemas and endpoint rules at
// start-up: about 43 ms under emulation, most of what that function's start took beyond a
// hello-world function's. This package links neither the client nor its types (attributevalue
// pulls them in), so it decodes the two attributes it reads with encoding/json.
//
// It returns exactly what store/dynamo returns for the same table (the record's JSON, sorted by
// id, the same error codes); the tests read with both and compare. Writing stays with
// store/dynamo: this package cannot write, and the function's IAM role may not either.
package dynamoread

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"meldwijzer"
)

// The item shape store/dynamo writes (store/dynamo/institutions.go): every record in one
// partition, the record's JSON in the attribute "record".
const (
	partitionInstitutions = "INSTITUTIONS"
	attrPK                = "pk"
	attrSK                = "sk"
	attrRecord            = "record"
)

// Timeouts and retries, as store/dynamo's client has them (NewClient): a request gives up after
// a few seconds and three attempts, so that a person waits for a 503 (or the catalog's last
// read) rather than for a hanging phone.
const (
	attemptTimeout = 5 * time.Second
	maxAttempts    = 3
	backoffBase    = 25 * time.Millisecond
	backoffMax     = 1 * time.Second
	// maxResponse bounds a response body: a Query page holds at most 1 MB of items.
	maxResponse = 8 << 20
)

// Reader reads the institution records of one table.
type Reader struct {
	table    string
	endpoint string
	region   string
	creds    aws.CredentialsProvider
	signer   *v4.Signer
	http     *http.Client
	pageSize int
}

var _ meldwijzer.InstitutionReader = (*Reader)(nil)

// Options tune a reader; the zero value is what the function uses.
type Options struct {
	// PageSize is the Query's Limit per page (0: DynamoDB's own, 1 MB of items). The tests set
	// it to read a list over several pages.
	PageSize int
	// HTTPClient sends the requests (nil: one of the reader's own, with attemptTimeout and
	// reused connections).
	HTTPClient *http.Client
}

// New returns a reader of the table with cfg's region, credentials (in Lambda the function
// role's, with its session token) and endpoint: AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL
// (config.LambdaAWS), else DynamoDB's regional endpoint. It does no I/O.
func New(cfg aws.Config, table string, o Options) (*Reader, error) {
	if table == "" {
		return nil, errors.New("dynamoread: no table")
	}
	if cfg.Region == "" || cfg.Credentials == nil {
		return nil, errors.New("dynamoread: the AWS config has no region or no credentials")
	}
	endpoint, err := resolveEndpoint(cfg)
	if err != nil {
		return nil, err
	}
	creds := cfg.Credentials
	if _, cached := creds.(*aws.CredentialsCache); !cached {
		creds = aws.NewCredentialsCache(creds)
	}
	client := o.HTTPClient
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// One host only: keep its connections (TLS set-up is the slow part of a read).
		t.MaxIdleConnsPerHost = 16
		t.IdleConnTimeout = 60 * time.Second
		client = &http.Client{Transport: t, Timeout: attemptTimeout}
	}
	return &Reader{
		table: table, endpoint: endpoint, region: cfg.Region, creds: creds,
		signer: v4.NewSigner(), http: client, pageSize: o.PageSize,
	}, nil
}

// resolveEndpoint chooses the endpoint as the SDK's DynamoDB client does: the service's own
// setting (AWS_ENDPOINT_URL_DYNAMODB, through cfg's config sources), then cfg.BaseEndpoint
// (AWS_ENDPOINT_URL), then the regional endpoint.
func resolveEndpoint(cfg aws.Config) (string, error) {
	type serviceEndpoint interface {
		GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
	}
	for _, src := range cfg.ConfigSources {
		if se, ok := src.(serviceEndpoint); ok {
			v, found, err := se.GetServiceBaseEndpoint(context.Background(), "DynamoDB")
			if err != nil {
				return "", fmt.Errorf("dynamoread: endpoint: %w", err)
			}
			if found && v != "" {
				return strings.TrimRight(v, "/"), nil
			}
		}
	}
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		return strings.TrimRight(*cfg.BaseEndpoint, "/"), nil
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(cfg.Region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://dynamodb." + cfg.Region + "." + suffix, nil
}

// stringValue is an attribute value of type S, as DynamoDB's JSON API writes it.
type stringValue struct {
	S *string `json:"S,omitempty"`
}

// item is an item with the attributes the reader projects.
type item map[string]stringValue

func (it item) decode() (*meldwijzer.Institution, error) {
	inst := &meldwijzer.Institution{}
	rec := it[attrRecord].S
	if rec == nil {
		return nil, fmt.Errorf("dynamoread: institution %q has no record", it.sk())
	}
	if err := json.Unmarshal([]byte(*rec), inst); err != nil {
		return nil, fmt.Errorf("dynamoread: bad institution %s/%s: %w", partitionInstitutions, it.sk(), err)
	}
	return inst, nil
}

func (it item) sk() string {
	if v := it[attrSK].S; v != nil {
		return *v
	}
	return ""
}

// projection reads the sort key (for error messages) and the record, nothing else. "record"
// is one of DynamoDB's reserved words, so both go through names.
var (
	projection      = "#sk, #rec"
	projectionNames = map[string]string{"#sk": attrSK, "#rec": attrRecord}
)

// Institution returns the record: one consistent GetItem, as store/dynamo reads it.
func (r *Reader) Institution(ctx context.Context, id string) (*meldwijzer.Institution, error) {
	if id == "" {
		return nil, meldwijzer.ErrInstitutionNotFound(id)
	}
	in := map[string]any{
		"TableName": r.table,
		"Key": map[string]stringValue{
			attrPK: {S: aws.String(partitionInstitutions)}, attrSK: {S: aws.String(id)},
		},
		"ConsistentRead":           true,
		"ProjectionExpression":     projection,
		"ExpressionAttributeNames": projectionNames,
	}
	var out struct{ Item item }
	if err := r.call(ctx, "GetItem", in, &out); err != nil {
		return nil, err
	}
	if out.Item == nil {
		return nil, meldwijzer.ErrInstitutionNotFound(id)
	}
	return out.Item.decode()
}

// Institutions lists every record: a consistent Query of their partition, page after page, in
// sort key (id) order; empty, not nil, when there are none.
func (r *Reader) Institutions(ctx context.Context) ([]*meldwijzer.Institution, error) {
	names := map[string]string{"#pk": attrPK}
	for k, v := range projectionNames {
		names[k] = v
	}
	in := map[string]any{
		"TableName":                 r.table,
		"KeyConditionExpression":    "#pk = :pk",
		"ExpressionAttributeNames":  names,
		"ExpressionAttributeValues": map[string]stringValue{":pk": {S: aws.String(partitionInstitutions)}},
		"ProjectionExpression":      projection,
		"ConsistentRead":            true,
	}
	if r.pageSize > 0 {
		in["Limit"] = r.pageSize
	}
	list := []*meldwijzer.Institution{}
	for {
		var out struct {
			Items            []item
			LastEvaluatedKey json.RawMessage
		}
		if err := r.call(ctx, "Query", in, &out); err != nil {
			return nil, err
		}
		for _, it := range out.Items {
			inst, err := it.decode()
			if err != nil {
				return nil, err
			}
			list = append(list, inst)
		}
		if len(out.LastEvaluatedKey) == 0 || string(out.LastEvaluatedKey) == "null" {
			return list, nil
		}
		in["ExclusiveStartKey"] = out.LastEvaluatedKey
	}
}

// unavailableMessage is what a person sees when DynamoDB cannot be reached: nothing internal.
const unavailableMessage = "De gegevens van de scholen zijn even niet bereikbaar. Probeer het over een paar minuten opnieuw. / " +
	"The schools' details cannot be reached right now. Please try again in a few minutes."

// unavailable is EUNAVAILABLE (a 503 with Retry-After), as store/dynamo answers when DynamoDB
// cannot be reached, throttles or fails; the log has the cause (never AWS's message text).
func unavailable(op string, cause error) error {
	return fmt.Errorf("%w (dynamoread %s: %w)", meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, unavailableMessage), op, cause)
}
