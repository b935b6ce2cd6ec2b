package content_test

import (
	"testing"

	"meldwijzer/content"
)

// The cost of loading the served content, which every cold start pays.
func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := content.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}
