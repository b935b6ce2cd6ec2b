package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter limits requests per client address without keeping any address: it keys its
// buckets by an HMAC of the address under a random key that is replaced every hour, with all
// buckets. A whole school shares one address behind its NAT, so limits must be generous where
// classes work together and tight only where guessing is the threat (failed receipt lookups).
type Limiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	key     []byte
	since   time.Time
	buckets map[uint64]*rate.Limiter
	now     func() time.Time
}

// rotateEvery is how long one hashing key lives.
const rotateEvery = time.Hour

// NewLimiter allows perMinute requests a minute per address, with bursts of burst.
func NewLimiter(perMinute float64, burst int) *Limiter {
	return &Limiter{rate: rate.Limit(perMinute / 60), burst: burst, now: time.Now}
}

func (l *Limiter) bucket(addr string) *rate.Limiter {
	now := l.now()
	if l.buckets == nil || now.Sub(l.since) > rotateEvery {
		l.key = make([]byte, 32)
		_, _ = rand.Read(l.key)
		l.since = now
		l.buckets = map[uint64]*rate.Limiter{}
	}
	h := hmac.New(sha256.New, l.key)
	h.Write([]byte(addr))
	id := binary.BigEndian.Uint64(h.Sum(nil))
	b := l.buckets[id]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[id] = b
	}
	return b
}

// Allow takes one token for the client; when none is left it returns how long to wait.
func (l *Limiter) Allow(r *http.Request) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(clientAddress(r))
	res := b.ReserveN(l.now(), 1)
	if d := res.DelayFrom(l.now()); d > 0 {
		res.CancelAt(l.now())
		return false, d
	}
	return true, 0
}

// Wait is how long the client must wait before its next request gets through, without taking
// a token (for checking before the work that counts).
func (l *Limiter) Wait(r *http.Request) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(clientAddress(r))
	if tokens := b.TokensAt(l.now()); tokens < 1 {
		return time.Duration(math.Ceil((1 - tokens) / float64(l.rate) * float64(time.Second)))
	}
	return 0
}

// clientAddress is the connection's address, used only as a limiter key (hashed, in memory).
// On Lambda, lambdahttp puts API Gateway's source address there.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
