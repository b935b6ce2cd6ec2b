package api

import (
	"fmt"
	"net/http/httptest"
	"runtime"
	"testing"
)

// The limiter's memory does not grow with the number of networks it has seen.
func TestLimiterMemoryIsBounded(t *testing.T) {
	l := NewLimiter(10, 10)
	r := httptest.NewRequest("GET", "/", nil)
	l.Take(r) // the table is made at the first request: its fixed size is the bound
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 200_000 {
		r.RemoteAddr = fmt.Sprintf("[2001:db8:%x:%x::1]:443", i>>16, i&0xffff)
		l.Take(r)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 1<<20 {
		t.Errorf("200,000 networks grew the heap by %d bytes", grown)
	}
	if len(l.slots) != limiterSlots {
		t.Errorf("%d slots, want %d", len(l.slots), limiterSlots)
	}
}
