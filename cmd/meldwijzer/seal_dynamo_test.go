package main_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"meldwijzer"
	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/dynamo"
)

// The same attack on DynamoDB (Local), through the real binary on `-store dynamodb`: a copy of
// the report item taken before deletion stands for what a backup or point-in-time recovery
// keeps for 35 days. After the sweep the keys table (which has no backups) holds nothing of
// the report, so the copy, even restored into the table, opens with no key that is left.
func TestDeletionIsRealOnDynamoDB(t *testing.T) {
	local := dynamolocal.Start(t, dynamolocal.Options{})
	db := local.Client()
	ctx := context.Background()
	table, keysTable := "meldwijzer-seal", "meldwijzer-seal-keys"
	if err := dynamo.CreateTable(ctx, db, table); err != nil {
		t.Fatal(err)
	}
	// The keys table without TTL: only the sweep deletes here, as the test must show.
	if err := dynamo.CreateKeysTable(ctx, db, keysTable, false); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		config.EnvTable: table, config.EnvKeysTable: keysTable, config.EnvDynamoDBEndpoint: local.Endpoint,
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
	} {
		t.Setenv(k, v)
	}
	bin := buildBinary(t)
	data := t.TempDir()
	srv, base, staff, id, otherID := sealScene(t, bin, data, "-store", "dynamodb")

	// No item of either table holds a text.
	for _, tb := range []string{table, keysTable} {
		if s := scanText(t, db, tb); containsAny(s, secretDescription, secretMessage, secretReply, secretNote, secretOther) {
			t.Errorf("table %s holds plain text", tb)
		}
	}
	// The copy that PITR would keep.
	reportKey := map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: dynamo.PrefixInstitution + restartInstitution},
		"sk": &types.AttributeValueMemberS{Value: "REPORT#" + id},
	}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: reportKey, ConsistentRead: aws.Bool(true)})
	if err != nil || got.Item == nil {
		t.Fatalf("the report item: %v", err)
	}
	backup := got.Item
	var copied struct {
		Description string `dynamodbav:"description"`
		Messages    []struct {
			From string `dynamodbav:"from"`
			Text string `dynamodbav:"text"`
		} `dynamodbav:"messages"`
	}
	if err := attributevalue.UnmarshalMap(backup, &copied); err != nil {
		t.Fatal(err)
	}
	if !seal.Sealed(copied.Description) || len(copied.Messages) != 2 {
		t.Fatalf("the report item is not sealed as expected: %q, %d messages", copied.Description, len(copied.Messages))
	}

	call(t, "PATCH", base+"/institutions/"+restartInstitution+"/reports/"+id, "Bearer "+staff, `{"status":"closed"}`, http.StatusOK, nil)
	ref := meldpunt.ReportKey(restartInstitution, id)
	keys := dynamo.NewKeys(db, keysTable)
	// The sweep deletes the key and then its expiry entry, so the test waits for both: after it,
	// nothing in the keys table names the report.
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := keys.Key(ctx, ref)
		named := strings.Contains(scanText(t, db, keysTable), id)
		if err == meldwijzer.ErrKeyNotFound && !named {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("15 s after closing, the report's key: %v; the keys table still names the report: %v", err, named)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Restore the copy, as a point-in-time recovery would: the handler sees the report without
	// its text, and no text is anywhere in the answer.
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: backup}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+"/institutions/"+restartInstitution+"/reports/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+staff)
	var restored map[string]any
	do(t, req, http.StatusOK, &restored)
	raw, _ := json.Marshal(restored)
	if containsAny(string(raw), secretDescription, secretMessage, secretReply, secretNote, "mwseal1:") {
		t.Errorf("the restored report shows text: %s", raw)
	}
	srv.stop(t, syscall.SIGTERM, nil)
	srv.checkLogs(t, "seal-dynamo")

	// No key left opens the copy: each wrapped key left, unwrapped under its own item, and the
	// master key and the institution's key derived from it.
	wrapper, err := keyfile.Load(filepath.Join(data, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	otherRef := meldpunt.ReportKey(restartInstitution, otherID)
	w, err := keys.Key(ctx, otherRef)
	if err != nil {
		t.Fatalf("the open report lost its key: %v", err)
	}
	k, err := wrapper.Unwrap(ctx, otherRef, w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrapper.Unwrap(ctx, ref, w); err == nil {
		t.Error("the open report's wrapped key unwraps as the deleted report's")
	}
	box, _ := seal.NewBox(ref, k)
	if _, err := box.Open(seal.FieldDescription, copied.Description); err == nil {
		t.Error("the open report's key opens the deleted report's description")
	}
	for _, m := range copied.Messages {
		if _, err := box.Open(seal.MessageField(m.From), m.Text); err == nil {
			t.Error("the open report's key opens a deleted message")
		}
	}
}

// scanText is every item of a table as JSON text (the test may scan; the store never does).
func scanText(t *testing.T, db *dynamodb.Client, table string) string {
	t.Helper()
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(items)
	return string(b)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
