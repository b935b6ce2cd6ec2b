package classify

import (
	"os"
	"testing"
)

// Held-out writers must be wholly held out: a line read by a model that saw other lines of its
// writer would say nothing about a new writer.
func TestWriterFoldsHoldWholeWriters(t *testing.T) {
	corpus, err := LoadCorpus(os.DirFS("."), TrainDir)
	if err != nil {
		t.Fatal(err)
	}
	const folds = 5
	fold := writerFolds(corpus, folds)
	of := map[string]int{}
	perFold := make([]map[string]bool, folds)
	for i := range perFold {
		perFold[i] = map[string]bool{}
	}
	for i, u := range corpus {
		if f, ok := of[u.Source]; ok && f != fold[i] {
			t.Fatalf("writer %s is in folds %d and %d", u.Source, f, fold[i])
		}
		of[u.Source] = fold[i]
		perFold[fold[i]][u.Source] = true
	}
	for f, writers := range perFold {
		if n := len(writers); n < len(of)/folds || n > len(of)/folds+1 {
			t.Errorf("fold %d holds %d of %d writers", f, n, len(of))
		}
	}
	again := writerFolds(corpus, folds)
	for i := range fold {
		if fold[i] != again[i] {
			t.Fatal("the writers' folds differ between two calls")
		}
	}
	for f := range folds {
		keep := sharedWriters(corpus, fold, f, writerOrder(corpus), 0.5)
		others := len(of) - len(perFold[f])
		if want := int(0.5*float64(others) + 0.5); len(keep) != want {
			t.Errorf("fold %d: half of %d other writers is %d, got %d", f, others, want, len(keep))
		}
		for w := range keep {
			if perFold[f][w] {
				t.Errorf("fold %d trains on its own writer %s", f, w)
			}
		}
	}
}
