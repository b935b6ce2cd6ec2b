package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"meldwijzer/classify"
	"meldwijzer/meldpunt"
	"meldwijzer/store/bolt"
	"meldwijzer/wegwijzer"
)

const (
	// workers is the number of concurrent requests of every HTTP load (vegeta, max-rate mode).
	workers = 8
	// guideTurn is one turn of the guide rows; guidePairs pairs of turns per row.
	guideTurn  = 500 * time.Millisecond
	guidePairs = 12
	// maxStepRequests bounds the walk through the guide.
	maxStepRequests = 60
)

// guideReq is every field a step or a message request may have: the bare handler decodes it.
type guideReq struct {
	Audience    string `json:"audience"`
	Lang        string `json:"lang"`
	Institution string `json:"institution,omitempty"`
	Node        string `json:"node,omitempty"`
	Choice      string `json:"choice,omitempty"`
	Text        string `json:"text,omitempty"`
}

func (q guideReq) key() string {
	return q.Audience + "\x00" + q.Lang + "\x00" + q.Institution + "\x00" + q.Node + "\x00" + q.Choice + "\x00" + q.Text
}

// bare is the ceiling: a plain net/http handler that decodes the same JSON request and answers
// the node the real server gave for it, pre-rendered, byte for byte the same size.
func bare(answers map[string][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q guideReq
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body, ok := answers[q.key()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	})
}

// messages are typed messages as students and staff of an mbo school write them: chat spelling,
// typos, long and short, some urgent.
var messages = []string{
	"ik word gepest in de klas",
	"ze doen kk irritant tegen me in de pauze en lachen me steeds uit",
	"er is een groepsapp gemaakt over mij waar ze memes van me posten",
	"mn docent zegt steeds dat marokkanen lui zijn",
	"bij mijn stage zeiden ze dat ik mijn hoofddoek af moest doen anders mocht ik niet blijven",
	"mijn stagebegeleider zit steeds aan me en stuurt berichtjes 's avonds laat",
	"Een docent maakt opmerkingen over mijn lichaam als we alleen zijn.",
	"iemand dreigt mijn naaktfoto's te verspreiden als ik geen geld stuur",
	"er wordt gedeald op het schoolplein en ik durf er niks van te zeggen",
	"ik moet op mijn stage elke dag 12 uur werken en krijg geen pauze",
	"thuis wordt er veel geschreeuwd en mijn vader slaat soms",
	"een jongen uit mijn klas heeft me gisteravond na het feest aangerand",
	"ik wil niet meer leven",
	"er staat iemand met een mes bij de ingang van school",
	"Een student vertelde me dat hij al weken wordt buitengesloten door zijn klasgenoten.",
	"Een collega maakt racistische opmerkingen over studenten met een migratieachtergrond.",
	"ik weet niet zo goed wat ik moet doen, het voelt gewoon niet veilig meer",
	"in de les werd een discussie over israël en palestina heel grimmig en nu durf ik niks meer te zeggen",
	"ze noemen me steeds flikker in de groepsapp",
	"mijn ex blijft me volgen na school en staat soms bij mijn huis",
	"de leraar lacht mee als ze grappen maken over mijn hoofddoek",
	"ik ben trans en ze blijven me expres bij mn oude naam noemen",
}

