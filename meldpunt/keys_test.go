package meldpunt

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

func TestReceipt(t *testing.T) {
	keys, err := NewKeys(NewMasterSecret())
	if err != nil {
		t.Fatal(err)
	}
	salt := []byte("0123456789abcdef")
	r := keys.receipt(salt, "key-1")
	if !regexp.MustCompile(`^\d{20}$`).MatchString(r) {
		t.Fatalf("receipt %q", r)
	}
	if keys.receipt(salt, "key-1") != r {
		t.Error("a retry must derive the same receipt")
	}
	if keys.receipt(salt, "key-2") == r || keys.receipt([]byte("fedcba9876543210"), "key-1") == r {
		t.Error("another key or salt must give another receipt")
	}
	other, _ := NewKeys(NewMasterSecret())
	if other.receipt(salt, "key-1") == r || other.ReceiptHash(r) == keys.ReceiptHash(r) {
		t.Error("without the master secret, neither the receipt nor its hash can be made")
	}
	if _, err := NewKeys(make([]byte, 16)); err == nil {
		t.Error("a short master secret was accepted")
	}
}

func TestNormalizeAndFormatReceipt(t *testing.T) {
	const r = "01234567890123456789"
	for _, in := range []string{r, "0123 4567 8901 2345 6789", "0123-4567-8901-2345-6789", " 0123.4567.8901.2345.6789 "} {
		if got := NormalizeReceipt(in); got != r {
			t.Errorf("NormalizeReceipt(%q) = %q", in, got)
		}
	}
	for _, in := range []string{"", "0123", r + "0", "0123 4567 8901 2345 678x", "０１２３４５６７８９０１２３４５６７８９"} {
		if got := NormalizeReceipt(in); got != "" {
			t.Errorf("NormalizeReceipt(%q) = %q, want none", in, got)
		}
	}
	if got := FormatReceipt(r); got != "0123 4567 8901 2345 6789" {
		t.Errorf("FormatReceipt = %q", got)
	}
}

func TestReportIDsSortByCreation(t *testing.T) {
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 50 {
		ids = append(ids, newReportID(start.Add(time.Duration(i)*time.Millisecond)))
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids do not sort by creation: %v", ids[:3])
	}
	if newReportID(start) == newReportID(start) {
		t.Error("two ids in the same millisecond are equal")
	}
	if len(ids[0]) != 26 {
		t.Errorf("id %q is not 26 characters", ids[0])
	}
}
