package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"meldwijzer/config"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/meldpunt"
	"meldwijzer/store/bolt"
	"meldwijzer/store/dynamo"
)

const (
	intakeTurn  = 750 * time.Millisecond
	intakePairs = 6
	// intakeMaxCalls bounds the direct side's calls per turn.
	intakeMaxCalls = 200_000
)

// submissions are report bodies as the phone sends them.
var submissions = []meldpunt.Submission{
	{Audience: "student", Lang: "nl", Theme: "seksueel", Where: "school", When: "week", FollowUp: true,
		Description: "Een docent maakt opmerkingen over mijn lichaam als we alleen zijn."},
	{Audience: "student", Lang: "nl", Theme: "pesten", Where: "online", When: "month", FollowUp: true,
		Description: "Er is een groepsapp gemaakt over mij waar ze memes van me posten. Het gaat al weken zo door en ik durf niet meer naar school. Mijn mentor weet het niet."},
	{Audience: "student", Lang: "nl", Theme: "discriminatie", Where: "stage", When: "week", Grounds: []string{"religie"}, FollowUp: false,
		Description: "Bij mijn stage zeiden ze dat ik mijn hoofddoek af moest doen, anders mocht ik niet blijven."},
	{Audience: "staff", Lang: "nl", Theme: "agressie", Where: "school", When: "week", FollowUp: true,
		Description: "Een student heeft een collega in de gang bedreigd en geduwd. Er waren meer studenten bij. We weten niet goed of we dit moeten melden bij de politie."},
	{Audience: "student", Lang: "en", Theme: "stagemisbruik", Where: "stage", When: "longer", FollowUp: true,
		Description: "At my internship I have to work twelve hours a day without a break and my supervisor shouts at me."},
}

// runID keeps the Idempotency-Keys of one run apart from any other's.
var runID = func() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

// keyCounter makes every Idempotency-Key of the run unique, on every side.
var keyCounter atomic.Uint64

func newKey(side string) string {
	return fmt.Sprintf("bench-%s-%s-%012d", runID, side, keyCounter.Add(1))
}

// intakeTargeter posts a report with a new Idempotency-Key on each call.
func intakeTargeter(url string) vegeta.Targeter {
	bodies := make([][]byte, len(submissions))
	for i, s := range submissions {
		bodies[i] = mustJSON(s)
	}
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		i := n.Add(1)
		t.Method, t.URL, t.Body = "POST", url, bodies[i%uint64(len(bodies))]
		t.Header = http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {newKey("http")}}
		return nil
	}
}

// direct is the ceiling of the intake: the same meldpunt service and store, called from the same
// number of goroutines, without HTTP.
func direct(svc *meldpunt.Service) load {
	var n atomic.Uint64
	return funcLoad(workers, intakeMaxCalls, func() error {
		i := n.Add(1)
		sub := submissions[i%uint64(len(submissions))]
		sub.Grounds = append([]string(nil), sub.Grounds...) // Submit sorts them in place
		res, err := svc.Submit(context.Background(), "roc-voorbeeldstad", newKey("direct"), sub)
		if err == nil && !res.Created {
			err = fmt.Errorf("not created")
		}
		return err
	})
}

func intakeRow(r *run, part string, srv *full) Row {
	b := r.b
	url := srv.URL + "/api/v1/institutions/roc-voorbeeldstad/reports"
	created := func(code int) bool { return code == http.StatusCreated }
	p := turns(intakePairs, intakeTurn, httpLoad(intakeTargeter(url), workers, created), direct(srv.Meldpunt))
	if p.A.Failed > 0 || p.B.Failed > 0 {
		b.Fatalf("%s: http %s; direct %s", part, p.A.failures(), p.B.failures())
	}
	return Row{
		Part: part, Value: rateText(p.A), Ceiling: "no HTTP " + rateText(p.B),
		Ratio: medianf(p.rateRatios()), Formula: "http/no-HTTP reports/s", Spread: spread(p.rateRatios()), Slowdown: 1 / medianf(p.rateRatios()),
		Figures: map[string]float64{
			"http_rps": p.A.rps(), "http_p50_ms": ms(p.A.q(.5)), "http_p99_ms": ms(p.A.q(.99)), "http_reports": float64(p.A.OK),
			"direct_rps": p.B.rps(), "direct_p50_ms": ms(p.B.q(.5)), "direct_p99_ms": ms(p.B.q(.99)), "direct_reports": float64(p.B.OK),
			"workers": workers, "http_cpu_us_per_report": float64(p.A.cpuPerRequest()) / 1e3, "direct_cpu_us_per_report": float64(p.B.cpuPerRequest()) / 1e3,
		},
	}
}

// intakeRows measures the report intake on bbolt (a file on disk, as `make run` keeps it) and on
// DynamoDB Local, and returns the running DynamoDB Local for the Lambda rows.
func intakeRows(r *run) *dynamolocal.Local {
	b := r.b
	store, err := bolt.Open(filepath.Join(b.TempDir(), "meldwijzer.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	row := intakeRow(r, "Report intake, bbolt (disk)", newFull(b, store, meldpunt.NewMasterSecret()))
	row.Note = fmt.Sprintf("POST /api/v1/institutions/{id}/reports, 201 each; unique Idempotency-Key per report; %d workers both sides; ceiling = meldpunt.Submit on the same store from %d goroutines, no HTTP", workers, workers)
	row.Why = fmt.Sprintf("each report is one bbolt read-write transaction with an fsync, and bbolt runs one writer at a time: "+
		"the store's p50 is %.1f ms even without HTTP, so both sides queue on the disk and HTTP adds little", row.Figures["direct_p50_ms"])
	r.add(row)

	ddb := dynamolocal.Start(b, dynamolocal.Options{})
	ctx := context.Background()
	table := fmt.Sprintf("meldwijzer-bench-%s", runID)
	if err := dynamo.CreateTable(ctx, ddb.Client(), table); err != nil {
		b.Fatal(err)
	}
	// The production client (dynamo.NewClient: its timeouts, retries and connection pool),
	// pointed at DynamoDB Local as the local binary is, through AWS_ENDPOINT_URL_DYNAMODB.
	b.Setenv(config.EnvDynamoDBEndpoint, ddb.Endpoint)
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("eu-west-1"),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	if err != nil {
		b.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(ddb.Endpoint)
	dstore := dynamo.New(dynamo.NewClient(cfg), table)
	// The wrapped data keys in their own table, as on AWS (wrapped by a keyfile key: KMS has no
	// local emulator).
	if err := dynamo.CreateKeysTable(ctx, ddb.Client(), table+"-keys", false); err != nil {
		b.Fatal(err)
	}
	dkeys := dynamo.NewKeys(dynamo.NewClient(cfg), table+"-keys")
	row = intakeRow(r, "Report intake, DynamoDB Local", newFullSealed(b, dstore, meldpunt.NewMasterSecret(), dkeys))
	row.Note = "the same, on DynamoDB Local 3.3 (in memory, a JVM on the same 2 cores) through the production client; one TransactWriteItems per report, after one PutItem of its wrapped data key in the keys table"
	row.Why = fmt.Sprintf("each report is one TransactWriteItems of 7–9 items, %.1f ms p50 even without HTTP: the JVM emulator on the same cores "+
		"is the ceiling, and concurrent reports of the same month conflict on its count items (the store backs off and retries, p99 %.0f ms)",
		row.Figures["direct_p50_ms"], row.Figures["http_p99_ms"])
	r.add(row)
	r.add(incidentRow(r, "Incident registration, DynamoDB Local", newFull(b, dstore, meldpunt.NewMasterSecret())))
	return ddb
}
