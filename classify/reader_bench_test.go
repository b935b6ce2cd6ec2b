package classify

import "testing"

// BenchmarkReaderRead is the cost of reading one message (vocabulary and model), on the blind
// set's texts.
func BenchmarkReaderRead(b *testing.B) {
	r := reader(b)
	_, blind := corpora(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.Read(blind[i%len(blind)].Text)
	}
}

// BenchmarkModelPredict is the learned model alone.
func BenchmarkModelPredict(b *testing.B) {
	m := Embedded()
	_, blind := corpora(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Predict(blind[i%len(blind)].Text)
	}
}