func guideRows(r *run) {
	b := r.b
	store, err := bolt.Open(b.TempDir() + "/meldwijzer.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	srv := newFull(b, store, meldpunt.NewMasterSecret())

	// Steps: a walk through the real guide from the start, as students and staff, with and
	// without a school, the answers captured for the bare handler.
	steps, stepAnswers := walkSteps(b, srv.URL+"/api/v1/wegwijzer/step")
	var msgs []guideReq
	for i, text := range messages {
		q := guideReq{Audience: "student", Lang: "nl", Text: text}
		if i%4 == 3 {
			q.Audience = "staff"
		}
		if i%2 == 0 {
			q.Institution = "roc-voorbeeldstad"
		}
		msgs = append(msgs, q)
	}
	// And many more that nobody repeats: the reader remembers words it has seen, so a few
	// sentences sent over and over would flatter it. Every 10th message of the labelled corpus
	// (about 2,000, in Dutch and English, as students and staff wrote them).
	train, err := classify.LoadCorpus(os.DirFS("../classify"), classify.TrainDir)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(train); i += 10 {
		u := train[i]
		q := guideReq{Audience: u.Audience, Lang: u.Lang, Text: u.Text}
		if i%20 == 0 {
			q.Institution = "roc-voorbeeldstad"
		}
		msgs = append(msgs, q)
	}
	msgAnswers := capture(b, srv.URL+"/api/v1/wegwijzer/message", msgs)

	// What the guide itself costs per call, in this process, one goroutine, the server idle.
	stepCall := perCall(inProcessCalls, inProcessTime, func(i int) error {
		q := steps[i%len(steps)]
		_, err := srv.Guide.Step(wegwijzer.StepRequest{Audience: q.Audience, Lang: q.Lang, Institution: q.Institution, Node: q.Node, Choice: q.Choice})
		return err
	})
	msgCall := perCall(inProcessCalls, inProcessTime, func(i int) error {
		q := msgs[i%len(msgs)]
		_, err := srv.Guide.Message(wegwijzer.MessageRequest{Audience: q.Audience, Lang: q.Lang, Institution: q.Institution, Text: q.Text})
		return err
	})

	// And a whole request through each handler, without the network.
	stepHandler := handlerCost(srv.Handler, "/api/v1/wegwijzer/step", steps)
	stepBare := handlerCost(bare(stepAnswers), "/api/v1/wegwijzer/step", steps)
	msgHandler := handlerCost(srv.Handler, "/api/v1/wegwijzer/message", msgs)
	msgBare := handlerCost(bare(msgAnswers), "/api/v1/wegwijzer/message", msgs)

	stepRow := guideRow(r, "Guide step", srv.URL+"/api/v1/wegwijzer/step", steps, stepAnswers, [3]callCost{stepCall, stepHandler, stepBare}, "guide.Step")
	stepRow.Note = fmt.Sprintf("POST /api/v1/wegwijzer/step: %d step requests from a walk through the real guide (student and staff, with and without a school); "+
		"%d workers, max rate; the real server logs each request as JSON (to io.Discard); %s", len(steps), workers, cpuNote(stepRow))
	r.add(stepRow)
	msgRow := guideRow(r, "Free-text message", srv.URL+"/api/v1/wegwijzer/message", msgs, msgAnswers, [3]callCost{msgCall, msgHandler, msgBare}, "guide.Message")
	msgRow.Note = fmt.Sprintf("POST /api/v1/wegwijzer/message: %d typed messages (%d bench sentences and every 10th of the labelled corpus: Dutch and English, chat spelling, urgent ones among them), the same bare handler; %s", len(msgs), len(messages), cpuNote(msgRow))
	r.add(msgRow)
}

// guideRow runs the real server and the bare handler in turns with the same requests.
// costs are, measured in-process with the server idle: the guide's call, a request through the
// real handler and one through the bare handler.
func guideRow(r *run, part, url string, reqs []guideReq, answers map[string][]byte, costs [3]callCost, callName string) Row {
	call, realCost, bareCost := costs[0], costs[1], costs[2]
	b := r.b
	bareSrv := httptest.NewServer(bare(answers))
	defer bareSrv.Close()
	targets := func(base string) vegeta.Targeter {
		ts := make([]vegeta.Target, len(reqs))
		for i, q := range reqs {
			ts[i] = vegeta.Target{Method: "POST", URL: base, Body: mustJSON(q),
				Header: http.Header{"Content-Type": {"application/json"}}}
		}
		return vegeta.NewStaticTargeter(ts...)
	}
	ok := func(code int) bool { return code == http.StatusOK }
	p := turns(guidePairs, guideTurn,
		httpLoad(targets(url), workers, ok),
		httpLoad(targets(bareSrv.URL), workers, ok))
	if p.A.Failed > 0 || p.B.Failed > 0 {
		b.Fatalf("%s: real %s; bare %s", part, p.A.failures(), p.B.failures())
	}
	ratio := medianf(p.rateRatios())
	// Per request, the CPU the process (load generator and server) used on each side.
	cpuReal, cpuBare := p.A.cpuPerRequest(), p.B.cpuPerRequest()
	return Row{
		Part: part, Value: rateText(p.A), Ceiling: "bare " + rateText(p.B),
		Ratio: ratio, Formula: "real/bare req/s", Spread: spread(p.rateRatios()),
		Goal: "≥ 0.60", Met: met(ratio >= 0.6), Slowdown: 1 / ratio,
		Figures: map[string]float64{
			"real_rps": p.A.rps(), "real_p50_ms": ms(p.A.q(.5)), "real_p99_ms": ms(p.A.q(.99)), "real_requests": float64(p.A.OK),
			"bare_rps": p.B.rps(), "bare_p50_ms": ms(p.B.q(.5)), "bare_p99_ms": ms(p.B.q(.99)), "bare_requests": float64(p.B.OK),
			"p50_ratio": medianf(p.p50Ratios()), "rps_ratio_all_turns": p.A.rps() / p.B.rps(), "workers": workers, "turn_s": guideTurn.Seconds(), "pairs": guidePairs,
			"cpu_us_per_request_real": float64(cpuReal) / 1e3, "cpu_us_per_request_bare": float64(cpuBare) / 1e3,
			"cpu_ratio_bare_over_real": float64(cpuBare) / float64(cpuReal), "in_process_wall_us_per_call": float64(call.wall) / 1e3,
			"in_process_cpu_us_per_call": float64(call.cpu) / 1e3, "in_process_bytes_per_call": call.bytes, "in_process_allocs_per_call": call.allocs,
			"handler_cpu_us_per_request": float64(realCost.cpu) / 1e3, "handler_bytes_per_request": realCost.bytes,
			"bare_handler_cpu_us_per_request": float64(bareCost.cpu) / 1e3, "bare_handler_bytes_per_request": bareCost.bytes,
		},
		Why: fmt.Sprintf("under load a request costs the process (vegeta and server together) %.0f µs of CPU on the real side against %.0f µs on the bare one "+
			"(%.2f, the rate ratio without the other processes' noise). "+
			"In-process, without the network and with the server idle, a request costs %.0f µs of CPU through the real handler "+
			"(%.1f KB allocated) against %.0f µs through the bare one (%.1f KB); %s alone is %.0f µs of it (%.1f KB in %.0f allocations), "+
			"the rest is routing, strict decode, JSON encoding of the answer, security headers and the JSON request log",
			float64(cpuReal)/1e3, float64(cpuBare)/1e3, float64(cpuBare)/float64(cpuReal), float64(realCost.cpu)/1e3, realCost.bytes/1024, float64(bareCost.cpu)/1e3, bareCost.bytes/1024,
			callName, float64(call.cpu)/1e3, call.bytes/1024, call.allocs),
	}
}

const (
	inProcessCalls = 20_000
	inProcessTime  = time.Second
)

// handlerCost is one request through h, without the network, over reqs in turn.
func handlerCost(h http.Handler, path string, reqs []guideReq) callCost {
	bodies := make([][]byte, len(reqs))
	for i, q := range reqs {
		bodies[i] = mustJSON(q)
	}
	return perCall(inProcessCalls, inProcessTime, func(i int) error {
		req := httptest.NewRequest("POST", path, bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return nil
	})
}

// callCost is what one call costs in this process: wall time, CPU time of the whole process
// (the garbage collector's background work included) and the heap it allocates.
type callCost struct {
	wall, cpu     time.Duration
	bytes, allocs float64
}

// perCall measures fn, called in turn over i = 0, 1, ... (at most n calls or d), one goroutine.
func perCall(n int, d time.Duration, fn func(i int) error) callCost {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := processCPU()
	began := time.Now()
	i := 0
	for ; i < n && time.Since(began) < d; i++ {
		if err := fn(i); err != nil {
			panic(err)
		}
	}
	wall := time.Since(began)
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&m1)
	return callCost{wall: wall / time.Duration(i), cpu: cpu / time.Duration(i),
		bytes: float64(m1.TotalAlloc-m0.TotalAlloc) / float64(i), allocs: float64(m1.Mallocs-m0.Mallocs) / float64(i)}
}

// processCPU is the user and system CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuNote is the CPU per request of both sides: the rate ratio without the machine's noise.
func cpuNote(row Row) string {
	f := row.Figures
	return fmt.Sprintf("CPU per request (vegeta and server, getrusage): real %.0f µs, bare %.0f µs, bare/real %.2f",
		f["cpu_us_per_request_real"], f["cpu_us_per_request_bare"], f["cpu_ratio_bare_over_real"])
}

// walkSteps walks the guide breadth first from each start and returns the requests made and the
// answer to each one.
func walkSteps(tb testing.TB, url string) ([]guideReq, map[string][]byte) {
	tb.Helper()
	var (
		queue   []guideReq
		done    []guideReq
		answers = map[string][]byte{}
	)
	for _, aud := range []string{"student", "staff"} {
		for _, inst := range []string{"roc-voorbeeldstad", ""} {
			queue = append(queue, guideReq{Audience: aud, Lang: "nl", Institution: inst})
		}
	}
	for len(queue) > 0 && len(done) < maxStepRequests {
		q := queue[0]
		queue = queue[1:]
		if _, seen := answers[q.key()]; seen {
			continue
		}
		status, raw, err := post(url, mustJSON(q))
		if err != nil || status != 200 {
			tb.Fatalf("step %+v: %d %s %v", q, status, raw, err)
		}
		answers[q.key()] = raw
		done = append(done, q)
		var res struct{ Node wegwijzer.Node }
		if err := json.Unmarshal(raw, &res); err != nil {
			tb.Fatal(err)
		}
		for _, o := range res.Node.Options {
			queue = append(queue, guideReq{Audience: q.Audience, Lang: q.Lang, Institution: q.Institution, Node: res.Node.ID, Choice: o.ID})
		}
	}
	return done, answers
}

// capture asks the real server once for each request and keeps its answer.
func capture(tb testing.TB, url string, reqs []guideReq) map[string][]byte {
	tb.Helper()
	answers := map[string][]byte{}
	for _, q := range reqs {
		status, raw, err := post(url, mustJSON(q))
		if err != nil || status != 200 {
			tb.Fatalf("%s %+v: %d %s %v", url, q, status, raw, err)
		}
		answers[q.key()] = raw
	}
	return answers
}
