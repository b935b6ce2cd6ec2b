package meldpunt

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
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

// Finding 4: a report id carries no time. Ids made within one millisecond (which used to share
// their first nine characters) share no prefix beyond chance, and do not sort.
func TestReportIDsCarryNoTime(t *testing.T) {
	var ids []string
	prefixes := map[string]bool{}
	for range 64 {
		id := newReportID()
		if len(id) != 26 {
			t.Fatalf("id %q is not 26 characters", id)
		}
		if prefixes[id[:6]] {
			t.Errorf("two ids share the prefix %q: the id carries something other than chance", id[:6])
		}
		prefixes[id[:6]] = true
		ids = append(ids, id)
	}
	if slices.IsSorted(ids) {
		t.Errorf("ids made one after another sort: they carry their creation order")
	}
}

// A receipt's check digits tell nearly every guess from a real receipt without a store read.
func TestReceiptCheckDigits(t *testing.T) {
	k, err := NewKeys(NewMasterSecret())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		r := k.receipt([]byte(fmt.Sprint(i)), "key")
		if len(r) != ReceiptDigits || !k.Plausible(r) || !k.Plausible(NormalizeReceipt(FormatReceipt(r))) {
			t.Fatalf("receipt %q is not plausible", r)
		}
	}
	plausible := 0
	for i := range 200_000 {
		if k.Plausible(fmt.Sprintf("%020d", uint64(i)*7_919_000_003)) {
			plausible++
		}
	}
	if plausible > 3 {
		t.Errorf("%d of 200,000 guesses have the right check digits, want about 0.2", plausible)
	}
}
