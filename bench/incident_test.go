package bench

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"meldwijzer/auth"
)

// incidentGoal: registering an incident may take at most this many times as long as filing a
// report (issue 14): staff register in a spare minute, and the form must not make them wait.
const incidentGoal = 1.2

// registrations are incident bodies as the staff form sends them (the day is filled in).
var registrations = []string{
	`{"day":%q,"theme":"agressie","where":"school","involved":["student","staff"],"categories":["threat","physical"],"serious":true,"actions":["safety","manager"],"followUp":"aftercare","note":"Ruzie in de kantine, een student dreigde. Geen namen."}`,
	`{"day":%q,"theme":"pesten","where":"online","involved":["student"],"categories":["online"],"serious":false,"actions":["manager"]}`,
	`{"day":%q,"theme":"discriminatie","where":"stage","involved":["student","workplace"],"grounds":["religie"],"categories":["discrimination"],"serious":false,"actions":["vertrouwenspersoon"],"followUp":"conversation"}`,
	`{"day":%q,"theme":"criminaliteit","where":"school","involved":["student","outsider"],"categories":["drugs","police"],"serious":true,"actions":["police-report","manager"]}`,
}

// incidentTargeter posts an incident with a new Idempotency-Key on each call, as a staff member.
func incidentTargeter(url, token string) vegeta.Targeter {
	today := time.Now().UTC().Format(time.DateOnly)
	bodies := make([][]byte, len(registrations))
	for i, r := range registrations {
		bodies[i] = []byte(fmt.Sprintf(r, today))
	}
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		i := n.Add(1)
		t.Method, t.URL, t.Body = "POST", url, bodies[i%uint64(len(bodies))]
		t.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {token}, "Idempotency-Key": {newKey("incident")}}
		return nil
	}
}

// incidentRow measures registering an incident against filing a report, both over HTTP on the
// same server and store, in turns: the ratio of their median times.
func incidentRow(r *run, part string, srv *full) Row {
	b := r.b
	tok, err := srv.Key.Sign(auth.Identity{Subject: "bench-staff", Institution: "roc-voorbeeldstad", Role: auth.RoleStaff}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	inst := srv.URL + "/api/v1/institutions/roc-voorbeeldstad"
	created := func(code int) bool { return code == http.StatusCreated }
	p := turns(intakePairs, intakeTurn,
		httpLoad(incidentTargeter(inst+"/incidents", "Bearer "+tok), workers, created),
		httpLoad(intakeTargeter(inst+"/reports"), workers, created))
	if p.A.Failed > 0 || p.B.Failed > 0 {
		b.Fatalf("%s: incidents %s; reports %s", part, p.A.failures(), p.B.failures())
	}
	// With the same fixed number of workers on each side, a side's mean time per request is
	// workers/rate: the ratio of rates is the ratio of mean times, tails included.
	var times []float64
	for _, r := range p.rateRatios() {
		times = append(times, 1/r)
	}
	ratio := medianf(times)
	return Row{
		Part: part, Value: rateText(p.A), Ceiling: "report " + rateText(p.B),
		Ratio: ratio, Formula: "mean time per incident / per report (report rps / incident rps, same workers)", Spread: spread(times),
		Goal: fmt.Sprintf("≤ %.1f", incidentGoal), Met: met(ratio <= incidentGoal), Slowdown: ratio,
		Figures: map[string]float64{
			"incident_rps": p.A.rps(), "incident_p50_ms": ms(p.A.q(.5)), "incident_p99_ms": ms(p.A.q(.99)), "incidents": float64(p.A.OK),
			"report_rps": p.B.rps(), "report_p50_ms": ms(p.B.q(.5)), "report_p99_ms": ms(p.B.q(.99)), "reports": float64(p.B.OK),
			"workers": workers, "p50_ratio": medianf(p.p50Ratios()),
		},
		Note: fmt.Sprintf("POST .../incidents (staff token) against POST .../reports, 201 each, unique Idempotency-Keys, %d workers, in turns on the same server and store; one TransactWriteItems each (an incident needs no sequence read)", workers),
	}
}
