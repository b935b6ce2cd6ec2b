package main

import (
	"bytes"
	"strings"
	"testing"
)

// A content editor sees what was read and why: the reading, the vocabulary's part, the concepts
// found and the words that pushed the model most.
func TestClassifyCommandExplains(t *testing.T) {
	var out bytes.Buffer
	if err := classifyCommand([]string{"ik heb net een hele strip paracetamol geslikt"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"urgent suicide", "concepts (classify/concepts.tsv): method, taken, time_now", "paracetamol +"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("classify output lacks %q:\n%s", want, out.String())
		}
	}
	if err := classifyCommand([]string{"  "}, &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("an empty text gave %v, want the usage", err)
	}
}
