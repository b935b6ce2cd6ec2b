package bench

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// sample is what one or more turns of load gave: counts, the time they took, every latency.
type sample struct {
	OK, Failed int
	Dur        time.Duration
	// CPU is the CPU time the whole process (load generator and server) used meanwhile.
	CPU   time.Duration
	Lat   []time.Duration
	Codes map[int]int
	Errs  map[string]int
}

func newSample() sample { return sample{Codes: map[int]int{}, Errs: map[string]int{}} }

func (s *sample) record(code int, err string, lat time.Duration, ok bool) {
	if s.Codes == nil {
		*s = newSample()
	}
	s.Lat = append(s.Lat, lat)
	if code != 0 {
		s.Codes[code]++
	}
	if ok {
		s.OK++
		return
	}
	s.Failed++
	if err != "" && len(s.Errs) < 20 {
		s.Errs[err]++
	}
}

func (s *sample) add(o sample) {
	if s.Codes == nil {
		*s = newSample()
	}
	s.OK += o.OK
	s.Failed += o.Failed
	s.Dur += o.Dur
	s.CPU += o.CPU
	s.Lat = append(s.Lat, o.Lat...)
	for k, v := range o.Codes {
		s.Codes[k] += v
	}
	for k, v := range o.Errs {
		s.Errs[k] += v
	}
}

// rps is successful requests per second.
func (s sample) rps() float64 {
	if s.Dur <= 0 {
		return 0
	}
	return float64(s.OK) / s.Dur.Seconds()
}

// cpuPerRequest is the process's CPU time per request (client and server together): unlike the
// rate, it barely moves when other processes take the machine's cores.
func (s sample) cpuPerRequest() time.Duration {
	if n := s.OK + s.Failed; n > 0 {
		return s.CPU / time.Duration(n)
	}
	return 0
}

// q is the latency quantile (0.5, 0.99) over every request, exactly (no estimator).
func (s sample) q(p float64) time.Duration {
	if len(s.Lat) == 0 {
		return 0
	}
	l := slices.Clone(s.Lat)
	slices.Sort(l)
	i := int(p*float64(len(l))+0.5) - 1
	return l[max(0, min(i, len(l)-1))]
}

// failures says what went wrong, for the notes ("" when nothing did).
func (s sample) failures() string {
	if s.Failed == 0 {
		return ""
	}
	var parts []string
	for code, n := range s.Codes {
		if code < 200 || code > 299 {
			parts = append(parts, fmt.Sprintf("%d×%d", n, code))
		}
	}
	for e, n := range s.Errs {
		parts = append(parts, fmt.Sprintf("%d×%q", n, e))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d of %d failed: %s", s.Failed, s.OK+s.Failed, strings.Join(parts, ", "))
}

// load puts load on one side for about d and returns what it measured.
type load func(d time.Duration) sample

// httpLoad is vegeta in max-rate mode with a fixed number of workers (each one request at a
// time, on its own keep-alive connection): the same attacker settings for every side.
func httpLoad(tr vegeta.Targeter, workers int, want func(code int) bool) load {
	// maxPerTurn bounds each turn's requests as well as its time.
	const maxPerTurn = 500_000
	// One client per side, kept across turns, so that every turn runs on warm connections.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		Proxy:               nil, // loopback only, never a host proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
	}}
	return func(d time.Duration) sample {
		atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)))
		var n atomic.Int64
		bounded := func(t *vegeta.Target) error {
			if n.Add(1) > maxPerTurn {
				return vegeta.ErrNoTargets // the attacker stops
			}
			return tr(t)
		}
		s := newSample()
		cpu0 := processCPU()
		began := time.Now()
		for res := range atk.Attack(bounded, vegeta.Rate{Freq: 0}, d, "") { // Freq 0: as fast as the workers go
			if res.Error == vegeta.ErrNoTargets.Error() {
				continue
			}
			s.record(int(res.Code), res.Error, res.Latency, res.Error == "" && want(int(res.Code)))
		}
		s.Dur = time.Since(began)
		s.CPU = processCPU() - cpu0
		return s
	}
}

// funcLoad calls fn from workers goroutines for about d (and at most maxCalls times in all).
func funcLoad(workers, maxCalls int, fn func() error) load {
	return func(d time.Duration) sample {
		var (
			mu    sync.Mutex
			all   = newSample()
			wg    sync.WaitGroup
			calls = make(chan struct{}, maxCalls)
		)
		for range maxCalls {
			calls <- struct{}{}
		}
		cpu0 := processCPU()
		began := time.Now()
		deadline := began.Add(d)
		for range workers {
			wg.Go(func() {
				s := newSample()
				for time.Now().Before(deadline) {
					select {
					case <-calls:
					default:
						goto done
					}
					t0 := time.Now()
					err := fn()
					msg := ""
					if err != nil {
						msg = err.Error()
					}
					s.record(0, msg, time.Since(t0), err == nil)
				}
			done:
				mu.Lock()
				all.add(s)
				mu.Unlock()
			})
		}
		wg.Wait()
		all.Dur = time.Since(began)
		all.CPU = processCPU() - cpu0
		return all
	}
}

// pairs is the outcome of running two sides in turns.
type pairs struct {
	// A and B are all of each side's turns together.
	A, B sample
	// Turns are the pairs of turns, each [A, B].
	Turns [][2]sample
}

// rateRatios are rps(A)/rps(B) of each pair of turns.
func (p pairs) rateRatios() []float64 {
	var rs []float64
	for _, t := range p.Turns {
		if t[1].rps() > 0 {
			rs = append(rs, t[0].rps()/t[1].rps())
		}
	}
	return rs
}

// p50Ratios are p50(A)/p50(B) of each pair of turns.
func (p pairs) p50Ratios() []float64 {
	var rs []float64
	for _, t := range p.Turns {
		if t[1].q(.5) > 0 {
			rs = append(rs, float64(t[0].q(.5))/float64(t[1].q(.5)))
		}
	}
	return rs
}

// medianf is the median (the mean of the middle two for an even count); 0 for none.
func medianf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread is the lowest and highest of xs.
func spread(xs []float64) []float64 {
	if len(xs) == 0 {
		return nil
	}
	return []float64{slices.Min(xs), slices.Max(xs)}
}

// turns warms both sides up briefly, then runs n pairs of turns of d each, in the order A B,
// B A, A B, ... so that a slow drift of the machine weighs on both sides alike. The headline
// ratio is the median of the pairs: a pair that another process on the machine disturbed moves
// the spread, not the median.
func turns(n int, d time.Duration, a, b load) pairs {
	warm := min(d/4, 500*time.Millisecond)
	a(warm)
	b(warm)
	var p pairs
	for i := range n {
		var sa, sb sample
		if i%2 == 0 {
			sa = a(d)
			sb = b(d)
		} else {
			sb = b(d)
			sa = a(d)
		}
		p.Turns = append(p.Turns, [2]sample{sa, sb})
		p.A.add(sa)
		p.B.add(sb)
	}
	return p
}
