package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Limiter limits requests per client network without keeping any address: it keys its buckets
// by an HMAC of the network (an IPv4 address, or an IPv6 /64: one household or school gets one
// /64, and every address in it is theirs) under a random key that is replaced every hour, with
// all buckets. A whole school shares one address behind its NAT, so limits must be generous where
// classes work together and tight only where guessing is the threat (failed receipt lookups).
//
// Its memory is fixed: limiterSlots token buckets, a network's bucket chosen by its hash. Two
// networks that share a slot share a limit (stricter for both, never looser), so no flood of new
// addresses can grow it or push a network's bucket out.
type Limiter struct {
	rate  float64 // tokens a second
	burst float64

	mu    sync.Mutex
	key   []byte
	since time.Time
	slots []bucket
	now   func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time // zero: a full bucket nobody has used since the key rotated
}

// limiterSlots is the number of buckets (24 bytes each: under 1 MiB per limiter).
const limiterSlots = 1 << 15

// rotateEvery is how long one hashing key lives.
const rotateEvery = time.Hour

// NewLimiter allows perMinute requests a minute per network, with bursts of burst.
func NewLimiter(perMinute float64, burst int) *Limiter {
	return &Limiter{rate: perMinute / 60, burst: float64(burst), now: time.Now}
}

// slot returns the network's bucket, filled up to now. l.mu is held.
func (l *Limiter) slot(network []byte, now time.Time) *bucket {
	if l.slots == nil {
		// made at the first request, not at start: 1 MB that a function without these routes
		// (the wegwijzer) would zero at every cold start for nothing
		l.slots = make([]bucket, limiterSlots)
	}
	if l.key == nil || now.Sub(l.since) > rotateEvery {
		l.key = make([]byte, 32)
		_, _ = rand.Read(l.key)
		l.since = now
		clear(l.slots)
	}
	h := hmac.New(sha256.New, l.key)
	h.Write(network)
	b := &l.slots[binary.BigEndian.Uint64(h.Sum(nil))%limiterSlots]
	if b.last.IsZero() {
		b.tokens = l.burst
	} else if d := now.Sub(b.last); d > 0 {
		b.tokens = math.Min(l.burst, b.tokens+d.Seconds()*l.rate)
	}
	b.last = now
	return b
}

// Take charges one request to the client's network, atomically: when no token is left it
// charges nothing and says how long to wait. Charge before the work that counts, so that
// concurrent requests cannot all pass one check.
func (l *Limiter) Take(r *http.Request) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.slot(clientNetwork(r), now)
	if b.tokens < 1 {
		return false, time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
	}
	b.tokens--
	return true, 0
}

// clientNetwork is the limiter's key for the request's client: the IPv4 address, or the /64 of
// an IPv6 address. It is used only hashed, in memory. On Lambda, lambdahttp puts the viewer's
// address there (see lambdahttp.Options).
func clientNetwork(r *http.Request) []byte {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return []byte(host)
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		addr = p.Addr()
	}
	b, _ := addr.MarshalBinary()
	return b
}
