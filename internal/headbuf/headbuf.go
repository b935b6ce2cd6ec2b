// Package headbuf keeps the first bytes of a child process's output, for the error message when
// a test's helper process (DynamoDB Local, the Lambda emulator) fails to start or dies.
package headbuf

import (
	"bytes"
	"sync"
)

// Buffer keeps the first Max bytes written to it and drops the rest; safe for concurrent writes.
type Buffer struct {
	Max int
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write keeps what fits and reports every byte as written, so the process never blocks on it.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.Max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// String returns what was kept.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
